#!/usr/bin/env bash
# Installs what is missing, builds and runs every test:
#   1. dev preset (GCC, AddressSanitizer + UndefinedBehaviorSanitizer): unit tests,
#      integration tests against the real binary, document/deploy/pipeline checks;
#   2. fuzz preset (clang + libFuzzer): a short smoke run of every fuzz target;
#   3. default preset (release): the container image, built two ways with podman and
#      smoke-tested as it must run (read-only, no capabilities, uid 65532): a FROM-scratch
#      image around the host's release binary (seconds), then the complete multi-stage
#      deploy/docker/Dockerfile (Debian build stage running the tests; minutes).
# Prints one summary line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

summary() {  # adds a ctest log's counts to the totals
  local log=$1 passed failed
  passed=$(grep -Eo '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1 |
           awk '{print $NF - $4}')
  failed=$(grep -Eo '[0-9]+ tests failed out of' "$log" | tail -1 | awk '{print $1}')
  total_passed=$((total_passed + ${passed:-0}))
  total_failed=$((total_failed + ${failed:-1}))
}
total_passed=0
total_failed=0
status=0

echo "== dev preset: build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$jobs"
echo "== dev preset: tests"
ctest --preset dev -j"$jobs" --label-exclude container 2>&1 | tee build-dev/ctest.log || status=1
summary build-dev/ctest.log

echo "== fuzz preset: build and smoke run"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs"
ctest --test-dir build-fuzz -j"$jobs" 2>&1 | tee build-fuzz/ctest.log || status=1
summary build-fuzz/ctest.log

echo "== default preset (release): container images (fast, then the full multi-stage build)"
cmake --preset default -DSMLAPI_CONTAINER_FULL_BUILD=ON >/dev/null
cmake --build --preset default -j"$jobs" --target secure-ml-api
ctest --test-dir build -L container 2>&1 | tee build/ctest-container.log || status=1
summary build/ctest-container.log

echo "${total_passed} passed, ${total_failed} failed"
exit "$status"
