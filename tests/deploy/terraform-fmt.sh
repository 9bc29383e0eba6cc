#!/usr/bin/env bash
# `terraform fmt -check` on deploy/terraform (works offline; init/validate do
# not). Skips with 77 when terraform is not installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! command -v terraform > /dev/null; then
  echo "SKIP: terraform not installed"
  exit 77
fi
rc_file=$(mktemp)
trap 'rm -f "$rc_file"' EXIT
echo 'disable_checkpoint = true' > "$rc_file"
export TF_CLI_CONFIG_FILE=$rc_file CHECKPOINT_DISABLE=1
if ! terraform fmt -check -recursive -diff -no-color "$root/deploy/terraform"; then
  echo "FAIL: run terraform fmt -recursive deploy/terraform"
  exit 1
fi
echo "ok: deploy/terraform is terraform fmt clean"
