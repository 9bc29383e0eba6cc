#!/usr/bin/env bash
# Runs metric-names.sh against the hand-made contract sample (must pass) and
# against the same sample with one family removed (must fail), so the checker
# is known to work before the lead points it at the live server.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixture="$here/fixtures/contract-metrics.prom"

"$here/metric-names.sh" "$fixture"

broken=$(mktemp)
trap 'rm -f "$broken"' EXIT
grep -v 'smlapi_http_request_duration_seconds' "$fixture" > "$broken"
if "$here/metric-names.sh" "$broken" > /dev/null; then
  echo "FAIL: metric-names.sh accepted a scrape without smlapi_http_request_duration_seconds" >&2
  exit 1
fi
echo "ok: metric-names.sh rejects a scrape with a missing family"

if "$here/metric-names.sh" /nonexistent/scrape.prom > /dev/null 2>&1; then
  echo "FAIL: metric-names.sh accepted a missing file" >&2
  exit 1
fi
echo "ok: metric-names.sh rejects a missing input"
