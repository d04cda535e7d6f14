#!/usr/bin/env bash
# Builds PcapKit's sources together with FuzzTarget.swift under libFuzzer + AddressSanitizer and runs it.
# Usage: Fixtures/pcapkit/fuzz/run.sh [seconds]   (work files go to a temporary directory; nothing is written here)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
cp -r "$root/Sources/PcapKit" "$work/src"
rm -rf "$work/src/PcapKit.docc"
# Compiled as one module: drop the cross-module WireBytes bridge.
sed -i '/internal import WireBytes/d; /WireBytes.. endianness/d; /var endianness: Endianness/d' "$work/src/Format/ByteOrder.swift"
swiftc -sanitize=fuzzer,address -parse-as-library -module-name PcapKit -O \
  $(find "$work/src" -name '*.swift') "$root/Fixtures/pcapkit/fuzz/FuzzTarget.swift" \
  -I "$root/Sources/CZlib" -lz -o "$work/fuzz-pcapkit" 2>&1 | grep -v "Cannot export local symbol" || true
mkdir -p "$work/corpus"
cp "$root"/../shared/captures/formats/*.pcap* "$root"/../shared/captures/conformance/*.pcapng "$work/corpus/" 2>/dev/null || true
cd "$work"
./fuzz-pcapkit -max_total_time="${1:-60}" -max_len=8192 -rss_limit_mb=1024 corpus/
echo "work directory: $work"
