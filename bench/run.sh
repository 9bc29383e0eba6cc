#!/usr/bin/env bash
# One command for the service's HTTP benchmark (issue 6): builds the release
# preset, starts secure-ml-api (limits off, in-process limiter, Redis limiter),
# redis-server and nginx (the ceiling) on loopback, drives each with wrk and
# prints one table. Exits non-zero only on errors (non-2xx answers, socket
# errors, a process that does not start), never because the machine is slow.
#
# Environment (all optional):
#   BENCH_DURATION=10        seconds per scenario
#   BENCH_CONNECTIONS=64     wrk connections      BENCH_WRK_THREADS=2  wrk threads
#   BENCH_SERVER_THREADS=0   secure-ml-api --threads (0: one per core)
#   BENCH_ALG=HS256          signing algorithm of the bench key (HS256|EdDSA|ES256|RS256)
#   BENCH_BATCH_TEXTS=100    texts per /predict/batch request
#   BENCH_SCENARIOS="..."    subset of: nginx healthz predict batch token token_client predict_limiter
#                            predict_redis redis_stalled grpc predict_traced
#                            (predict_traced: predict with tracing exported over OTLP to an
#                            nginx sink that answers 200 and discards)
#                            score_file (not in the default list: `score` on a generated
#                            10 M-row JSON-lines file, bench/score/run.sh; BENCH_SCORE_ROWS)
#   BENCH_TRACE_SAMPLE_RATIO=1.0  predict_traced's --trace-sample-ratio (1.0: every request)
#   BENCH_BUILD=1            0: skip the build and use BENCH_BINARY as it is
#   BENCH_BINARY=build/secure-ml-api
#   BENCH_KEEP=0             1: keep the temporary directory (logs, wrk output)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
SERVER_THREADS=${BENCH_SERVER_THREADS:-0}
ALG=${BENCH_ALG:-HS256}
BATCH_TEXTS=${BENCH_BATCH_TEXTS:-100}
SCENARIOS=${BENCH_SCENARIOS:-nginx healthz predict batch token token_client predict_limiter predict_redis redis_stalled grpc predict_traced}
BIN=${BENCH_BINARY:-$ROOT/build/secure-ml-api}
GRPC_LOAD=${BENCH_GRPC_LOAD:-$ROOT/build/bench/grpc/grpc_load}
WRK_DIR=$ROOT/bench/wrk
# The limiter does all its work but never answers 429. The burst (10 s worth)
# matters: a worker preempted between reading the clock and taking the store's
# lock arrives "early" by its preemption time, and with a small burst such a
# request is (correctly, for GCRA) limited.
HUGE_LIMIT=100000000/1s+1000000000
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
bench_init
FAILED=0
RESULTS=$WORK/results.tsv
READY_NOTES=()
: >"$RESULTS"

want() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# --- one wrk scenario ------------------------------------------------------------
# measure NAME SCRIPT URL CONNECTIONS THREADS TEXTS_PER_REQUEST RSS_IDLE_KIB PID...
measure() {
  local name=$1 script=$2 url=$3 conns=$4 threads=$5 texts=$6 rss_idle=$7
  shift 7
  local pids=("$@") out=$WORK/wrk-$name.txt
  log "bench: $name: wrk -t$threads -c$conns -d${DURATION}s $url"
  local cpu0 t0 cpu1 t1
  cpu0=$(cpu_ticks "${pids[@]}")
  t0=$(now_ns)
  local TIMEFORMAT='%U %S' wrk_rc=0
  { time wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 30s -s "$WRK_DIR/$script" "$url" \
      >"$out" 2>&1 || wrk_rc=$?; } 2>"$out.cpu"
  if (( wrk_rc != 0 )); then
    log "bench: $name: wrk failed:"; cat "$out" >&2; FAILED=1; return 0
  fi
  t1=$(now_ns)
  cpu1=$(cpu_ticks "${pids[@]}")
  local result
  result=$(grep '^BENCH_RESULT ' "$out" || true)
  [[ -n $result ]] || { log "bench: $name: no result from wrk:"; cat "$out" >&2; FAILED=1; return 0; }
  local -A r=()
  local pair
  for pair in ${result#BENCH_RESULT }; do r[${pair%%=*}]=${pair#*=}; done
  local errors=$(( r[connect] + r[read] + r[write] + r[status] + r[timeout] ))
  if (( errors > 0 )); then
    log "bench: $name: errors: connect ${r[connect]} read ${r[read]} write ${r[write]}" \
        "non-2xx ${r[status]} timeout ${r[timeout]}"
    FAILED=1
  fi
  local wrk_cpu
  wrk_cpu=$(awk '{print $1 + $2}' "$out.cpu")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${r[requests]}" \
    "${r[duration_us]}" "$texts" "${r[p50]}" "${r[p99]}" "${r[p999]}" "$(( cpu1 - cpu0 ))" \
    "$(( t1 - t0 ))" "$rss_idle" "$(rss_kib "${pids[@]}")" "$errors" "$wrk_cpu" >>"$RESULTS"
}

# --- one gRPC scenario (bench/grpc/grpc_load prints wrk's BENCH_RESULT line) ------------
# measure_grpc NAME GRPC_PORT TEXTS_PER_REQUEST: ModelInfer on vader, tritonclient-style
# (raw_input_contents), from $CONNECTIONS channels; columns as measure's.
measure_grpc() {
  local name=$1 grpc_port=$2 texts=$3
  local out=$WORK/grpc-$name.txt
  log "bench: $name: grpc_load --connections $CONNECTIONS --texts $texts -d${DURATION}s"
  local cpu0 t0 cpu1 t1 load_rc=0
  cpu0=$(cpu_ticks "$SERVER_PID")
  t0=$(now_ns)
  local TIMEFORMAT='%U %S'
  { time "$GRPC_LOAD" --target "127.0.0.1:$grpc_port" --model vader --texts "$texts" \
      --connections "$CONNECTIONS" --duration "$DURATION" >"$out" 2>&1 || load_rc=$?; } 2>"$out.cpu"
  t1=$(now_ns)
  cpu1=$(cpu_ticks "$SERVER_PID")
  local result
  result=$(grep '^BENCH_RESULT ' "$out" || true)
  if (( load_rc != 0 )) || [[ -z $result ]]; then
    log "bench: $name: grpc_load failed:"; cat "$out" >&2; FAILED=1; return 0
  fi
  local -A r=()
  local pair
  for pair in ${result#BENCH_RESULT }; do r[${pair%%=*}]=${pair#*=}; done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${r[requests]}" \
    "${r[duration_us]}" "$texts" "${r[p50]}" "${r[p99]}" "${r[p999]}" "$(( cpu1 - cpu0 ))" \
    "$(( t1 - t0 ))" "$SERVER_RSS_IDLE" "$(rss_kib "$SERVER_PID")" "${r[status]}" \
    "$(awk '{print $1 + $2}' "$out.cpu")" >>"$RESULTS"
}

# --- secure-ml-api -------------------------------------------------------------

# run.sh's servers never write an access log: it would measure the disk.
start_bench_server() {  # NAME EXTRA_ARGS...
  local name=$1
  shift
  start_server "$name" --access-log off "$@"
  READY_NOTES+=("$(printf '%-16s start-up to /readyz 200: %d ms, idle RSS %d MiB' \
    "$name" "$SERVER_STARTUP_MS" $(( SERVER_RSS_IDLE / 1024 )))")
}

# Redis stopped (SIGSTOP) for the middle third of a /predict run, while a second wrk reads
# /healthz from the same workers: both keep being answered (fail-open: /predict from the local
# fallback limit), and their p99 shows what the stall cost. The two rows share the server's
# CPU columns (they run at once).
measure_redis_stalled() {
  local third_ms=$(( DURATION * 1000 / 3 ))
  ( sleep "$(awk -v ms="$third_ms" 'BEGIN { print ms / 1000 }')"
    kill -STOP "$REDIS_PID"
    sleep "$(awk -v ms="$third_ms" 'BEGIN { print ms / 1000 }')"
    kill -CONT "$REDIS_PID" ) &
  local staller=$!
  measure healthz_stalled healthz.lua "$(server_url /healthz)" 8 1 1 "$SERVER_RSS_IDLE" \
    "$SERVER_PID" &
  local healthz=$!
  measure predict_stalled predict.lua "$(server_url /predict)" "$CONNECTIONS" "$WRK_THREADS" 1 \
    "$SERVER_RSS_IDLE" "$SERVER_PID"
  wait "$healthz" || true
  wait "$staller" || true
  kill -CONT "$REDIS_PID" 2>/dev/null || true
  READY_NOTES+=("redis_stalled    Redis SIGSTOPped for the middle third of both runs (timeout 50 ms, fail-open): p99 must stay below 55 ms")
}

# --- nginx (the ceiling) -------------------------------------------------------

run_nginx() {
  local prefix=$WORK/nginx port
  port=$(free_port)
  mkdir -p "$prefix"
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" "$ROOT/bench/nginx/nginx.conf.template" \
    >"$prefix/nginx.conf"
  nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$prefix/stdout.log" 2>&1 &
  local master=$!
  STARTED_PIDS+=("$master")
  wait_until_ready "$port" /readyz "$master" || die "nginx did not start: $(cat "$prefix/error.log")"
  local workers
  for _ in $(seq 1 100); do
    workers=$(cat "/proc/$master/task/$master/children" 2>/dev/null || true)
    (( $(wc -w <<<"$workers") >= 2 )) && break
    sleep 0.02
  done
  sleep 0.2
  # shellcheck disable=SC2086
  measure nginx predict.lua "http://127.0.0.1:$port/predict" "$CONNECTIONS" "$WRK_THREADS" 1 \
    "$(rss_kib "$master" $workers)" "$master" $workers
  stop_pid "$master"
}

# --- redis-server (shared limits) -------------------------------------------------

REDIS_PID=""
REDIS_PORT=""

start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize no --protected-mode yes --dir "$WORK" >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  STARTED_PIDS+=("$REDIS_PID")
  local deadline=$(( $(now_ns) + 5000000000 )) reply=""
  while (( $(now_ns) < deadline )); do
    if { exec 4<>"/dev/tcp/127.0.0.1/$REDIS_PORT"; } 2>/dev/null; then
      printf 'PING\r\n' >&4
      read -r -t 1 reply <&4 || true
      exec 4<&- 4>&-
      [[ $reply == +PONG* ]] && return 0
    fi
    sleep 0.01
  done
  die "redis-server did not start: $(cat "$WORK/redis.log")"
}

# Redis round trips per request of scenario $1: the reads redis-server made from its clients
# (INFO stats total_reads_processed: a read takes whatever a connection's pipeline holds), less
# this INFO itself. Commands run inside the Lua scripts (TIME, MGET, SET, GET) are counted in
# INFO commandstats too but cost no round trip; they are what Redis' CPU goes on, so each is
# printed per request. The once-a-second health PINGs and the bench's own /token calls are
# included; they are noise at wrk's rates.
redis_commands_per_request() {
  command -v redis-cli >/dev/null || { echo "redis-server     round trips per request: (no redis-cli)"; return; }
  local requests
  requests=$(awk -F'\t' -v s="$1" '$1 == s {print $2}' "$RESULTS")
  { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" INFO stats; redis-cli -h 127.0.0.1 -p "$REDIS_PORT" INFO commandstats; } |
    tr -d '\r' | awk -v n="${requests:-0}" '
    /^total_reads_processed:/ { split($0, kv, ":"); reads = kv[2] - 1 }
    /^cmdstat_(evalsha|eval|exists|del|mget|get|set|time):/ {
      split($0, kv, /[:=,]/); name = substr(kv[1], 9); calls[name] = kv[3]
    }
    END {
      if (n == 0) { print "redis-server     round trips per request: (no requests)"; exit }
      line = sprintf("redis-server     round trips per request: %.2f (commands per request, in scripts included: ", reads / n)
      sep = ""
      for (c in calls) { line = line sprintf("%s%s %.2f", sep, c, calls[c] / n); sep = ", " }
      print line ")"
    }'
}

# --- the run ----------------------------------------------------------------------

build() {
  [[ ${BENCH_BUILD:-1} == 0 ]] && return 0
  log "bench: building the release preset"
  (cd "$ROOT" && cmake --preset default >"$WORK/configure.log" 2>&1) \
    || { cat "$WORK/configure.log" >&2; die "configure failed"; }
  (cd "$ROOT" && cmake --build --preset default -j2 \
      --target secure-ml-api api_request_bench api_request_instructions grpc_load \
      >"$WORK/build.log" 2>&1) \
    || { tail -40 "$WORK/build.log" >&2; die "build failed"; }
}

# An OTLP receiver that accepts every batch and discards it: nginx's `return 200` (the same
# template as the ceiling). Its CPU is not the service's, so it is not counted.
start_trace_sink() {
  local prefix=$WORK/trace-sink
  SINK_PORT=$(free_port)
  mkdir -p "$prefix"
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$SINK_PORT|g" "$ROOT/bench/nginx/nginx.conf.template" \
    >"$prefix/nginx.conf"
  nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" >"$prefix/stdout.log" 2>&1 &
  SINK_PID=$!
  STARTED_PIDS+=("$SINK_PID")
  wait_until_ready "$SINK_PORT" /readyz "$SINK_PID" || die "trace sink did not start"
}

# predict with tracing on: root traces sampled at BENCH_TRACE_SAMPLE_RATIO, each sampled
# request's three spans (server, admission, scoring) exported in batches; the CPU per request
# compared with predict's (same flags, no --otlp-endpoint: ids made and propagated, nothing
# recorded).
measure_predict_traced() {
  start_trace_sink
  start_bench_server traced "$@" --otlp-endpoint "http://127.0.0.1:$SINK_PORT/v1/traces" \
    --trace-sample-ratio "${BENCH_TRACE_SAMPLE_RATIO:-1.0}"
  measure predict_traced predict.lua "$(server_url /predict)" "$CONNECTIONS" "$WRK_THREADS" 1 \
    "$SERVER_RSS_IDLE" "$SERVER_PID"
  local exported
  exported=$(curl -s "$(server_url /metrics)" | awk '/^smlapi_trace_spans_exported_total/ {print $2}')
  local dropped
  dropped=$(curl -s "$(server_url /metrics)" | awk '/^smlapi_trace_spans_dropped_total/ {s += $2} END {print s + 0}')
  READY_NOTES+=("predict_traced   spans exported: ${exported:-0}, dropped: ${dropped:-0}")
  stop_server
  stop_pid "$SINK_PID"
}

check_tools() {
  local tool
  for tool in wrk nginx curl python3 awk; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
  if want predict_redis || want redis_stalled; then
    command -v redis-server >/dev/null || die "redis-server is not installed"
  fi
}



print_machine() {
  echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
  echo "load:     $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after (1/5/15 min)"
  echo "binary:   $BIN ($("$BIN" version 2>/dev/null | head -1))"
  echo "wrk:      -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s (token, Argon2id: -t1 -c2), key $ALG," \
       "server threads $SERVER_THREADS (0 = cores)"
}

print_table() {
  awk -F'\t' -v tck="$CLK_TCK" '
    function lat(us) { return us < 1000 ? sprintf("%d us", us) : sprintf("%.2f ms", us / 1000) }
    { name[NR] = $1; rps[NR] = $2 / ($3 / 1e6); texts[NR] = $4; p50[NR] = $5; p99[NR] = $6
      p999[NR] = $7; cpu[NR] = ($8 / tck) / ($9 / 1e9) * 100
      cpureq[NR] = $2 > 0 ? ($8 / tck) / $2 * 1e6 : 0
      idle[NR] = $10; load[NR] = $11; err[NR] = $12; wrk[NR] = $13 / ($9 / 1e9) * 100
      if ($1 == "nginx") ceiling = rps[NR] }
    END {
      printf "%-16s %9s %10s %9s %9s %9s %6s %9s %6s %13s %6s %6s\n", "scenario", "req/s",
        "texts/s", "p50", "p99", "p99.9", "CPU", "CPU/req", "wrk", "RSS idle/load", "/nginx",
        "errors"
      for (i = 1; i <= NR; i++) {
        printf "%-16s %9.0f %10s %9s %9s %9s %5.0f%% %9s %5.0f%% %5.1f/%5.1fM %6s %6d\n",
          name[i], rps[i], (texts[i] > 1 ? sprintf("%.0f", rps[i] * texts[i]) : "-"),
          lat(p50[i]), lat(p99[i]), lat(p999[i]), cpu[i],
          (cpureq[i] < 1000 ? sprintf("%.1f us", cpureq[i]) : sprintf("%.1f ms", cpureq[i] / 1000)),
          wrk[i], idle[i] / 1024, load[i] / 1024,
          (ceiling > 0 ? sprintf("%.2f", rps[i] / ceiling) : "-"), err[i]
      }
    }' "$RESULTS"
}

# The file-scoring scenario runs no server: bench/score/run.sh prints its own table.
run_score_file() {
  BENCH_BUILD=0 BENCH_BINARY=$BIN "$ROOT/bench/score/run.sh" >"$WORK/score_file.txt" \
    || { log "bench: score_file failed"; FAILED=1; }
}

main() {
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  check_tools
  build
  check_binary
  if [[ $SCENARIOS == score_file ]]; then
    run_score_file
    cat "$WORK/score_file.txt"
    exit "$FAILED"
  fi
  want score_file && run_score_file
  make_credentials
  export BENCH_BATCH_TEXTS=$BATCH_TEXTS
  local base=(--rate-limits off)
  local limited=(--rate-limit-default "$HUGE_LIMIT" --rate-limit-token "$HUGE_LIMIT"
                 --rate-limit-predict "$HUGE_LIMIT")

  want nginx && run_nginx

  # The token comes from a server of its own: one Argon2id hash leaves ~19 MiB
  # of heap behind, which would blur the RSS of the scenarios that follow.
  start_bench_server token-source "${base[@]}"
  BENCH_TOKEN=$(fetch_token)
  export BENCH_TOKEN
  stop_server

  start_bench_server limits-off "${base[@]}"
  want healthz && measure healthz healthz.lua "$(server_url /healthz)" "$CONNECTIONS" \
    "$WRK_THREADS" 1 "$SERVER_RSS_IDLE" "$SERVER_PID"
  want predict && measure predict predict.lua "$(server_url /predict)" "$CONNECTIONS" \
    "$WRK_THREADS" 1 "$SERVER_RSS_IDLE" "$SERVER_PID"
  want batch && measure "batch$BATCH_TEXTS" batch.lua "$(server_url /predict/batch)" \
    "$CONNECTIONS" "$WRK_THREADS" "$BATCH_TEXTS" "$SERVER_RSS_IDLE" "$SERVER_PID"
  # Argon2id is slow on purpose and bounded by --max-concurrent-hashes (2):
  # two connections keep both hashing slots busy without being shed (503).
  want token && measure token token.lua "$(server_url /token)" 2 1 1 "$SERVER_RSS_IDLE" \
    "$SERVER_PID"
  # client_credentials with a generated secret: no Argon2id, no hashing slot, so the full load
  # (req/s = tokens/s): form parsing, an HMAC-SHA256 and signing with the $ALG key.
  want token_client && measure token_client token_client.lua "$(server_url /token)" \
    "$CONNECTIONS" "$WRK_THREADS" 1 "$SERVER_RSS_IDLE" "$SERVER_PID"
  stop_server

  # gRPC ModelInfer (--grpc-port) through the same handler: 1 text and $BATCH_TEXTS texts.
  if want grpc; then
    local grpc_port
    grpc_port=$(free_port)
    start_bench_server grpc "${base[@]}" --grpc-port "$grpc_port"
    measure_grpc grpc1 "$grpc_port" 1
    measure_grpc "grpc$BATCH_TEXTS" "$grpc_port" "$BATCH_TEXTS"
    stop_server
  fi

  if want predict_limiter; then
    start_bench_server memory-limiter "${limited[@]}"
    measure predict_limiter predict.lua "$(server_url /predict)" "$CONNECTIONS" "$WRK_THREADS" 1 \
      "$SERVER_RSS_IDLE" "$SERVER_PID"
    stop_server
  fi

  if want predict_redis || want redis_stalled; then
    start_redis
    start_bench_server redis-limiter "${limited[@]}" --redis-host 127.0.0.1 --redis-port "$REDIS_PORT"
  fi
  if want predict_redis; then
    local redis_cpu0 redis_cpu1 t0 t1
    redis_cpu0=$(cpu_ticks "$REDIS_PID")
    t0=$(now_ns)
    measure predict_redis predict.lua "$(server_url /predict)" "$CONNECTIONS" "$WRK_THREADS" 1 \
      "$SERVER_RSS_IDLE" "$SERVER_PID"
    t1=$(now_ns)
    redis_cpu1=$(cpu_ticks "$REDIS_PID")
    READY_NOTES+=("$(awk -v d=$(( redis_cpu1 - redis_cpu0 )) -v tck="$CLK_TCK" -v w=$(( t1 - t0 )) \
      'BEGIN { printf "redis-server     CPU during predict_redis: %.0f%%", d / tck / (w / 1e9) * 100 }')")
    READY_NOTES+=("$(redis_commands_per_request predict_redis)")
  fi
  want redis_stalled && measure_redis_stalled
  if want predict_redis || want redis_stalled; then
    stop_server
    stop_pid "$REDIS_PID"
  fi
  want predict_traced && measure_predict_traced "${base[@]}"

  echo
  print_machine
  echo
  print_table
  echo
  printf '%s\n' "${READY_NOTES[@]}"
  if want score_file && [[ -s $WORK/score_file.txt ]]; then
    echo
    cat "$WORK/score_file.txt"
  fi
  if (( FAILED )); then
    echo "bench: FAILED: errors above (wrk output in $WORK when BENCH_KEEP=1)" >&2
    exit 1
  fi
}

main "$@"
