#!/bin/bash
# Runs shellcheck over every shell script of the repository: scripts/*.sh, tests/**/*.sh and the
# image staging script. Exit 77 (CTest SKIP) when shellcheck is not installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v shellcheck >/dev/null || {
  echo "SKIP: shellcheck not installed (apt-get install shellcheck)"
  exit 77
}
cd "$repo"
shopt -s nullglob globstar
scripts=(scripts/*.sh tests/**/*.sh deploy/docker/*.sh bench/**/*.sh .ci/run)
if [[ ${#scripts[@]} -eq 0 ]]; then
  echo "no shell scripts found" >&2
  exit 1
fi
echo "shellcheck ${#scripts[@]} scripts"
shellcheck --format=gcc --external-sources "${scripts[@]}"
