#!/usr/bin/env bash
# Placeholder guard: fails (exit 1, one line per finding) while an example value
# would reach AWS or the cluster. Run by .github/workflows/release.yml before any
# AWS call (jobs infra-drift, mirror-ecr, deploy); tested by
# tests/delivery/placeholders.test.mjs on this tree (must fail: the committed
# values are examples) and on a copy with real-looking values (must pass).
#
#   deploy/check-placeholders.sh [--root DIR] [--env] [--tfvars]
#     always   the rendered overlay DEPLOY_OVERLAY (default prod; incl. the Kyverno policy): no example
#              account 111122223333, no example ElastiCache host, no example.com
#     --env    repository variables of the job: ECR_REPOSITORY, COSIGN_REPOSITORY
#              set, not examples, and equal to the overlay image / Kyverno
#              signature repository; EKS_CLUSTER set (when the job uses it);
#              ARGO_ROLLOUTS_SHA256 (when set) not all zeros
#     --tfvars deploy/terraform/prod.tfvars: no example account or key id
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check_env=0
check_tfvars=0
while (($#)); do
  case $1 in
    --root) root=$2; shift 2 ;;
    --env) check_env=1; shift ;;
    --tfvars) check_tfvars=1; shift ;;
    *) echo "usage: $0 [--root DIR] [--env] [--tfvars]" >&2; exit 2 ;;
  esac
done

findings=0
fail() {
  echo "placeholder: $*"
  findings=$((findings + 1))
}
# Example values used throughout the repository and the docs.
EXAMPLES='111122223333|\.abc123\.|(^|[./@])example\.com|00000000-0000-0000-0000-000000000000'

# The overlay the deploy job renders (DEPLOY_OVERLAY: prod or prod-gateway).
overlay=${DEPLOY_OVERLAY:-prod}
if ! render=$(kubectl kustomize "$root/deploy/k8s/overlays/$overlay"); then
  echo "placeholder: deploy/k8s/overlays/$overlay does not render" >&2
  exit 1
fi
while IFS= read -r line; do
  fail "deploy/k8s/overlays/$overlay renders an example value: ${line#"${line%%[![:space:]]*}"}"
done < <(grep -E "$EXAMPLES" <<<"$render")

overlay_image=$(grep -E '^\s+newName:' "$root/deploy/k8s/overlays/prod/kustomization.yaml" | head -n1 | awk '{print $2}')
kyverno_repo=$(grep -E '^\s+repository:' "$root/deploy/k8s/cluster/kyverno-verify-images.yaml" | head -n1 | awk '{print $2}')

if ((check_env)); then
  for name in ECR_REPOSITORY COSIGN_REPOSITORY; do
    value=${!name:-}
    if [[ -z "$value" ]]; then
      fail "$name is empty (repository variable not set)"
    elif grep -qE "$EXAMPLES" <<<"$value"; then
      fail "$name is an example value: $value"
    fi
  done
  if [[ -n "${ECR_REPOSITORY:-}" && "${ECR_REPOSITORY}" != "$overlay_image" ]]; then
    fail "ECR_REPOSITORY ${ECR_REPOSITORY} != prod overlay image ${overlay_image}"
  fi
  if [[ -n "${COSIGN_REPOSITORY:-}" && "${COSIGN_REPOSITORY}" != "$kyverno_repo" ]]; then
    fail "COSIGN_REPOSITORY ${COSIGN_REPOSITORY} != Kyverno signature repository ${kyverno_repo}"
  fi
  if [[ -v EKS_CLUSTER && -z "${EKS_CLUSTER}" ]]; then
    fail "EKS_CLUSTER is empty (repository variable not set)"
  fi
  if [[ -v ARGO_ROLLOUTS_SHA256 && ! "${ARGO_ROLLOUTS_SHA256}" =~ ^[0-9a-f]{64}$ ]]; then
    fail "ARGO_ROLLOUTS_SHA256 is not a sha256"
  elif [[ "${ARGO_ROLLOUTS_SHA256:-}" =~ ^0+$ ]]; then
    fail "ARGO_ROLLOUTS_SHA256 is the all-zero placeholder"
  fi
fi

if ((check_tfvars)); then
  tfvars="$root/deploy/terraform/prod.tfvars"
  if [[ ! -f "$tfvars" ]]; then
    fail "deploy/terraform/prod.tfvars missing"
  else
    while IFS= read -r line; do
      fail "deploy/terraform/prod.tfvars: ${line}"
    done < <(grep -nE "$EXAMPLES" "$tfvars")
  fi
fi

if ((findings)); then
  echo "placeholder guard: ${findings} example value(s) left; see docs/deployment.md (Wire the outputs)"
  exit 1
fi
echo "placeholder guard: no example values"
