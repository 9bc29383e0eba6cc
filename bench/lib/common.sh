# shellcheck shell=bash
# Shared by bench/run.sh and bench/soak.sh: every process they start is
# remembered and stopped by PID; free loopback ports; readiness polling;
# CPU and RSS read from /proc; the benchmark key, user and token.
#
# The sourcing script sets ROOT and BIN, calls bench_init (a temporary WORK
# directory removed on exit) and then uses the functions below.

# The globals set here and in start_server are read by the sourcing script.
# shellcheck disable=SC2034
bench_init() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/smlapi-bench.XXXXXX")
  STARTED_PIDS=()
  CLK_TCK=$(getconf CLK_TCK)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }
now_ns() { date +%s%N; }

stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "bench: kept $WORK"; else rm -rf "$WORK"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Status code of GET $2 on 127.0.0.1:$1 through bash's /dev/tcp (no fork, so
# the start-up time is measured to a few milliseconds); empty when refused.
http_status() {
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
  read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  line=${line#HTTP/1.1 }
  printf '%s' "${line%% *}"
}

wait_until_ready() {  # port path pid -> 0 when 200, 1 when the process died or 10 s passed
  local deadline=$(( $(now_ns) + 10000000000 ))
  while (( $(now_ns) < deadline )); do
    kill -0 "$3" 2>/dev/null || return 1
    [[ $(http_status "$1" "$2") == 200 ]] && return 0
    sleep 0.002
  done
  return 1
}

cpu_ticks() {  # utime+stime summed over PIDs (all threads of each process)
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}

rss_kib() {  # VmRSS summed over PIDs
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status") ))
  done
  echo "$total"
}

check_binary() {
  [[ -x $BIN ]] || die "no binary at $BIN"
  if ldd "$BIN" | grep -q 'libasan\|libubsan'; then
    die "$BIN is a sanitizer build; benchmark the release preset"
  fi
}

# A key (BENCH_ALG, default HS256) and a user with scope predict, in $WORK.
make_credentials() {
  "$BIN" keys generate --alg "${BENCH_ALG:-HS256}" --kid bench --out "$WORK/keys" \
    >"$WORK/keys.log" 2>&1 || die "keys generate failed: $(cat "$WORK/keys.log")"
  BENCH_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s\n' "$BENCH_PASSWORD" |
    "$BIN" users add bench --users-file "$WORK/users.json" --scopes predict >"$WORK/users.log" 2>&1 \
    || die "users add failed: $(cat "$WORK/users.log")"
  export BENCH_USER=bench BENCH_PASSWORD
  # A machine client with a generated secret (keyed hash, no Argon2id): the token_client scenario.
  BENCH_CLIENT_SECRET=$("$BIN" clients add bench-client --generate-secret --scopes predict \
    --users-file "$WORK/users.json" 2>"$WORK/clients.log") \
    || die "clients add failed: $(cat "$WORK/clients.log")"
  export BENCH_CLIENT_ID=bench-client BENCH_CLIENT_SECRET
}

# shellcheck disable=SC2034
# start_server NAME EXTRA_ARGS...: sets SERVER_PID, SERVER_PORT, SERVER_RSS_IDLE
# and SERVER_STARTUP_MS; the log goes to $WORK/server-NAME.log, or to
# $BENCH_SERVER_LOG when set (e.g. /dev/null for millions of access lines).
start_server() {
  local name=$1
  shift
  SERVER_PORT=$(free_port)
  local t0 t1 server_log=${BENCH_SERVER_LOG:-$WORK/server-$name.log}
  t0=$(now_ns)
  "$BIN" serve --host 127.0.0.1 --port "$SERVER_PORT" --threads "${BENCH_SERVER_THREADS:-0}" \
    --users-file "$WORK/users.json" --keys-dir "$WORK/keys" --token-ttl 3600 \
    "$@" >"$server_log" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  if ! wait_until_ready "$SERVER_PORT" /readyz "$SERVER_PID"; then
    cat "$server_log" >&2
    die "secure-ml-api ($name) did not become ready"
  fi
  t1=$(now_ns)
  SERVER_STARTUP_MS=$(( (t1 - t0) / 1000000 ))
  sleep 0.5  # idle RSS once start-up allocations have settled
  SERVER_RSS_IDLE=$(rss_kib "$SERVER_PID")
}

stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

server_url() { echo "http://127.0.0.1:$SERVER_PORT$1"; }

fetch_token() {
  local body
  body=$(curl -sS --max-time 30 -X POST \
    --data "grant_type=password&username=bench&password=$BENCH_PASSWORD" "$(server_url /token)")
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$body" \
    || die "no token from /token: $body"
}
