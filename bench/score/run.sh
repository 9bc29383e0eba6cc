#!/usr/bin/env bash
# `secure-ml-api score` on a generated JSON-lines file (issue 17): rows/s with one worker and
# with one per core, rows per CPU-second (the per-core figure: all threads' user+system time,
# reading, parsing, scoring and writing included), and peak RSS on 1 M and on all rows (flat
# when streaming works). Output goes to /dev/null: formatting is measured, the disk is not.
#
# Environment (all optional):
#   BENCH_SCORE_ROWS=10000000   rows in the generated file
#   BENCH_BUILD=1               0: skip the release build and use BENCH_BINARY as it is
#   BENCH_BINARY=build/secure-ml-api
#   BENCH_KEEP=0                1: keep the temporary directory (the file, /usr/bin/time output)
#   SMLAPI_VADER_VECTORS        texts to draw from (default ../shared/vader/vectors.tsv)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BENCH_BINARY:-$ROOT/build/secure-ml-api}
ROWS=${BENCH_SCORE_ROWS:-10000000}
VECTORS=${SMLAPI_VADER_VECTORS:-$ROOT/../shared/vader/vectors.tsv}
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_init

if [[ ${BENCH_BUILD:-1} != 0 ]]; then
  log "bench: building the release preset"
  (cd "$ROOT" && cmake --preset default >"$WORK/configure.log" 2>&1 &&
    cmake --build --preset default -j2 --target secure-ml-api >"$WORK/build.log" 2>&1) \
    || { tail -40 "$WORK/build.log" >&2; die "build failed"; }
fi
check_binary
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (Debian package: time)"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
INPUT=$WORK/rows.jsonl
log "bench: generating $ROWS JSON lines"
python3 "$ROOT/bench/score/make_jsonl.py" "$ROWS" "$INPUT" "$VECTORS"
head -n 1000000 "$INPUT" >"$WORK/rows-1m.jsonl"

# measure NAME THREADS FILE ROWS: one run, one result line
measure() {
  local name=$1 threads=$2 file=$3 rows=$4 report=$WORK/time-$1.txt
  log "bench: $name: score --threads $threads ($rows rows)"
  /usr/bin/time -v "$BIN" score --threads "$threads" --id-field id "$file" -o /dev/null \
    2>"$report" || { cat "$report" >&2; die "$name: score failed"; }
  awk -v name="$name" -v rows="$rows" -v threads="$threads" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
    END {
      cpu = user + sys
      printf "%-14s %7s %11d %8.2f %12.0f %8.2f %14.0f %9.1f\n", name, threads, rows, wall,
        rows / wall, cpu, rows / cpu, rss / 1024
    }' "$report"
}

CORES=$(nproc)
RESULTS=$WORK/results.txt
{
  measure one_worker 1 "$INPUT" "$ROWS"
  measure all_cores "$CORES" "$INPUT" "$ROWS"
  measure all_cores_1m "$CORES" "$WORK/rows-1m.jsonl" 1000000
} >"$RESULTS"

echo
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load:     $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after (1/5/15 min)"
echo "binary:   $BIN ($("$BIN" version 2>/dev/null | head -1))"
echo "input:    $ROWS JSON lines, $(( $(stat -c %s "$INPUT") / 1048576 )) MiB, {\"id\":N,\"text\":...}; output JSON lines to /dev/null"
echo
printf '%-14s %7s %11s %8s %12s %8s %14s %9s\n' scenario threads rows wall_s rows/s cpu_s \
  rows/cpu_s peak_MiB
cat "$RESULTS"
