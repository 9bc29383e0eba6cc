#!/usr/bin/env bash
# What span export costs the service per /predict request (issue 18: at most +3 %), counted in
# the service itself rather than read from wrk's rate, which moves ±15 % on a shared machine:
#
# 1. instructions per request: the server runs under callgrind with instrumentation off until
#    it is ready, then on (callgrind_control -i on) for a fixed number of keep-alive /predict
#    requests and the export that follows them (every thread: workers and exporter), then off.
#    Deterministic to a fraction of a percent whatever else the machine runs.
# 2. CPU µs per request at full speed: the server's utime+stime (/proc/<pid>/stat, all threads)
#    over a fixed-duration wrk run, each configuration started afresh and the configurations
#    interleaved, TRACE_BENCH_REPEATS times; the median is printed. Still moved by the machine's
#    load (cache, frequency, preemption), so read it next to the instruction counts.
#
# Configurations: tracing off (no --otlp-endpoint: ids made and propagated, nothing recorded),
# then --otlp-endpoint to an nginx sink that answers 200 (its CPU is not counted) at each
# --trace-sample-ratio of TRACE_BENCH_RATIOS. Same flags as bench/run.sh's predict scenario
# (--rate-limits off, access log off). Prints figures, asserts nothing.
#
# Environment (all optional):
#   TRACE_BENCH_RATIOS="1.0 0.1"   sample ratios measured with export on
#   TRACE_BENCH_PROTOCOL=http/protobuf   --otlp-protocol of the export (or http/json)
#   TRACE_BENCH_ARGS=""            more server options for the traced configurations
#                                  (e.g. "--otlp-queue-spans 8192")
#   TRACE_BENCH_REQUESTS=2000      requests counted under callgrind per configuration (0: skip)
#   TRACE_BENCH_DURATION=5         seconds of wrk per CPU run (0: skip the CPU runs)
#   TRACE_BENCH_REPEATS=3          CPU runs per configuration
#   BENCH_CONNECTIONS=64 BENCH_WRK_THREADS=2 BENCH_SERVER_THREADS=2
#   TRACE_BENCH_VALGRIND_ARGS=""   more callgrind options (e.g. --separate-threads=yes to see the
#                                  exporter thread apart; kept files: BENCH_KEEP=1)
#   BENCH_BUILD=1                  0: use BENCH_BINARY as it is
#   BENCH_BINARY=build/secure-ml-api
#
#   bench/tracing/run.sh        (builds: cmake --preset default && cmake --build --preset default
#                                --target secure-ml-api -j2)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BENCH_BINARY:-$ROOT/build/secure-ml-api}
RATIOS=${TRACE_BENCH_RATIOS:-1.0 0.1}
PROTOCOL=${TRACE_BENCH_PROTOCOL:-http/protobuf}
REQUESTS=${TRACE_BENCH_REQUESTS:-2000}
DURATION=${TRACE_BENCH_DURATION:-5}
REPEATS=${TRACE_BENCH_REPEATS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
export BENCH_SERVER_THREADS=${BENCH_SERVER_THREADS:-2}
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_init

if [[ ${BENCH_BUILD:-1} != 0 ]]; then
  log "trace bench: building the release preset (secure-ml-api)"
  (cd "$ROOT" && cmake --preset default >"$WORK/configure.log" 2>&1 &&
    cmake --build --preset default --target secure-ml-api -j2 >"$WORK/build.log" 2>&1) ||
    { tail -40 "$WORK/build.log" "$WORK/configure.log" >&2 2>/dev/null; die "build failed"; }
fi
check_binary
for tool in wrk nginx valgrind callgrind_control python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
make_credentials

BASE=(--rate-limits off --access-log off)
start_server token-source "${BASE[@]}"
BENCH_TOKEN=$(fetch_token)
export BENCH_TOKEN
stop_server

SINK_PREFIX=$WORK/trace-sink
SINK_PORT=$(free_port)
mkdir -p "$SINK_PREFIX"
sed -e "s|@PREFIX@|$SINK_PREFIX|g" -e "s|@PORT@|$SINK_PORT|g" \
  "$ROOT/bench/nginx/nginx.conf.template" >"$SINK_PREFIX/nginx.conf"
nginx -p "$SINK_PREFIX" -c "$SINK_PREFIX/nginx.conf" -e "$SINK_PREFIX/error.log" \
  >"$SINK_PREFIX/stdout.log" 2>&1 &
SINK_PID=$!
STARTED_PIDS+=("$SINK_PID")
wait_until_ready "$SINK_PORT" /readyz "$SINK_PID" || die "trace sink did not start"

CONFIGS=(off)
for ratio in $RATIOS; do CONFIGS+=("$ratio"); done

config_args() {  # off | RATIO
  if [[ $1 == off ]]; then return 0; fi
  printf '%s\n' --otlp-endpoint "http://127.0.0.1:$SINK_PORT/v1/traces" --trace-sample-ratio "$1" \
    --otlp-protocol "$PROTOCOL"
  local arg
  # shellcheck disable=SC2086 # word splitting wanted: a list of options
  for arg in ${TRACE_BENCH_ARGS:-}; do printf '%s\n' "$arg"; done
}

label() { if [[ $1 == off ]]; then echo "tracing off"; else echo "$PROTOCOL, ratio $1"; fi; }

metric() {  # NAME: the server's counter (summed over labels)
  curl -s "$(server_url /metrics)" | awk -v m="$1" '$1 ~ "^"m {s += $2} END {print s + 0}'
}

# N keep-alive POST /predict requests on one connection; fails on any non-200.
send_requests() {
  python3 - "$SERVER_PORT" "$1" <<'EOF'
import http.client, os, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
body = '{"text":"The service was quick and the staff were really helpful :)"}'
headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"],
           "Content-Type": "application/json"}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for _ in range(n):
    conn.request("POST", "/predict", body, headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"status {r.status}")
EOF
}

# --- 1. instructions per request under callgrind ---------------------------------------
declare -A IR=()
callgrind_run() {  # CONFIG
  local config=$1 out=$WORK/callgrind-$1.out port
  mapfile -t extra < <(config_args "$config")
  port=$(free_port)
  # shellcheck disable=SC2086 # word splitting wanted: a list of options
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" ${TRACE_BENCH_VALGRIND_ARGS:-} \
    "$BIN" serve --host 127.0.0.1 --port "$port" --threads "$BENCH_SERVER_THREADS" \
    --users-file "$WORK/users.json" --keys-dir "$WORK/keys" --token-ttl 3600 \
    "${BASE[@]}" "${extra[@]}" >"$WORK/callgrind-$config.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PORT=$port
  STARTED_PIDS+=("$SERVER_PID")
  local deadline=$(( $(now_ns) + 60000000000 ))
  until [[ $(http_status "$port" /readyz) == 200 ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/callgrind-$config.log" >&2; die "server died"; }
    (( $(now_ns) < deadline )) || die "server under callgrind not ready in 60 s"
    sleep 0.1
  done
  send_requests 50 || die "warm-up failed"
  callgrind_control -i on "$SERVER_PID" >/dev/null 2>&1
  sleep 0.2
  send_requests "$REQUESTS" || die "requests failed"
  sleep 2.5  # the exporter's next poll (every second) sends what the requests queued
  callgrind_control -i off "$SERVER_PID" >/dev/null 2>&1
  stop_server
  IR[$config]=$(cat "$out"* | awk '/^totals:/ {s += $2} END {print s}')
}

# --- 2. CPU per request at full speed ---------------------------------------------------
declare -A CPU_RUNS=()
cpu_run() {  # CONFIG
  local config=$1 out=$WORK/wrk-$1.txt
  mapfile -t extra < <(config_args "$config")
  start_server "cpu-$config" "${BASE[@]}" "${extra[@]}"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d1s -s "$ROOT/bench/wrk/predict.lua" \
    "$(server_url /predict)" >/dev/null 2>&1 || true  # warm-up
  local cpu0 cpu1
  local export0 export1
  export0=$(exporter_ticks "$SERVER_PID")
  cpu0=$(cpu_ticks "$SERVER_PID")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s \
    -s "$ROOT/bench/wrk/predict.lua" "$(server_url /predict)" >"$out" 2>&1 || die "wrk failed"
  cpu1=$(cpu_ticks "$SERVER_PID")
  export1=$(exporter_ticks "$SERVER_PID")
  local requests
  requests=$(awk '/^BENCH_RESULT / { for (i = 2; i <= NF; ++i) if ($i ~ /^requests=/) { sub(/requests=/, "", $i); print $i } }' "$out")
  [[ -n $requests && $requests -gt 0 ]] || { cat "$out" >&2; die "no requests counted"; }
  local us
  us=$(awk -v t=$(( cpu1 - cpu0 )) -v h="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", t / h * 1e6 / n }')
  CPU_RUNS[$config]+="$us "
  local dropped=0
  [[ $config == off ]] || dropped=$(metric smlapi_trace_spans_dropped_total)
  local export_us
  export_us=$(awk -v t=$(( export1 - export0 )) -v h="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", t / h * 1e6 / n }')
  log "trace bench: $(label "$config"): $requests requests, $us CPU µs/request ($export_us in the exporter thread), spans dropped $dropped"
  stop_server
}

exporter_ticks() {  # PID: utime+stime of its exporter thread (named otlp-export), 0 if none
  local task total=0
  for task in /proc/"$1"/task/*; do
    [[ $(cat "$task/comm" 2>/dev/null) == otlp-export ]] || continue
    total=$(( total + $(awk '{print $14 + $15}' "$task/stat") ))
  done
  echo "$total"
}

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

if (( REQUESTS > 0 )); then
  for config in "${CONFIGS[@]}"; do
    log "trace bench: callgrind, $(label "$config"), $REQUESTS requests"
    callgrind_run "$config"
  done
fi
if (( DURATION > 0 )); then
  for (( rep = 1; rep <= REPEATS; ++rep )); do
    for config in "${CONFIGS[@]}"; do cpu_run "$config"; done
  done
fi

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
if [[ ${BENCH_BUILD:-1} != 0 ]]; then
  echo "binary: $BIN, built from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
else
  echo "binary: $BIN (as given)"
fi
printf '%-26s %16s %10s %20s %10s\n' configuration "instr/request" overhead "CPU µs/req (median)" overhead
for config in "${CONFIGS[@]}"; do
  ir=- ir_over=- cpu=- cpu_over=- runs=""
  if [[ -n ${IR[$config]:-} ]]; then
    ir=$(awk -v t="${IR[$config]}" -v n="$REQUESTS" 'BEGIN { printf "%.0f", t / n }')
    ir_over=$(awk -v a="${IR[$config]}" -v b="${IR[off]}" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')
  fi
  if [[ -n ${CPU_RUNS[$config]:-} ]]; then
    cpu=$(median <<<"${CPU_RUNS[$config]}")
    base=$(median <<<"${CPU_RUNS[off]}")
    cpu_over=$(awk -v a="$cpu" -v b="$base" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')
    runs="  (runs: ${CPU_RUNS[$config]% })"
  fi
  printf '%-26s %16s %10s %20s %10s%s\n' "$(label "$config")" "$ir" "$ir_over" "$cpu" "$cpu_over" "$runs"
done
