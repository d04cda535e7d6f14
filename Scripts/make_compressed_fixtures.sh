#!/usr/bin/env bash
# Regenerates the compressed fixtures from their plain originals with Debian's `zstd` and `lz4` command-line tools
# (apt-get install zstd lz4): what Wireshark and users produce. Tests read each one packet for packet like its
# original, and like tshark reads it.
set -euo pipefail
cd "$(dirname "$0")/../Fixtures/compressed"
src=../bacnet-ip
for name in sample sample-mstp; do
  zstd -q -f -19 "$src/$name.pcap" -o "$name.pcap.zst"
  lz4 -q -f -9 "$src/$name.pcap" "$name.pcap.lz4"
done
zstd -q -f ../anonymize/bacnet.pcapng -o bacnet.pcapng.zst
lz4 -q -f ../anonymize/bacnet.pcapng bacnet.pcapng.lz4
# Two concatenated frames (a capture written in pieces): read as one stream.
head -c 1500 "$src/sample.pcap" | zstd -q -c > sample-two-frames.pcap.zst
tail -c +1501 "$src/sample.pcap" | zstd -q -c >> sample-two-frames.pcap.zst
head -c 1500 "$src/sample.pcap" | lz4 -q -c > sample-two-frames.pcap.lz4
tail -c +1501 "$src/sample.pcap" | lz4 -q -c >> sample-two-frames.pcap.lz4
