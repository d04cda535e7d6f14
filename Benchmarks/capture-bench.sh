#!/usr/bin/env bash
# Live-capture benchmark (root): replays the generated workload over a veth pair between two network namespaces and
# captures it on the far side with `optigo-pcap capture`, `tcpdump -w` and `dumpcap -w`, one at a time, same
# filter (the kernel filter's libpcap expression), same conditions. Reports per tool and rate: packets captured vs
# the workload's packets matching the filter, kernel drops, CPU seconds (user + system) per million packets.
#
#   Benchmarks/capture-bench.sh [--packets 2000000] [--rates "topspeed 200000"] [--workload FILE]
#
# Needs: root, iproute2, tcpreplay, tcpdump, dumpcap (Debian tshark package), python3, GNU time; builds
# optigo-pcap in release mode. The workload is ../shared/tools/gen_capture.py --format pcap --packets N --seed 1
# (cached in Benchmarks/.build/capture-bench/). Rates are tcpreplay's: `topspeed` or packets per second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
packets=2000000
rates="topspeed 200000"
workload=""
while [ $# -gt 0 ]; do
  case "$1" in
    --packets) packets="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --workload) workload="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "capture-bench: needs root (network namespaces)" >&2; exit 77; }
for t in ip tcpreplay tcpdump dumpcap python3; do
  command -v "$t" >/dev/null || { echo "capture-bench: $t is not installed" >&2; exit 1; }
done
work="$here/.build/capture-bench"
mkdir -p "$work"
if [ -z "$workload" ]; then
  workload="$work/workload-$packets.pcap"
  if [ ! -s "$workload" ]; then
    python3 "$root/../shared/tools/gen_capture.py" --format pcap --packets "$packets" --seed 1 --out "$workload" >/dev/null
  fi
fi
bin="${OPTIGO_PCAP:-}"
if [ -z "$bin" ]; then
  (cd "$root" && swift build -c release --product optigo-pcap >/dev/null)
  bin="$root/.build/release/optigo-pcap"
fi
expr="$("$bin" capture --print-filter | tail -1)"
# What a perfect capture keeps: the workload's packets on the BACnet ports (fragment-aware, as ours).
"$bin" filter "$workload" -w "$work/expected.pcap" 2>/dev/null
expected=$(capinfos -c -M "$work/expected.pcap" | awk '/Number of packets/ {print $NF}')
accepted=$(tcpdump -r "$workload" -w /dev/null "$expr" 2>&1 | awk '/packets? captured|captured/ {print $1; exit}' || true)
sent=$(capinfos -c -M "$workload" | awk '/Number of packets/ {print $NF}')

nsA="cbA$$"; nsB="cbB$$"
cleanup() { ip netns del "$nsA" 2>/dev/null || true; ip netns del "$nsB" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$nsA"; ip netns add "$nsB"
ip link add vA netns "$nsA" type veth peer name vB netns "$nsB"
for ns in "$nsA" "$nsB"; do ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "$nsA" link set vA up mtu 9000; ip -n "$nsB" link set vB up mtu 9000

# run TOOL RATE: starts the capture, waits until it is ready, replays, stops it, prints one table row.
run() {
  local tool="$1" rate="$2" out="$work/out-$1" log="$work/$1.log" tim="$work/$1.time"
  rm -rf "$out"; mkdir -p "$out"
  case "$tool" in
    optigo-pcap) cmd=("$bin" capture -i vB -w "$out" --quiet --announce none); ready="capturing on" ;;
    tcpdump) cmd=(tcpdump -i vB -s 262144 -w "$out/t.pcap" "$expr"); ready="listening on" ;;
    dumpcap) cmd=(dumpcap -i vB -s 262144 -f "$expr" -w "$out/d.pcapng" -q); ready="" ;;
  esac
  ip netns exec "$nsB" /usr/bin/time -f "%U %S" -o "$tim" "${cmd[@]}" > /dev/null 2> "$log" &
  local wrapper=$!
  for _ in $(seq 200); do
    if [ -n "$ready" ] && grep -q "$ready" "$log" 2>/dev/null; then break; fi
    if [ -z "$ready" ] && [ "$(ls -A "$out")" ]; then break; fi
    sleep 0.05
  done
  sleep 0.5
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local speed=(--topspeed)
  [ "$rate" != topspeed ] && speed=(--pps "$rate")
  ip netns exec "$nsA" tcpreplay -q -K "${speed[@]}" -i vA "$workload" > "$work/replay-$tool-$rate.log" 2>&1 || true
  sleep 1
  pkill -TERM -P "$wrapper" || true
  wait "$wrapper" || true
  local file; file=$(ls "$out"/* | head -1)
  local got; got=$("$bin" filter "$file" -w "$work/kept.pcap" 2>/dev/null; capinfos -c -M "$work/kept.pcap" | awk '/Number of packets/ {print $NF}')
  local drops
  case "$tool" in
    optigo-pcap) drops=$(grep -Eo '[0-9]+ dropped by the kernel' "$log" | awk '{print $1}') ;;
    tcpdump) drops=$(grep -Eo '[0-9]+ packets dropped by kernel' "$log" | awk '{print $1}') ;;
    dumpcap) drops=$(grep -Eo 'dropped on interface[^:]*: [0-9]+/[0-9]+' "$log" | awk -F/ '{print $NF}') ;;
  esac
  local cpu; cpu=$(awk '{printf "%.2f", $1 + $2}' "$tim")
  local per; per=$(awk -v c="$cpu" -v n="$expected" 'BEGIN { printf "%.3f", c / (n / 1e6) }')
  local replay; replay=$(grep -Eo 'Rated: [0-9.]+ Bps, [0-9.]+ Mbps, [0-9.]+ pps' "$work/replay-$tool-$rate.log" | awk '{print $6}')
  local user sys; read -r user sys < "$tim"
  printf "| %-11s | %-8s | %9s | %9s / %-9s | %7s | %6s (%s + %s) | %8s | %5s |\n" "$tool" "$rate" "${replay:-?}" "$got" "$expected" "${drops:-?}" "$cpu" "$user" "$sys" "$per" "$load"
}

echo "workload: $workload ($sent packets, $expected on the BACnet ports, ${accepted:-?} passing the kernel filter)"
echo "filter: $expr"
echo
echo "| tool        | rate     | sent pps  | BACnet captured / expected | kernel drops | CPU s (user + sys) | CPU s per M BACnet packets | load avg |"
echo "|---|---|---|---|---|---|---|---|"
for rate in $rates; do
  for tool in optigo-pcap tcpdump dumpcap; do run "$tool" "$rate"; done
done
