#!/usr/bin/env bash
# Creates the ONE local demo account scripts/run.sh starts the service with (there is no
# built-in account): user "demo", scope predict, in .local/users.json, its password kept
# owner-only in .local/demo-password so the README walkthrough can read it back. The password
# is $SMLAPI_DEMO_PASSWORD or, if unset, a random one. Does nothing when the account exists.
# Delete .local/ to forget it. Usage: scripts/demo-account.sh [BINARY] (from the checkout root;
# tests/integration/test_doc_commands.py runs it the same way in a scratch directory).
set -euo pipefail
binary=${1:-build/secure-ml-api}
mkdir -p .local && chmod 700 .local
if [[ -f .local/users.json ]]; then
  [[ -f .local/demo-password ]] ||
    echo "run: .local/users.json exists without .local/demo-password: delete .local/ to make a fresh demo account"
  exit 0
fi
password=${SMLAPI_DEMO_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
printf '%s\n' "$password" | "$binary" users add demo --users-file .local/users.json --scopes predict
(umask 077 && printf '%s' "$password" > .local/demo-password)
echo "run: created local demo account 'demo'; its password is in .local/demo-password"
