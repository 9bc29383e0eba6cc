#!/usr/bin/env bash
# Runs every deployment check without CMake (same commands CTest registers in
# tests/deploy/CMakeLists.txt). Exit code 77 from a check means "skipped".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.." || exit 1
failed=0
run() {
  local name=$1
  shift
  "$@"
  local rc=$?
  case $rc in
    0) echo "== $name: passed" ;;
    77) echo "== $name: skipped" ;;
    *) echo "== $name: FAILED ($rc)"; failed=1 ;;
  esac
}
run deploy_k8s node "$here/k8s.mjs"
run deploy_terraform node "$here/terraform.mjs"
run deploy_iac_rules node "$here/iac.mjs"
run deploy_terraform_fmt "$here/terraform-fmt.sh"
run deploy_observability node "$here/observability.mjs"
run deploy_falco node "$here/falco.mjs"
run deploy_metric_names "$here/metric-names-selftest.sh"
run deploy_yamllint "$here/yamllint.sh"
run deploy_shellcheck "$here/shellcheck.sh"
exit $failed
