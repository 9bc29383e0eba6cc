#!/usr/bin/env bash
# Instructions per request of one full in-process request (parse -> route ->
# limit -> auth -> score -> serialise), counted by callgrind inside
# run_requests() only: start-up and a 200-request warm-up are excluded, so the
# figure is the steady state and does not move with machine load.
#
#   bench/api/callgrind.sh [SCENARIO...]        (default: every scenario)
# The last column, heap allocations per steady-state request, comes from
# api_request_allocations (malloc counted in process, no valgrind) when it is
# built next to the instructions binary; "-" otherwise.
#
# Environment: CALLGRIND_ITERATIONS=1000 (batch scenarios run a tenth of it),
#              API_BENCH_BIN=build/bench/api/api_request_instructions
#              API_ALLOC_BIN=<same directory>/api_request_allocations
# Build first: cmake --preset default && cmake --build --preset default -j2 \
#              --target api_request_instructions api_request_allocations
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${API_BENCH_BIN:-$ROOT/build/bench/api/api_request_instructions}
ITERATIONS=${CALLGRIND_ITERATIONS:-1000}
ALLOC_BIN=${API_ALLOC_BIN:-$(dirname "$BIN")/api_request_allocations}

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
[[ -x $BIN ]] || { echo "callgrind.sh: no $BIN (build api_request_instructions)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smlapi-callgrind.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if (( $# > 0 )); then scenarios=("$@"); else mapfile -t scenarios < <("$BIN" --list); fi

# Allocations per request of one scenario, or "-" without the counting binary.
allocations_per_request() {
  [[ -x $ALLOC_BIN ]] || { echo -; return; }
  ALLOC_ITERATIONS=$ITERATIONS "$ALLOC_BIN" "$1" | awk 'NR == 2 {print $4}'
}

printf '%-20s %10s %14s %12s %12s %12s\n' scenario requests instructions "Ir/request" "Ir/text" \
  "alloc/req"
for scenario in "${scenarios[@]}"; do
  iterations=$ITERATIONS
  [[ $scenario == *batch* ]] && iterations=$(( ITERATIONS / 10 > 0 ? ITERATIONS / 10 : 1 ))
  out=$WORK/callgrind.$scenario
  if ! valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
      --toggle-collect='smlapi::bench::run_requests*' \
      "$BIN" "$scenario" "$iterations" >"$WORK/$scenario.stdout" 2>"$WORK/$scenario.stderr"; then
    cat "$WORK/$scenario.stdout" "$WORK/$scenario.stderr" >&2
    echo "callgrind.sh: $scenario failed" >&2
    exit 1
  fi
  total=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
  texts=$(sed -n 's/.* requests, \([0-9]*\) texts each.*/\1/p' "$WORK/$scenario.stdout")
  allocations=$(allocations_per_request "$scenario")
  awk -v s="$scenario" -v n="$iterations" -v t="$total" -v k="${texts:-1}" -v a="$allocations" '
    BEGIN { printf "%-20s %10d %14d %12.0f %12s %12s\n", s, n, t, t / n,
            (k > 0 ? sprintf("%.0f", t / n / k) : "-"), a }'
done
