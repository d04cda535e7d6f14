#!/usr/bin/env bash
# Compares the malloc counts of a benchmark run with the committed thresholds.
#   check-thresholds.sh RESULTS_DIR
# RESULTS_DIR holds the files written by
#   swift package benchmark --format metricP90AbsoluteThresholds --path RESULTS_DIR
# (one `Target.Benchmark_name.p90.json` per benchmark, p90 of each metric per iteration). Thresholds/ holds the
# committed files of the same name with only "mallocCountTotal". Fails (exit 1) when a count exceeds its threshold by
# more than 1% + 16 (a per-packet allocation adds about 20,000: every iteration processes 20,000 packets or
# messages), when a committed benchmark did not run, or when a benchmark has no committed threshold.
# Wall-clock p90 is printed for information only (the CI machines are noisy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
results="${1:?usage: check-thresholds.sh RESULTS_DIR}"
thresholds="$here/Thresholds"

value() { # value FILE METRIC -> the integer, or empty
  sed -n "s/^[[:space:]]*\"$2\"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p" "$1" | head -n1
}

status=0
printf '%-62s %12s %12s %14s  %s\n' "benchmark" "mallocs" "threshold" "wall p90 (ms)" "verdict"
shopt -s nullglob
for t in "$thresholds"/*.p90.json; do
  name="$(basename "$t" .p90.json)"
  r="$results/$(basename "$t")"
  limit="$(value "$t" mallocCountTotal)"
  if [ ! -f "$r" ]; then
    printf '%-62s %12s %12s %14s  %s\n' "$name" "-" "$limit" "-" "MISSING (benchmark did not run or was renamed)"
    status=1
    continue
  fi
  got="$(value "$r" mallocCountTotal)"
  wall="$(value "$r" wallClock)"
  wall_ms="-"
  [ -n "$wall" ] && wall_ms="$(awk -v w="$wall" 'BEGIN { printf "%.2f", w / 1e6 }')"
  allowed=$(( limit + limit / 100 + 16 ))
  verdict="ok"
  if [ -z "$got" ]; then
    verdict="NO MALLOC COUNT"
    status=1
  elif [ "$got" -gt "$allowed" ]; then
    verdict="REGRESSION (> $allowed)"
    status=1
  elif [ "$got" -lt "$(( limit - limit / 100 - 16 ))" ]; then
    verdict="ok, fewer than the threshold: run update-thresholds.sh to lock the gain in"
  fi
  printf '%-62s %12s %12s %14s  %s\n' "$name" "${got:--}" "$limit" "$wall_ms" "$verdict"
done
for r in "$results"/*.p90.json; do
  if [ ! -f "$thresholds/$(basename "$r")" ]; then
    printf '%-62s %12s %12s %14s  %s\n' "$(basename "$r" .p90.json)" "$(value "$r" mallocCountTotal)" "-" "-" \
      "NO THRESHOLD (run update-thresholds.sh and commit Thresholds/)"
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "benchmark malloc-count check FAILED" >&2
else
  echo "benchmark malloc-count check passed"
fi
exit "$status"
