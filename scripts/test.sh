#!/usr/bin/env bash
# Installs what is missing, builds and runs every test:
#   1. dev preset (GCC, AddressSanitizer + UndefinedBehaviorSanitizer): unit tests,
#      integration tests against the real binary, document/deploy/pipeline checks, then the
#      mutation gate (tests/mutation: each security check broken in a relinked copy must be
#      caught by its tests);
#   2. fuzz preset (clang + libFuzzer): a short smoke run of every fuzz target;
#   3. default preset (release): the container image, built two ways with podman and
#      smoke-tested as it must run (read-only, no capabilities, uid 65532): a FROM-scratch
#      image around the host's release binary (seconds), then the complete multi-stage
#      deploy/docker/Dockerfile (Debian build stage running the tests; minutes).
# Prints one summary line: "N passed, N failed, N skipped" (scripts/test-summary.py), and
# fails when a suite skipped although install-deps.sh --test installed what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1
# CTest writes JUnit reports relative to each build tree: give it absolute paths.
reports=$PWD/build-reports
rm -rf "$reports" && mkdir -p "$reports"
status=0

echo "== dev preset: build"
cmake --preset dev >/dev/null
cmake --build --preset dev -j"$jobs"
# The fuzz and release builds do not depend on the dev tests: they run meanwhile at the lowest
# CPU (and, where allowed, I/O) priority, so they take only what the tests leave idle
# (integration tests spend much of their time waiting on the binary, Redis, HAProxy).
echo "== fuzz and release presets: building in the background (nice 19)"
background_log=$reports/background-builds.log
low=(nice -n 19)
if ionice -c 3 true 2>/dev/null; then low+=(ionice -c 3); fi
(
  "${low[@]}" cmake --preset fuzz >/dev/null
  "${low[@]}" cmake --build --preset fuzz -j"$jobs"
  "${low[@]}" cmake --preset default -DSMLAPI_CONTAINER_FULL_BUILD=ON >/dev/null
  "${low[@]}" cmake --build --preset default -j"$jobs" --target secure-ml-api
) >"$background_log" 2>&1 &
background_builds=$!

echo "== dev preset: tests"
ctest --preset dev -j"$jobs" --label-exclude container --output-junit "$reports/dev.xml" || status=1
echo "== dev preset: mutation gate (every security check broken once; a surviving mutant fails)"
/usr/bin/python3 tests/mutation/run.py --build-dir build-dev --jobs "$jobs" || status=1

echo "== fuzz and release presets: finishing the builds"
if ! wait "$background_builds"; then
  cat "$background_log"
  echo "the fuzz or release build failed (above)"
  exit 1
fi
tail -n 3 "$background_log"

echo "== fuzz preset: smoke run"
ctest --test-dir build-fuzz -j"$jobs" --output-junit "$reports/fuzz.xml" || status=1

echo "== default preset (release): container images (fast, then the full multi-stage build)"
ctest --test-dir build -L container --output-junit "$reports/container.xml" || status=1

scripts/test-summary.py "$reports/dev.xml" "$reports/fuzz.xml" "$reports/container.xml" || status=1
exit "$status"
