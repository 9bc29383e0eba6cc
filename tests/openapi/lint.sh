#!/bin/sh
# Lints the OpenAPI document with Redocly CLI and checks that it covers the service contract.
# Run from the repository root (CTest sets WORKING_DIRECTORY). Exit 77 (skip) without node or
# node_modules; `npm ci` installs @redocly/cli from package.json.
set -eu
doc=src/api/assets/openapi.json
redocly=node_modules/.bin/redocly
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
[ -x "$redocly" ] || { echo "SKIP: $redocly missing (run npm ci)"; exit 77; }
# Without this variable Redocly CLI makes a DNS lookup for telemetry.
REDOCLY_TELEMETRY=off "$redocly" lint --config tests/openapi/redocly.yaml "$doc"
node tests/openapi/check-contract.mjs "$doc"
