#!/bin/sh
# Throughput and peak memory of `optigo-pcap summarize` on generated captures of growing size, side by side with
# `tshark -q -z bacapp_service,tree` on the largest (≥ 1 GB). Usage (from the package root, after
# `swift build -c release`):
#   sh Scripts/bench_summarize.sh [WORKDIR] [PACKETS...]
# Defaults: WORKDIR=/tmp/optigo-bench, PACKETS="500000 1000000 2000000 3000000". Needs ../shared/tools/gen_capture.py,
# python3, /usr/bin/time and (for the comparison) tshark. Prints one line per run:
#   tool packets bytes seconds MB/s peak_RSS_KiB
set -eu
WORK=${1:-/tmp/optigo-bench}
shift 2>/dev/null || true
SIZES=${*:-"500000 1000000 2000000 3000000"}
BIN=.build/release/optigo-pcap
GEN=../shared/tools/gen_capture.py
mkdir -p "$WORK"
measure() {  # label file command...
  label=$1; file=$2; shift 2
  /usr/bin/time -v "$@" > /dev/null 2> "$WORK/time.txt"
  secs=$(awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$WORK/time.txt")
  bytes=$(stat -c %s "$file")
  mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.1f", b / s / 1e6; else print "inf" }')
  echo "$label $(basename "$file") $bytes ${secs}s ${mbs}MB/s ${rss}KiB"
}
last=""
for n in $SIZES; do
  f="$WORK/gen-$n.pcap"
  [ -f "$f" ] || python3 "$GEN" --format pcap --packets "$n" --seed 1 --out "$f" > /dev/null
  measure summarize "$f" "$BIN" summarize --json "$f"
  last=$f
done
if command -v tshark > /dev/null; then
  measure tshark "$last" tshark -q -z bacapp_service,tree -r "$last"
fi
