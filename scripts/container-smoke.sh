#!/bin/bash
# Builds the secure-ml-api image offline with podman and smoke-tests it the way it must run
# in production: read-only root filesystem without tmpfs, no capabilities,
# no-new-privileges, uid/gid 65532, loopback only.
#
#   scripts/container-smoke.sh [--full [--pull-base]] [--binary PATH] [--save FILE] [--keep-image]
#   scripts/container-smoke.sh --build-only TAG [--binary PATH]
#
#   (default)  fast: a FROM-scratch image from a binary built on this (Debian 12) host,
#              using the final stage of deploy/docker/Dockerfile verbatim (seconds).
#   --full     the complete multi-stage deploy/docker/Dockerfile: apt-get, cmake, tests
#              and staging inside a local debian:bookworm-slim made with debootstrap
#              (cached under $SMLAPI_CTR_CACHE). Takes minutes.
#   --pull-base  with --full: build FROM the Dockerfile's digest-pinned base, pulled from
#              the registry (CI), instead of the local debootstrap image.
#   --binary   host binary for the fast mode (default: build/secure-ml-api).
#   --save     also write the tested image to FILE (docker-archive, e.g. for Trivy).
#   --build-only  build the fast image as TAG in the private store, keep it and exit without
#              checks (tests/pod runs it as a pod spec; it removes the image itself).
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (podman unusable here,
# or no suitable binary), so CTest reports SKIP rather than a pass.
#
# Environment: SMLAPI_CTR_ROOT   private podman store (default /tmp/smlapi-ctr; never the
#                                system store other users share)
#              SMLAPI_CTR_CACHE  debootstrap base image cache (default /var/tmp/smlapi-container-cache)
#              SMLAPI_SMOKE_INSTALL=0  do not apt-get install podman when it is missing
#              SMLAPI_BUILD_JOBS compile jobs inside --full (default 2)
#              SMLAPI_CONTAINER_RUN_TESTS=OFF  --full builds the service only, without compiling
#                                and running the unit tests inside (the Dockerfile's RUN_TESTS;
#                                default ON)
set -euo pipefail

readonly SKIP=77
# 20 MB, the container issue's budget for the service, plus 14 MB for the KServe V2 gRPC
# endpoint's shared libraries from Debian (libgrpc 7.1 MB, libprotobuf 3.3, libgrpc++ 1.0, abseil
# ~1, re2 0.5, upb, c-ares, gpr): the measured image is 31.4 MB (deploy/docker/README.md).
readonly MAX_IMAGE_BYTES=34000000
readonly RUNTIME_USER=65532:65532
readonly BASE_IMAGE=docker.io/library/debian:bookworm-slim

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=fast
binary=$repo/build/secure-ml-api
keep_image=0
pull_base=0
save_to=
build_only=0
ctr_root=${SMLAPI_CTR_ROOT:-/tmp/smlapi-ctr}
cache_dir=${SMLAPI_CTR_CACHE:-/var/tmp/smlapi-container-cache}
image=localhost/secure-ml-api:smoke-$$
container_id=
work=
failures=0

log() { printf '[container-smoke] %s\n' "$*"; }
pass() { printf '[container-smoke] PASS  %s\n' "$*"; }
fail() {
  printf '[container-smoke] FAIL  %s\n' "$*" >&2
  failures=$((failures + 1))
}
skip() {
  printf '[container-smoke] SKIP  %s\n' "$*"
  exit "$SKIP"
}
die() {
  printf '[container-smoke] ERROR %s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

parse_args() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      --full) mode=full ;;
      --binary)
        [[ $# -ge 2 ]] || die "--binary needs a path"
        binary=$2
        shift
        ;;
      --keep-image) keep_image=1 ;;
      --build-only)
        [[ $# -ge 2 ]] || die "--build-only needs an image tag"
        build_only=1
        image=$2
        keep_image=1
        shift
        ;;
      --pull-base) pull_base=1 ;;
      --save)
        [[ $# -ge 2 ]] || die "--save needs a file"
        save_to=$2
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
  done
}

cleanup() {
  local rc=$?
  if [[ -n $container_id ]]; then
    podman_cmd stop --time 5 "$container_id" >/dev/null 2>&1 || true
    podman_cmd rm --force "$container_id" >/dev/null 2>&1 || true
  fi
  if [[ $keep_image == 0 ]] && podman_cmd image exists "$image" 2>/dev/null; then
    podman_cmd rmi "$image" >/dev/null 2>&1 || true
  fi
  [[ -n $work ]] && rm -rf "$work"
  exit "$rc"
}

podman_cmd() {
  podman --root "$ctr_root/storage" --runroot "$ctr_root/run" "$@"
}

# --- prerequisites ---------------------------------------------------------------------

install_podman() {
  [[ ${SMLAPI_SMOKE_INSTALL:-1} != 0 ]] || return 1
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 1
  log "podman/runc missing: apt-get install --no-install-recommends podman runc"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
    --no-install-recommends podman runc >/dev/null
}

require_tools() {
  if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
    install_podman || skip "podman and runc are not installed and cannot be installed here"
  fi
  local tool
  for tool in curl jq tar; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
  done
}

# crun refuses hybrid cgroups on these VMs and podman's default RLIMIT_NOFILE exceeds what
# an unprivileged sandbox may set: use runc and low ulimits (see ../shared/notes/tooling.md).
configure_podman() {
  mkdir -p "$ctr_root"
  cat >"$ctr_root/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF=$ctr_root/containers.conf
  podman_cmd info >/dev/null 2>&1 || skip "podman cannot run here: $(podman_cmd info 2>&1 | tail -n1)"
}

source_metadata() {
  revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
  source_date_epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}
  created=$(date -u -d "@$source_date_epoch" +%Y-%m-%dT%H:%M:%SZ)
  version=$(sed -n 's/^project(secure-ml-api VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
  version=${version:-0.0.0-dev}
}

label_args() {
  printf '%s\n' --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    --build-arg "CREATED=$created" --build-arg "SOURCE_DATE_EPOCH=$source_date_epoch"
}

# --- image builds ----------------------------------------------------------------------

# The runtime stage of the real Dockerfile, fed a rootfs staged on this host.
build_fast() {
  [[ -x $binary ]] || skip "no binary at $binary (build it first, or pass --binary)"
  if ldd "$binary" 2>/dev/null | grep -Eq 'lib(a|ub|t)san'; then
    skip "$binary is a sanitizer build; the image smoke test needs a release build (cmake --preset default)"
  fi
  local context=$work/context
  mkdir -p "$context"
  SOURCE_DATE_EPOCH=$source_date_epoch "$repo/deploy/docker/stage-rootfs.sh" \
    "$binary" "$context/rootfs"
  sed -n '/^FROM scratch$/,$p' "$repo/deploy/docker/Dockerfile" |
    sed 's|^COPY --from=build /rootfs/ /$|COPY rootfs/ /|' >"$context/Containerfile"
  grep -q '^COPY rootfs/ /$' "$context/Containerfile" ||
    die "could not derive the runtime stage from deploy/docker/Dockerfile"
  mapfile -t labels < <(label_args)
  podman_cmd build --quiet --format docker --pull=never --timestamp "$source_date_epoch" \
    "${labels[@]}" -t "$image" -f "$context/Containerfile" "$context" >/dev/null
}

# Staging the same binary again into a fresh directory and rebuilding without cache must
# give the same layer digest: the runtime layer is reproducible from its inputs.
check_reproducible_layer() {
  local context=$work/context-again first second
  mkdir -p "$context"
  SOURCE_DATE_EPOCH=$source_date_epoch "$repo/deploy/docker/stage-rootfs.sh" \
    "$binary" "$context/rootfs" >/dev/null
  cp "$work/context/Containerfile" "$context/Containerfile"
  mapfile -t labels < <(label_args)
  podman_cmd build --quiet --no-cache --format docker --pull=never --timestamp "$source_date_epoch" \
    "${labels[@]}" -t "$image-again" -f "$context/Containerfile" "$context" >/dev/null
  first=$(podman_cmd image inspect "$image" --format '{{json .RootFS.Layers}}')
  second=$(podman_cmd image inspect "$image-again" --format '{{json .RootFS.Layers}}')
  podman_cmd rmi "$image-again" >/dev/null 2>&1 || true
  if [[ $first == "$second" ]]; then
    pass "runtime layer is reproducible (same digest from a fresh staging, no cache)"
  else
    fail "runtime layer differs between two builds from the same inputs: $first vs $second"
  fi
}

# A minimal debian:bookworm-slim equivalent made from the Debian mirror apt already uses.
ensure_base_image() {
  podman_cmd image exists "$BASE_IMAGE" && return 0
  local tarball=$cache_dir/debian-bookworm-slim-rootfs.tar
  if [[ ! -s $tarball ]]; then
    command -v debootstrap >/dev/null || {
      [[ $(id -u) == 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=300 --no-install-recommends debootstrap >/dev/null
    } || skip "debootstrap is not available to make a local $BASE_IMAGE"
    local mirror rootfs
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    rootfs=$cache_dir/rootfs.$$
    mkdir -p "$cache_dir"
    log "debootstrap --variant=minbase bookworm from $mirror (about 30 s, cached in $cache_dir)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache_dir/debootstrap.log" 2>&1 ||
      skip "debootstrap failed (see $cache_dir/debootstrap.log)"
    slim_rootfs "$rootfs"
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  podman_cmd import "$tarball" "$BASE_IMAGE" >/dev/null
}

slim_rootfs() {
  local rootfs=$1
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
}

build_full() {
  local -a base=(--pull=missing)
  if [[ $pull_base == 0 ]]; then
    ensure_base_image
    base=(--pull=never --build-arg "BUILDER_IMAGE=$BASE_IMAGE")
  fi
  mapfile -t labels < <(label_args)
  log "full multi-stage build (apt-get + compile, tests inside: ${SMLAPI_CONTAINER_RUN_TESTS:-ON}; minutes)"
  podman_cmd build --format docker --timestamp "$source_date_epoch" "${base[@]}" \
    --build-arg "BUILD_JOBS=${SMLAPI_BUILD_JOBS:-2}" \
    --build-arg "RUN_TESTS=${SMLAPI_CONTAINER_RUN_TESTS:-ON}" \
    "${labels[@]}" --ignorefile "$repo/deploy/docker/Dockerfile.dockerignore" \
    -t "$image" -f "$repo/deploy/docker/Dockerfile" "$repo"
}

# --- static checks on the image --------------------------------------------------------

check_image_config() {
  local config size
  config=$(podman_cmd image inspect "$image" --format json | jq '.[0]')
  size=$(jq -r '.Size' <<<"$config")
  if ((size < MAX_IMAGE_BYTES)); then pass "image size $size bytes < $MAX_IMAGE_BYTES"; else fail "image size $size bytes >= $MAX_IMAGE_BYTES"; fi
  expect_config "$config" '.Config.User' "$RUNTIME_USER" "runs as $RUNTIME_USER"
  expect_config "$config" '.Config.Entrypoint | join(" ")' /usr/local/bin/secure-ml-api "entrypoint is the binary"
  expect_config "$config" '.Config.Cmd | join(" ")' serve "default command is serve"
  expect_config "$config" '.Config.ExposedPorts | keys | join(",")' 8000/tcp "exposes 8000/tcp"
  expect_config "$config" '.Config.Env | map(select(startswith("SMLAPI_"))) | sort | join(" ")' \
    "SMLAPI_HOST=0.0.0.0 SMLAPI_PORT=8000" "sets SMLAPI_HOST and SMLAPI_PORT"
  expect_config "$config" '.Healthcheck.Test | join(" ")' \
    "CMD /usr/local/bin/secure-ml-api healthcheck" "HEALTHCHECK runs the binary (exec form)"
  local label
  for label in source revision version licenses created; do
    expect_config "$config" ".Labels[\"org.opencontainers.image.$label\"] // \"\" | length > 0" true \
      "label org.opencontainers.image.$label present"
  done
  expect_config "$config" '.Labels["org.opencontainers.image.revision"]' "$revision" "revision label = $revision"
}

expect_config() {
  local config=$1 query=$2 expected=$3 what=$4 actual
  actual=$(jq -r "$query" <<<"$config" 2>/dev/null || echo '<missing>')
  if [[ $actual == "$expected" ]]; then pass "$what"; else fail "$what (got '$actual')"; fi
}

# The whole filesystem must be: the binary, libraries, identity files, the CA bundle (trust
# anchors for --redis-tls), dpkg metadata.
check_filesystem() {
  local id listing files bad unexpected
  id=$(podman_cmd create "$image")
  listing=$(podman_cmd export "$id" | tar -tv)
  podman_cmd rm "$id" >/dev/null 2>>"$work/podman-run.log"
  # Regular files and symlinks only (column 6 is the path in GNU tar's verbose listing).
  files=$(awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' <<<"$listing" | sort)
  bad=$(grep -E '(^|/)(sh|bash|dash|busybox|apt|apt-get|dpkg|curl|wget)$' <<<"$files" || true)
  if [[ -z $bad ]]; then
    pass "no shell, package manager or downloader in the image"
  else
    fail "image contains a shell, package manager or downloader: $(tr '\n' ' ' <<<"$bad")"
  fi
  unexpected=$(grep -Ev '^(etc/(passwd|group|nsswitch\.conf|os-release|ssl/certs/ca-certificates\.crt)|usr/local/bin/secure-ml-api|(usr/)?lib(64)?/([a-z0-9_]+-linux-gnu[a-z0-9_]*/)?[^/]+\.so[.0-9]*|var/lib/dpkg/status\.d/[a-z0-9.+-]+)$' <<<"$files" || true)
  if [[ -z $unexpected ]]; then
    pass "filesystem holds only the binary, its libraries, identity files, the CA bundle and dpkg metadata"
  else
    fail "unexpected files in the image: $(tr '\n' ' ' <<<"$unexpected")"
  fi
  if grep -q '^etc/passwd$' <<<"$files"; then pass "/etc/passwd present"; else fail "/etc/passwd missing"; fi
  # The prod overlay's SMLAPI_REDIS_TLS_CA_FILE: a regular file, root-owned, read-only.
  if grep -Eq '^-r--r--r-- (root|0)/(root|0) +[0-9]{5,} .* (\./)?etc/ssl/certs/ca-certificates\.crt$' <<<"$listing"; then
    pass "/etc/ssl/certs/ca-certificates.crt present (root-owned, 0444, not empty)"
  else
    fail "/etc/ssl/certs/ca-certificates.crt missing, empty, writable or not root-owned: $(grep 'ca-certificates' <<<"$listing")"
  fi
}

# --- runtime checks --------------------------------------------------------------------

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

# Host networking keeps all traffic on loopback; the listen address is therefore
# narrowed to 127.0.0.1 (the image default 0.0.0.0 would listen on every host interface).
start_container() {
  port=$(free_port)
  local -a extra=()
  if [[ -n ${users_file:-} ]]; then
    extra+=(--volume "$users_file:/etc/secure-ml-api/users.json:ro" --env SMLAPI_USERS_FILE=/etc/secure-ml-api/users.json)
  fi
  if [[ -n ${keys_dir:-} ]]; then
    extra+=(--volume "$keys_dir:/etc/secure-ml-api/keys:ro" --env SMLAPI_KEYS_DIR=/etc/secure-ml-api/keys)
  fi
  # podman logs its missing systemd healthcheck timers on stderr: keep that out of the report.
  container_id=$(podman_cmd run --detach --read-only --read-only-tmpfs=false --cap-drop=ALL \
    --security-opt=no-new-privileges --user "$RUNTIME_USER" --network=host \
    --env SMLAPI_HOST=127.0.0.1 --env "SMLAPI_PORT=$port" --memory 256m --pids-limit 256 \
    "${extra[@]}" "$image" 2>"$work/podman-run.log")
  log "container ${container_id:0:12} listening on 127.0.0.1:$port"
  local i
  for i in $(seq 1 100); do
    [[ $(http_status GET /healthz) == 200 ]] && return 0
    [[ $(podman_cmd inspect --format '{{.State.Running}}' "$container_id") == true ]] || break
    sleep 0.1
  done
  fail "/healthz never answered 200 (after ${i} tries); logs: $(podman_cmd logs "$container_id" 2>&1 | tail -n 5)"
  return 1
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" "http://127.0.0.1:$port$2" || echo 000
}

check_process_hardening() {
  local pid status
  pid=$(podman_cmd inspect --format '{{.State.Pid}}' "$container_id")
  status=$(cat "/proc/$pid/status")
  expect_line "$status" '^Uid:\s+65532\s+65532\s+65532\s+65532$' "process uid is 65532 (real, effective, saved, fs)"
  expect_line "$status" '^Gid:\s+65532\s+65532\s+65532\s+65532$' "process gid is 65532"
  expect_line "$status" '^CapEff:\s+0+$' "no effective capabilities"
  expect_line "$status" '^CapBnd:\s+0+$' "empty capability bounding set"
  expect_line "$status" '^NoNewPrivs:\s+1$' "no_new_privs set"
  expect_line "$(cat "/proc/$pid/mountinfo")" '^\S+ \S+ \S+ \S+ / \S*\bro\b' "root filesystem mounted read-only"
  if grep -Eq ' (/tmp|/run|/var/tmp) \S+ .*tmpfs' "/proc/$pid/mountinfo"; then
    fail "a writable tmpfs is mounted on /tmp, /run or /var/tmp"
  else
    pass "no tmpfs on /tmp, /run, /var/tmp"
  fi
}

expect_line() {
  if grep -Pq "$2" <<<"$1"; then pass "$3"; else fail "$3"; fi
}

check_health() {
  local body
  body=$(curl -s --max-time 5 "http://127.0.0.1:$port/healthz")
  if [[ $(jq -r .status <<<"$body" 2>/dev/null) == ok ]]; then pass "GET /healthz 200 {\"status\":\"ok\"}"; else fail "GET /healthz body: $body"; fi
  if podman_cmd healthcheck run "$container_id" >/dev/null 2>>"$work/podman-run.log"; then
    pass "HEALTHCHECK (secure-ml-api healthcheck inside the container) healthy"
  else
    fail "HEALTHCHECK reported unhealthy"
  fi
}

# /docs is Swagger UI built into the binary: an image built without `npm ci` would
# answer 404 here.
check_docs() {
  local path
  for path in /docs/ /docs/swagger-ui-bundle.js /docs/swagger-ui.css /openapi.json; do
    if [[ $(http_status GET "$path") == 200 ]]; then pass "GET $path 200"; else fail "GET $path did not answer 200"; fi
  done
}

# Users are created with the image's own binary (no shell or host build needed), into a
# directory only the test writes; the server then gets the file read-only.
prepare_users_file() {
  local dir=$work/users
  mkdir -p "$dir"
  chmod 0777 "$dir"
  smoke_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  if printf '%s\n' "$smoke_password" | podman_cmd run --rm -i --network=none --user "$RUNTIME_USER" \
    --volume "$dir:/data" "$image" users add smoke --users-file /data/users.json --scopes predict \
    >/dev/null 2>>"$work/podman-run.log" &&
    [[ -s $dir/users.json ]]; then
    pass "users add (run in the image) wrote a users file"
    users_file=$dir/users.json
    prepare_signing_key
  else
    fail "secure-ml-api users add failed in the image: $(tail -n 3 "$work/podman-run.log" 2>/dev/null)"
  fi
}

# A signing key made by the image itself, mounted read-only like a Kubernetes Secret.
prepare_signing_key() {
  local dir=$work/keys
  mkdir -p "$dir"
  chmod 0777 "$dir"
  if podman_cmd run --rm --network=none --user "$RUNTIME_USER" --volume "$dir:/keys" "$image" \
    keys generate --alg EdDSA --kid smoke --out /keys >/dev/null 2>>"$work/podman-run.log"; then
    pass "keys generate (run in the image) wrote a signing key"
    # Closed again before the server reads it, as a Secret volume is: the service refuses a
    # key directory that anyone but root or itself may write (file trust, docs/threat-model.md).
    chmod 0755 "$dir"
    keys_dir=$dir
  else
    fail "secure-ml-api keys generate failed in the image: $(tail -n 3 "$work/podman-run.log" 2>/dev/null)"
  fi
}

check_token_predict_metrics() {
  local token_json token body metrics
  token_json=$(curl -s --max-time 5 -X POST "http://127.0.0.1:$port/token" \
    --data-urlencode grant_type=password --data-urlencode username=smoke \
    --data-urlencode "password=$smoke_password" --data-urlencode scope=predict)
  token=$(jq -r '.access_token // empty' <<<"$token_json" 2>/dev/null || true)
  if [[ -n $token ]]; then pass "POST /token issued a bearer token"; else fail "POST /token: $token_json"; fi

  if [[ $(http_status POST /predict) == 401 ]]; then
    pass "POST /predict without a token is refused with 401"
  else
    fail "POST /predict without a token was not refused with 401"
  fi
  body=$(curl -s --max-time 5 -X POST "http://127.0.0.1:$port/predict" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data '{"text":"I love this, it is great!"}')
  if grep -q POSITIVE <<<"$body"; then pass "POST /predict labels a positive text POSITIVE"; else fail "POST /predict: $body"; fi

  metrics=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics")
  if grep -q '^smlapi_predictions_total{.*label="POSITIVE".*} [1-9]' <<<"$metrics"; then
    pass "GET /metrics counts the prediction"
  else
    fail "GET /metrics has no smlapi_predictions_total{label=\"POSITIVE\"} >= 1"
  fi
  if grep -q '^smlapi_http_requests_total{' <<<"$metrics"; then pass "GET /metrics exports smlapi_http_requests_total"; else fail "no smlapi_http_requests_total in /metrics"; fi

  if curl -s -D - -o /dev/null --max-time 5 "http://127.0.0.1:$port/healthz" | grep -qi '^x-content-type-options: *nosniff'; then
    pass "security headers on responses (X-Content-Type-Options: nosniff)"
  else
    fail "no X-Content-Type-Options: nosniff on /healthz"
  fi
  local logs
  logs=$(podman_cmd logs "$container_id" 2>/dev/null)
  if [[ -n $logs ]] && jq -e -s 'length > 0' <<<"$logs" >/dev/null 2>&1; then
    pass "stdout logs are JSON lines ($(wc -l <<<"$logs") lines)"
  else
    fail "stdout logs are not JSON lines: $(head -c 200 <<<"$logs")"
  fi
}

# SIGTERM must stop the service promptly (it runs as PID 1: no default signal action).
stop_container() {
  local started=$SECONDS
  podman_cmd stop --time 10 "$container_id" >/dev/null 2>>"$work/podman-run.log"
  if ((SECONDS - started < 10)); then
    pass "exits on SIGTERM (graceful stop in $((SECONDS - started)) s)"
  else
    fail "ignored SIGTERM (killed after the 10 s grace period)"
  fi
  podman_cmd rm --force "$container_id" >/dev/null 2>&1 || true
  container_id=
}

main() {
  parse_args "$@"
  require_tools
  configure_podman
  trap cleanup EXIT
  work=$(mktemp -d /tmp/smlapi-smoke.XXXXXX)
  source_metadata
  log "mode=$mode image=$image store=$ctr_root"
  if [[ $mode == full ]]; then build_full; else build_fast; fi
  if [[ $build_only == 1 ]]; then
    log "built $image"
    return 0
  fi
  check_image_config
  check_filesystem
  if [[ $mode == fast ]]; then check_reproducible_layer; fi
  prepare_users_file
  if start_container; then
    check_process_hardening
    check_health
    check_docs
    if [[ -n ${users_file:-} ]]; then check_token_predict_metrics; fi
    stop_container
  fi
  if [[ -n $save_to ]]; then
    podman_cmd save --format docker-archive -o "$save_to" "$image"
    log "image saved to $save_to"
  fi
  if ((failures > 0)); then
    log "$failures check(s) failed"
    exit 1
  fi
  log "all checks passed ($mode)"
}

main "$@"
