#!/usr/bin/env bash
# Installs what is missing, builds the release binary (build/secure-ml-api) and
# starts the service on 127.0.0.1:8000 with its embedded defaults.
#
# There is no built-in account. For local use this script creates ONE demo
# account explicitly (scripts/demo-account.sh): user "demo", scope predict, in
# .local/users.json, its password in .local/demo-password (both owner-only).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target secure-ml-api
scripts/demo-account.sh build/secure-ml-api
echo "run: get a token:  PASSWORD=\$(cat .local/demo-password)  (then see the README walkthrough)"
exec build/secure-ml-api serve --host 127.0.0.1 --port 8000 --users-file .local/users.json "$@"
