#!/usr/bin/env bash
# Re-measures the malloc counts (smoke mode: same inputs as CI, few iterations) and rewrites Thresholds/ with them.
# Run after an intended change in allocation behaviour, review `git diff Thresholds/`, commit.
set -euo pipefail
cd "$(dirname "$0")"
results=.build/threshold-update
rm -rf "$results"
mkdir -p "$results" Thresholds
OPTIGO_BENCH_SMOKE=1 swift package --allow-writing-to-package-directory benchmark \
  --no-progress --format metricP90AbsoluteThresholds --path "$results"
rm -f Thresholds/*.p90.json
for r in "$results"/*.p90.json; do
  n="$(sed -n 's/^[[:space:]]*"mallocCountTotal"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$r" | head -n1)"
  printf '{\n  "mallocCountTotal" : %s\n}\n' "$n" > "Thresholds/$(basename "$r")"
done
ls Thresholds
