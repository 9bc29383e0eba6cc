#!/usr/bin/env bash
# Installs what building, running and testing secure-ml-api needs on Debian 12,
# and only what is missing: Debian packages through apt, web assets and offline
# linters through npm (package-lock.json pins every version).
#   scripts/install-deps.sh          build + run
#   scripts/install-deps.sh --test   build + run + every test tool
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libssl-dev libsimdjson-dev prometheus-cpp-dev libhiredis-dev libargon2-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev nodejs npm)
# The README's walkthrough uses these against the running service.
run_packages=(curl jq)
test_packages=(clang clang-format libclang-rt-14-dev lld redis-server haproxy prometheus python3-pytest python3-requests
  python3-grpcio python3-grpc-tools
  python3-jwt python3-cryptography python3-authlib python3-flask python3-yaml python3-jsonschema yamllint shellcheck jq curl chromium
  podman buildah skopeo runc debootstrap binutils python3-pip python3-setuptools python3-wheel mypy python3-typeshed)

wanted=("${build_packages[@]}" "${run_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  # node/npm may come from elsewhere (a newer Node.js): accept any working install.
  if [[ "$package" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$package" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: Swagger UI (built into the binary), model data sources and the
# offline validators used by the tests. Reinstalled only when the lock changes.
stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "install-deps: npm ci"
  SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
