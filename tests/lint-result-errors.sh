#!/usr/bin/env bash
# Fails when a unit test reads a result's error directly: `.error()` / `->error()` anywhere under
# tests/unit except tests/unit/support/result_matchers.h.
#
# On a successful boost::system::result, .error() yields a default error (the enum's first
# value), so `EXPECT_EQ(parse(x).error(), Code::first)` passes when the call succeeded: a check
# that cannot fail. Tests use FailsWith / Fails / Succeeds / ErrorOf / ValueOf from
# result_matchers.h, which check the outcome before reading the error.
#
# Usage: tests/lint-result-errors.sh [PATH...]   (default: tests/unit)
#        tests/lint-result-errors.sh --self-test  (plants a defect and expects the lint to fail)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
helper="$root/tests/unit/support/result_matchers.h"
pattern='(\.|->)[[:space:]]*error[[:space:]]*\([[:space:]]*\)'

lint() {  # lint PATH... ; prints offending lines, returns 1 if any
  local found=0 file
  while IFS= read -r -d '' file; do
    [[ "$(realpath "$file")" == "$(realpath "$helper")" ]] && continue
    if grep -nE "$pattern" "$file" | sed "s|^|${file#"$root"/}:|"; then
      found=1
    fi
  done < <(find "$@" -type f \( -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \) \
             -print0 | sort -z)
  if ((found)); then
    echo "lint-result-errors: the lines above read .error() without checking that the call" \
         "failed; use FailsWith(...), Fails(), Succeeds(), ErrorOf(...) or ValueOf(...) from" \
         "tests/unit/support/result_matchers.h" >&2
    return 1
  fi
  return 0
}

if [[ "${1:-}" == "--self-test" ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  printf '%s\n' '#include "result_matchers.h"' \
    'TEST(Planted, Defect) { EXPECT_EQ(parse("x").error(), Code::first); }' >"$scratch/planted_test.cc"
  printf '%s\n' 'TEST(Planted, Arrow) { EXPECT_EQ(result->error ( ), Code::first); }' \
    >"$scratch/arrow_test.cpp"
  printf '%s\n' '#include "result_matchers.h"' \
    'TEST(Clean, Checked) { EXPECT_THAT(parse("x"), FailsWith(Code::first)); }' \
    'TEST(Clean, Other) { EXPECT_TRUE(log.errors().empty()); EXPECT_EQ(error_count(), 0); }' \
    >"$scratch/clean_test.cc"
  status=0
  if lint "$scratch/planted_test.cc" >/dev/null 2>&1; then
    echo "self-test: the planted .error() was not reported" >&2
    status=1
  fi
  if lint "$scratch/arrow_test.cpp" >/dev/null 2>&1; then
    echo "self-test: the planted ->error ( ) was not reported" >&2
    status=1
  fi
  if ! lint "$scratch/clean_test.cc"; then
    echo "self-test: a clean file was reported" >&2
    status=1
  fi
  if ! lint "$helper" >/dev/null; then
    echo "self-test: the helper header itself must be exempt" >&2
    status=1
  fi
  ((status == 0)) && echo "lint-result-errors self-test: ok"
  exit "$status"
fi

if (($# == 0)); then set -- "$root/tests/unit"; fi
lint "$@"
