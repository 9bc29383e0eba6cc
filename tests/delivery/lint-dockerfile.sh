#!/bin/bash
# dockerfilelint (npm; hadolint is not installable offline and runs in CI instead) on
# deploy/docker/Dockerfile, with deploy/docker/.dockerfilelintrc. Its exit status is the
# number of issues. Exit 77 (CTest SKIP) when the npm tooling is not installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
lint=$repo/node_modules/.bin/dockerfilelint
if ! command -v node >/dev/null || [[ ! -x $lint ]]; then
  echo "SKIP: node or node_modules/.bin/dockerfilelint missing (run npm ci)"
  exit 77
fi
"$lint" "$repo/deploy/docker/Dockerfile"
