#!/usr/bin/env bash
# Checks that every smlapi_* metric name used by the alerts, the Grafana
# dashboard and the canary AnalysisTemplate exists in a real /metrics scrape.
#
#   tests/deploy/metric-names.sh http://127.0.0.1:8000/metrics   # live service
#   tests/deploy/metric-names.sh path/to/scrape.prom             # saved scrape
#
# A name counts as present if a sample carries it, or if a `# TYPE` line
# declares it (for a histogram family X: X, X_bucket, X_sum, X_count), so a
# labelled metric that has not been observed yet still counts when the
# exporter declares its family. Exit 0: all present; 1: some missing; 2: usage.
set -euo pipefail

usage() { echo "usage: $0 <metrics URL | exposition file>" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
source_arg=$1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
consumers=(
  "$root/deploy/observability/prometheusrule.yaml"
  "$root/deploy/k8s/base/analysis-template.yaml"
)
for f in "$root"/deploy/observability/dashboards/*.json; do consumers+=("$f"); done

scrape=$(mktemp)
trap 'rm -f "$scrape"' EXIT
if [[ $source_arg =~ ^https?:// ]]; then
  curl --silent --show-error --fail --max-time 10 "$source_arg" > "$scrape"
elif [[ -f $source_arg ]]; then
  cat -- "$source_arg" > "$scrape"
else
  echo "not a URL or readable file: $source_arg" >&2
  usage
fi

# Names the scrape offers: sample names plus families declared by # TYPE.
available=$(
  awk '
    /^# TYPE / {
      print $3
      if ($4 == "histogram") { print $3 "_bucket"; print $3 "_sum"; print $3 "_count" }
      if ($4 == "summary")   { print $3 "_sum"; print $3 "_count" }
      next
    }
    /^#/ || NF == 0 { next }
    { name = $1; sub(/\{.*/, "", name); print name }
  ' "$scrape" | sort -u
)

used=$(grep -ohE 'smlapi_[a-z0-9_]*[a-z0-9]' "${consumers[@]}" | sort -u)
if [[ -z $used ]]; then
  echo "no smlapi_* names found in the consumers (wrong paths?)" >&2
  exit 1
fi

missing=$(comm -23 <(printf '%s\n' "$used") <(printf '%s\n' "$available"))
count=$(printf '%s\n' "$used" | wc -l)
if [[ -n $missing ]]; then
  echo "FAIL: metric names used by alerts/dashboard/analysis but absent from $source_arg:"
  printf '%s\n' "$missing" | sed 's/^/  /'
  exit 1
fi
echo "ok: all $count smlapi_* names used by alerts, dashboard and analysis exist in $source_arg"
