#!/usr/bin/env bash
# Memory soak (issue 6: "no growth of memory over a 5-minute run"): the release
# binary with the in-process limiter on (limits no run reaches) and the access
# log on (to /dev/null), under wrk/soak.lua's mix for SOAK_DURATION seconds:
# valid /predict calls, 422s, 401s and health probes, each from a fresh client
# address so the limiter's key store (250,000 keys) fills to its bound and
# keeps evicting.
# Samples the server's RSS every SOAK_SAMPLE seconds and prints the series,
# the growth after the first minute, and every status seen.
#
# Exits non-zero on errors only (socket errors, 5xx or unexpected statuses, a
# process that does not start) — never because memory grew: judge the figures.
#
# Environment: SOAK_DURATION=300  SOAK_SAMPLE=10  BENCH_CONNECTIONS=64
#              BENCH_WRK_THREADS=2  BENCH_BUILD=1  BENCH_BINARY=build/secure-ml-api
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BENCH_BINARY:-$ROOT/build/secure-ml-api}
DURATION=${SOAK_DURATION:-300}
SAMPLE=${SOAK_SAMPLE:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
HUGE_LIMIT=100000000/1s+1000000000
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_init

build() {
  [[ ${BENCH_BUILD:-1} == 0 ]] && return 0
  log "soak: building the release preset"
  (cd "$ROOT" && cmake --preset default >"$WORK/configure.log" 2>&1 &&
    cmake --build --preset default -j2 --target secure-ml-api >"$WORK/build.log" 2>&1) \
    || { tail -40 "$WORK/build.log" "$WORK/configure.log" >&2 2>/dev/null; die "build failed"; }
}

# Every SAMPLE seconds while wrk ($1) runs: "seconds rss_kib" lines.
sample_rss() {
  local wrk_pid=$1 start
  start=$(now_ns)
  while kill -0 "$wrk_pid" 2>/dev/null; do
    printf '%d %d\n' $(( ($(now_ns) - start) / 1000000000 )) "$(rss_kib "$SERVER_PID")"
    sleep "$SAMPLE"
  done
}

metric() {  # metric NAME: the value of an unlabelled sample in /metrics
  curl -sS --max-time 5 "$(server_url /metrics)" | awk -v m="$1" '$1 == m {print $2; exit}'
}

report() {
  local samples=$1 result=$2
  echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "machine:  $(nproc) cores, kernel $(uname -r); binary $("$BIN" version | head -1)"
  echo "wrk:      -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s -s bench/wrk/soak.lua"
  echo
  echo "RSS (MiB) every ${SAMPLE}s:"
  awk '{printf "%s%4ds %6.1f", (NR % 6 == 1 ? (NR > 1 ? "\n" : "") : "   "), $1, $2 / 1024} END {print ""}' "$samples"
  awk -v idle="$SERVER_RSS_IDLE" '
    { t[NR] = $1; r[NR] = $2 }
    END {
      for (i = 1; i <= NR; i++) if (t[i] >= 60 && !m1) m1 = r[i]
      for (i = 1; i <= NR; i++) if (t[i] >= 60 && r[i] > peak) peak = r[i]
      printf "idle %.1f MiB; at 60 s %.1f MiB; peak after 60 s %.1f MiB; last %.1f MiB; growth after the first minute %+.1f MiB\n",
        idle / 1024, m1 / 1024, peak / 1024, r[NR] / 1024, (r[NR] - m1) / 1024
    }' "$samples"
  echo "$result" | awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "requests %d (%.0f/s), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\n", v["requests"],
      v["requests"] / (v["duration_us"] / 1e6), v["p50"] / 1000, v["p99"] / 1000, v["p999"] / 1000
    line = "statuses:"
    for (k in v) if (k ~ /^s[0-9]+$/) line = line " " substr(k, 2) "=" v[k]
    print line
  }'
  echo "limiter keys evicted: $(metric smlapi_ratelimit_evictions_total)"
}

# 200, 401, 422 are the mix's answers; anything else (5xx, 429) is an error.
check() {
  local result=$1 bad
  bad=$(echo "$result" | tr ' ' '\n' | awk -F= '
    /^(connect|read|write|timeout)=/ && $2 > 0 { print }
    /^s[0-9]+=/ && $1 != "s200" && $1 != "s401" && $1 != "s422" { print }')
  [[ -z $bad ]] || die "errors during the soak: $(echo "$bad" | tr '\n' ' ')"
}

main() {
  command -v wrk >/dev/null || die "wrk is not installed"
  build
  check_binary
  make_credentials
  # Millions of access-log lines: written and formatted (the cost is real) but not kept.
  BENCH_SERVER_LOG=/dev/null start_server soak --rate-limit-default "$HUGE_LIMIT" --rate-limit-token "$HUGE_LIMIT" \
    --rate-limit-predict "$HUGE_LIMIT" --trusted-proxies 127.0.0.1/32 --access-log on
  BENCH_TOKEN=$(fetch_token)
  export BENCH_TOKEN
  log "soak: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s (RSS every ${SAMPLE}s)"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s \
    -s "$ROOT/bench/wrk/soak.lua" "$(server_url /predict)" >"$WORK/wrk.txt" 2>&1 &
  local wrk_pid=$!
  sample_rss "$wrk_pid" >"$WORK/rss.txt"
  wait "$wrk_pid" || { cat "$WORK/wrk.txt" >&2; die "wrk failed"; }
  local result
  result=$(grep '^SOAK_RESULT ' "$WORK/wrk.txt") || { cat "$WORK/wrk.txt" >&2; die "no result from wrk"; }
  echo
  report "$WORK/rss.txt" "$result"
  check "$result"
}

main "$@"
