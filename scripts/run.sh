#!/usr/bin/env bash
# Installs what is missing, builds the release binary (build/secure-ml-api) and
# starts the service on 127.0.0.1:8000 with its embedded defaults.
#
# There is no built-in account. For local use this script creates ONE demo
# account explicitly, in .local/users.json (mode 0600):
#   user "demo", scope predict, password from $SMLAPI_DEMO_PASSWORD or, if unset,
#   a random one printed below. Delete .local/ to forget it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target secure-ml-api

mkdir -p .local && chmod 700 .local
if [[ ! -f .local/users.json ]]; then
  password=${SMLAPI_DEMO_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
  printf '%s\n' "$password" | build/secure-ml-api users add demo --users-file .local/users.json --scopes predict
  echo "run: created local demo account 'demo' with password: $password"
fi
echo "run: get a token:  curl -s -X POST http://127.0.0.1:8000/token -d grant_type=password -d username=demo --data-urlencode password=..."
exec build/secure-ml-api serve --host 127.0.0.1 --port 8000 --users-file .local/users.json "$@"
