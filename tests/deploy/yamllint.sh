#!/usr/bin/env bash
# yamllint over every YAML file under deploy/ and tests/deploy/ (skips with 77
# when yamllint, Debian package `yamllint`, is not installed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v yamllint > /dev/null; then
  echo "SKIP: yamllint not installed (apt-get install --no-install-recommends yamllint)"
  exit 77
fi
cd "$root"
mapfile -t files < <(find deploy tests/deploy -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
yamllint --strict -c tests/deploy/yamllint.yaml "${files[@]}"
echo "ok: yamllint clean on ${#files[@]} files"
