#!/bin/sh
# Runs the Swagger UI browser test. Without BASE_URL it tests the static stand-in server; with
# BASE_URL and SMLAPI_TEST_TOKEN it tests a running secure-ml-api. Exit 77 = skipped.
set -eu
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
exec node tests/browser/swagger-ui.test.mjs
