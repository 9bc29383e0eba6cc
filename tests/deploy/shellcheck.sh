#!/usr/bin/env bash
# Runs ShellCheck on the deployment scripts (skips with 77 without it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v shellcheck > /dev/null; then
  echo "SKIP: shellcheck not installed"
  exit 77
fi
cd "$root"
mapfile -t scripts < <(find deploy tests/deploy -type f -name '*.sh' | sort)
shellcheck -x "${scripts[@]}"
echo "ok: shellcheck clean on ${#scripts[@]} scripts"
