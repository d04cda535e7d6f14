#!/usr/bin/env bash
# Builds the BACnetDecode libFuzzer target from the library sources (instrumented with fuzzer + ASan).
#
#   Fuzz/BACnetDecode/build.sh                      # writes .build/fuzz/fuzz-bacnet-decode
#   .build/fuzz/fuzz-bacnet-decode -max_total_time=60 .build/fuzz/corpus Fuzz/BACnetDecode/seeds
#
# WireBytes is compiled first as its own module (BACnetDecode imports it with `package` access), then the
# BACnetDecode sources and FuzzEntry.swift are compiled into one executable.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/.build/fuzz"
mkdir -p "$OUT/modules" "$OUT/corpus"
FLAGS=(-sanitize=fuzzer,address -package-name optigo_pcap -enable-upcoming-feature InternalImportsByDefault -O -g)

swiftc "${FLAGS[@]}" -parse-as-library -module-name WireBytes -emit-module -emit-module-path "$OUT/modules/WireBytes.swiftmodule" \
  -emit-library -static -o "$OUT/libWireBytes.a" "$ROOT"/Sources/WireBytes/*.swift

mapfile -t SOURCES < <(find "$ROOT/Sources/BACnetDecode" -name '*.swift' | sort)
swiftc "${FLAGS[@]}" -parse-as-library -module-name BACnetDecodeFuzz -I "$OUT/modules" \
  "${SOURCES[@]}" "$ROOT/Fuzz/BACnetDecode/FuzzEntry.swift" "$OUT/libWireBytes.a" -o "$OUT/fuzz-bacnet-decode"
echo "built $OUT/fuzz-bacnet-decode"
