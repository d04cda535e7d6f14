#!/usr/bin/env bash
# CI smoke run of the benchmark suite: builds the nested benchmark package (release), runs every benchmark for a
# few iterations (OPTIGO_BENCH_SMOKE=1) and fails when a malloc count exceeds its committed threshold (see
# check-thresholds.sh). Wall-clock figures are informative only. About 4–5 minutes from cold on 2 cores (the
# benchmark package's dependencies dominate), about 1 minute warm.
#   Benchmarks/ci-smoke.sh            (from anywhere)
set -euo pipefail
cd "$(dirname "$0")"
results=.build/smoke-results
rm -rf "$results"
mkdir -p "$results"
OPTIGO_BENCH_SMOKE=1 swift package --allow-writing-to-package-directory benchmark \
  --no-progress --format metricP90AbsoluteThresholds --path "$results"
./check-thresholds.sh "$results"
