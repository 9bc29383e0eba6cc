#!/usr/bin/env bash
# Creates the three Secrets the dev overlay mounts, with fresh random values,
# in the current kubectl context. Nothing secret is ever written to the
# repository. Prod uses External Secrets / AWS Secrets Manager instead
# (docs/deployment.md).
#
#   deploy/k8s/overlays/dev/make-secrets.sh [NAMESPACE]   (needs: kubectl, openssl;
#                                                          secure-ml-api on PATH for users)
set -euo pipefail
ns=${1:-secure-ml-api}
kid=smlapi-1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077

apply_secret() { kubectl -n "$ns" create secret generic "$@" --dry-run=client -o yaml | kubectl apply -f -; }

# Redis password: hex only, so it needs no quoting in redis.conf or RESP.
openssl rand -hex 32 | tr -d '\n' > "$work/password"
apply_secret smlapi-redis --from-file=password="$work/password"

# Signing key <kid>.pem (Ed25519); the service's own generator when available.
mkdir -p "$work/keys"
if command -v secure-ml-api > /dev/null; then
  secure-ml-api keys generate --alg EdDSA --kid "$kid" --out "$work/keys"
else
  openssl genpkey -algorithm ed25519 -out "$work/keys/$kid.pem"
fi
printf '%s\n' "$kid" >"$work/keys/active" # the signing kid travels with the Secret
apply_secret smlapi-signing-keys --from-file="$work/keys"

# Users file with one predict user; password printed once for the developer.
if command -v secure-ml-api > /dev/null; then
  user_password=$(openssl rand -base64 24)
  printf '%s\n' "$user_password" | secure-ml-api users add dev --users-file "$work/users.json" --scopes predict
  echo "dev user: dev / $user_password"
  apply_secret smlapi-users --from-file=users.json="$work/users.json"
else
  # The users file format belongs to the service: never hand-written here.
  echo "secure-ml-api not on PATH: Secret smlapi-users not created; build the binary and re-run" >&2
  exit 1
fi
