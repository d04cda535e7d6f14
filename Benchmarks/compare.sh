#!/usr/bin/env bash
# Side-by-side comparison of optigo-pcap with the Wireshark/tcpdump tools on the issue's workload.
#
#   Benchmarks/compare.sh [options]
#
#   --runs N          interleaved runs per pair (default 5); medians are printed
#   --tshark-runs N   tshark runs (default 1: it takes ~20 s and ~1 GB on the full workload; -T ek far longer)
#   --jobs N          -j for `summarize` of the 8 parts (default: the command's own default, the core count)
#   --packets N       workload size (default 2000000)
#   --input FILE      use this classic pcap instead of generating one (flatness then skipped)
#   --parts "F1 F2…"  use these pcapng files for the merge instead of generating them
#   --list-input FILE the capture for the list --json / tshark -T ek pair (default: the input; tshark -T ek needs
#                     ~3 ms of CPU per packet, so a smaller file keeps the run short; the ratio is per packet anyway)
#   --workdir DIR     where workloads and outputs go (default Benchmarks/.build/compare; workloads are reused)
#   --no-flatness     skip the 0.25×/0.5×/1× memory-flatness table
#   --no-build        use the already-built release binary
#   --bin PATH        use this optigo-pcap binary (implies --no-build)
#
# Workload: ../shared/tools/gen_capture.py --format pcap --packets 2000000 --seed 1 (719 MB) and, for merge,
# --format pcapng --packets 2000000 --split 8; without ../shared the package's own generator (bench-gen, same
# kind of traffic, not byte-identical) is used. Builds `optigo-pcap` in release mode, then runs each pair
# interleaved (the order alternates between runs), timing whole processes (wall clock) and reading peak RSS and CPU
# time (user + system) from /usr/bin/time: CPU beside wall time tells a disk-bound result from a CPU-bound one.
# Ratios are ours ÷ theirs from the same runs: the machines are noisy, compare ratios only.
# Pairs: filter/tcpdump, merge/mergecap, info/capinfos, summarize/tshark -z bacapp_service,tree, list --json/tshark
# -T ek, summarize of the 8 merge parts in one process (parallel) vs 8 sequential runs, startup, C walker.
# Needs tcpdump, mergecap, capinfos, tshark (missing tools are skipped) and a C compiler for the reference walker.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs=5
tshark_runs=1
jobs=""
packets=2000000
input=""
parts=""
list_input=""
work="$here/.build/compare"
flatness=1
build=1
bin=""
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) runs="$2"; shift 2 ;;
  --tshark-runs) tshark_runs="$2"; shift 2 ;;
  --jobs) jobs="$2"; shift 2 ;;
  --packets) packets="$2"; shift 2 ;;
  --input) input="$2"; flatness=0; shift 2 ;;
  --parts) parts="$2"; shift 2 ;;
  --list-input) list_input="$2"; shift 2 ;;
  --workdir) work="$2"; shift 2 ;;
  --no-flatness) flatness=0; shift ;;
  --no-build) build=0; shift ;;
  --bin) bin="$2"; build=0; shift 2 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "compare.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
mkdir -p "$work"
work="$(cd "$work" && pwd)"
log() { echo "== $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- build
if [ "$build" = 1 ]; then
  log "building optigo-pcap (release)"
  swift build -c release --package-path "$root" --product optigo-pcap >&2
fi
[ -n "$bin" ] || bin="$(swift build -c release --package-path "$root" --show-bin-path)/optigo-pcap"
[ -x "$bin" ] || { echo "compare.sh: $bin not built" >&2; exit 1; }
walk=""
if have cc; then
  cc -O2 -o "$work/walk" "$here/reference/walk.c" && walk="$work/walk"
fi

# ---------------------------------------------------------------- workloads
gen_py="$root/../shared/tools/gen_capture.py"
generate() { # generate FORMAT PACKETS OUT [SPLIT]
  local format=$1 n=$2 out=$3 split=${4:-1}
  local args=(--format "$format" --packets "$n" --seed 1 --out "$out")
  [ "$split" -gt 1 ] && args+=(--split "$split")
  if [ -f "$gen_py" ] && have python3; then
    log "generating $out ($n packets, gen_capture.py)"
    python3 "$gen_py" "${args[@]}" >/dev/null
  else
    if [ ! -x "$here/.build/release/bench-gen" ]; then
      log "building bench-gen (no ../shared/tools/gen_capture.py)"
      swift build -c release --package-path "$here" --product bench-gen >&2
    fi
    log "generating $out ($n packets, bench-gen)"
    "$here/.build/release/bench-gen" "${args[@]}"
  fi
}
workload() { # workload PACKETS -> prints the pcap path, generating it if needed
  local f="$work/w-$1.pcap"
  [ -s "$f" ] || generate pcap "$1" "$f"
  echo "$f"
}
split_workload() { # split_workload PACKETS -> prints the 8 pcapng paths
  local base="$work/m-$1.pcapng"
  [ -s "$work/m-$1-7.pcapng" ] || generate pcapng "$1" "$base" 8
  local k
  for k in 0 1 2 3 4 5 6 7; do printf '%s ' "$work/m-$1-$k.pcapng"; done
}
[ -n "$input" ] || input="$(workload "$packets")"
[ -n "$list_input" ] || list_input="$input"
# shellcheck disable=SC2206
if [ -n "$parts" ]; then part_files=($parts); else part_files=($(split_workload "$packets")); fi
tiny="$work/tiny.pcap"
[ -s "$tiny" ] || generate pcap 10 "$tiny"

# ---------------------------------------------------------------- measuring
mkdir -p "$work/times"
rm -f "$work/times/"*
# measure LABEL CMD… : runs CMD (stdout discarded), appends "wall-microseconds peak-RSS-KiB CPU-microseconds" to
# times/LABEL (CPU = user + system, children included, from /usr/bin/time).
measure() {
  local label=$1
  shift
  local t0 t1 rss cpu
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$work/rss.txt" "$@" >/dev/null 2>"$work/stderr.txt"; then
    echo "compare.sh: failed ($label): $*" >&2
    tail -n 5 "$work/stderr.txt" >&2
  fi
  t1=$(date +%s%N)
  read -r rss cpu < <(tail -n 1 "$work/rss.txt" | awk '{ printf "%d %d\n", $1, ($2 + $3) * 1e6 }')
  echo "$(((t1 - t0) / 1000)) $rss $cpu" >>"$work/times/$label"
}
# measure_direct LABEL CMD… : like measure, without /usr/bin/time (its own exec would dominate a ~5 ms run); the
# peak RSS of such a job is measured once, separately, into LABEL-rss.
measure_direct() {
  local label=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || echo "compare.sh: failed ($label): $*" >&2
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000)) 0 0" >>"$work/times/$label"
}
median_col() { # median_col LABEL COLUMN
  [ -s "$work/times/$1" ] || { echo ""; return; }
  awk -v c="$2" '{ print $c }' "$work/times/$1" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
max_col() { # max_col LABEL COLUMN (RSS comes from LABEL-rss when the job was timed with measure_direct)
  if [ "$2" = 2 ] && [ -s "$work/times/$1-rss" ]; then set -- "$1-rss" 2; fi
  [ -s "$work/times/$1" ] && awk -v c="$2" 'BEGIN { m = 0 } { if ($c > m) m = $c } END { print m }' "$work/times/$1" || echo ""; }

out="$work/out"
mkdir -p "$out"
vlan_expr='udp portrange 47808-47823 or (vlan and udp portrange 47808-47823)'
capinfos_flags=(-t -E -I -F -k -c -s -d -l -u -a -e -o -y -i -z -x -n -D)
has_summarize=0
"$bin" --help 2>&1 | grep -qE "^ +summarize( |$)" && has_summarize=1
jobs_args=()
[ -n "$jobs" ] && jobs_args=(-j "$jobs")
has_sanitize=0
if "$bin" --help 2>&1 | grep -qE "^ +sanitize( |$)"; then
  has_sanitize=1
  printf '%s' 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff > "$work/sanitize.key"
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "input: $input ($(du -h "$input" | cut -f1)); merge parts: ${#part_files[@]}; runs: $runs"
for ((r = 1; r <= runs; r++)); do
  log "run $r/$runs"
  # Alternate who goes first, so a warming cache or a neighbour's burst does not favour one side.
  pairs=(filter merge info startup)
  for job in "${pairs[@]}"; do
    ours=() theirs=()
    case $job in
    filter)
      ours=(filter-ours "$bin" filter "$input" -w "$out/filter-ours.pcap")
      have tcpdump && theirs=(filter-tcpdump tcpdump -r "$input" -w "$out/filter-tcpdump.pcap" "$vlan_expr")
      ;;
    merge)
      ours=(merge-ours "$bin" merge -w "$out/merge-ours.pcapng" "${part_files[@]}")
      have mergecap && theirs=(merge-mergecap mergecap -w "$out/merge-mergecap.pcapng" "${part_files[@]}")
      ;;
    info)
      ours=(info-ours "$bin" info "$input")
      have capinfos && theirs=(info-capinfos capinfos "${capinfos_flags[@]}" "$input")
      ;;
    startup)
      for _ in 1 2 3 4 5; do
        measure_direct startup-ours "$bin" info "$tiny"
        have capinfos && measure_direct startup-capinfos capinfos "${capinfos_flags[@]}" "$tiny"
      done
      measure startup-ours-rss "$bin" info "$tiny"
      have capinfos && measure startup-capinfos-rss capinfos "${capinfos_flags[@]}" "$tiny"
      continue
      ;;
    esac
    if ((r % 2)); then
      measure "${ours[@]}"
      [ ${#theirs[@]} -gt 0 ] && measure "${theirs[@]}"
    else
      [ ${#theirs[@]} -gt 0 ] && measure "${theirs[@]}"
      measure "${ours[@]}"
    fi
  done
  [ -n "$walk" ] && measure walk-headers "$walk" "$input" && measure walk-filter "$walk" "$input" "$out/filter-walk.pcap"
  if [ "$has_sanitize" = 1 ]; then
    measure sanitize-ours "$bin" sanitize "$input" -w "$out/sanitize-ours.pcap" --key-file "$work/sanitize.key"
  fi
  if [ "$has_summarize" = 1 ]; then
    measure summarize-ours "$bin" summarize "$input"
    if have tshark && ((r <= tshark_runs)); then
      measure summarize-tshark tshark -n -q -r "$input" -z bacapp_service,tree
    fi
    if ((r % 2)); then
      measure summarize8-parallel "$bin" summarize "${jobs_args[@]}" "${part_files[@]}"
      measure summarize8-sequential bash -c 'b=$1; shift; for f in "$@"; do "$b" summarize "$f" >/dev/null || exit 1; done' _ "$bin" "${part_files[@]}"
    else
      measure summarize8-sequential bash -c 'b=$1; shift; for f in "$@"; do "$b" summarize "$f" >/dev/null || exit 1; done' _ "$bin" "${part_files[@]}"
      measure summarize8-parallel "$bin" summarize "${jobs_args[@]}" "${part_files[@]}"
    fi
  fi
  measure list-json-ours "$bin" list --json "$list_input"
  if have tshark && ((r <= tshark_runs)); then
    measure list-json-tshark tshark -n -r "$list_input" -T ek
  fi
done

# ---------------------------------------------------------------- report
fmt_s() { [ -n "$1" ] && awk -v u="$1" 'BEGIN { printf "%.3f s", u / 1e6 }' || echo "-"; }
fmt_cpu() { [ -n "$1" ] && [ "$1" != 0 ] && awk -v u="$1" 'BEGIN { printf "%.2f s", u / 1e6 }' || echo "-"; }
fmt_mib() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || echo "-"; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }' || echo "-"; }
row() { # row JOB OURS THEIRS TARGET
  local a b
  a=$(median_col "$2" 1)
  b=$(median_col "$3" 1)
  printf '%-24s %10s %10s %7s %9s %9s  %-26s %10s %10s\n' "$1" "$(fmt_s "$a")" "$(fmt_s "$b")" "$(ratio "$a" "$b")" \
    "$(fmt_cpu "$(median_col "$2" 3)")" "$(fmt_cpu "$(median_col "$3" 3)")" "$4" \
    "$(fmt_mib "$(max_col "$2" 2)")" "$(fmt_mib "$(max_col "$3" 2)")"
}
report="$work/report.txt"
{
  echo "optigo-pcap vs reference tools — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs interleaved runs"
  echo "input: $(basename "$input") $(du -h "$input" | cut -f1), $(($(stat -c %s "$input") / 1048576)) MiB; merge: ${#part_files[@]} pcapng parts; list --json: $(basename "$list_input")"
  echo "medians of whole-process wall clock; ratio = ours / theirs (same runs); CPU = median user + system;"
  echo "peak RSS = max over runs; load before the runs: $load_before"
  echo
  printf '%-24s %10s %10s %7s %9s %9s  %-26s %10s %10s\n' "job (ours vs theirs)" "ours" "theirs" "ratio" "ours CPU" \
    "their CPU" "target" "ours RSS" "theirs RSS"
  row "filter vs tcpdump" filter-ours filter-tcpdump "≤ 0.50×, ≤ 48 MiB"
  row "merge vs mergecap" merge-ours merge-mergecap "≤ 0.40×, ≤ 48 MiB"
  row "info vs capinfos" info-ours info-capinfos "≤ 1.00×, ≤ 48 MiB"
  [ "$has_summarize" = 1 ] && row "summarize vs tshark" summarize-ours summarize-tshark "≤ 0.05× (20×), ≤ 64 MiB"
  [ "$has_summarize" = 1 ] && row "summarize 8 files: par/seq" summarize8-parallel summarize8-sequential "≤ 0.59× (1.7× faster)"
  row "list --json vs tshark -T ek" list-json-ours list-json-tshark "≤ 0.05× (20×)"
  [ "$has_sanitize" = 1 ] && row "sanitize vs our filter" sanitize-ours filter-ours "≤ 3.00× (issue 19)"
  row "startup (tiny file)" startup-ours startup-capinfos "< 10 ms"
  if [ -n "$walk" ]; then
    row "filter vs C walker" filter-ours walk-filter "(hardware floor)"
    row "info vs C header walk" info-ours walk-headers "(hardware floor)"
  fi
  [ "$has_summarize" = 1 ] || echo "(summarize: this build has no summarize subcommand; skipped)"
  if [ -s "$out/filter-tcpdump.pcap" ] && [ -s "$out/filter-ours.pcap" ]; then
    if cmp -s <(tail -c +25 "$out/filter-ours.pcap") <(tail -c +25 "$out/filter-tcpdump.pcap"); then
      echo "filter output: records byte-identical to tcpdump's"
    else
      echo "filter output: DIFFERS from tcpdump's ($(stat -c %s "$out/filter-ours.pcap") vs $(stat -c %s "$out/filter-tcpdump.pcap") bytes)"
    fi
  fi
} | tee "$report"

# ---------------------------------------------------------------- memory flatness
if [ "$flatness" = 1 ]; then
  log "memory flatness: 0.25×, 0.5×, 1× of $packets packets"
  sizes=($((packets / 4)) $((packets / 2)) "$packets")
  for n in "${sizes[@]}"; do
    f="$(workload "$n")"
    # shellcheck disable=SC2207
    p=($(split_workload "$n"))
    measure "flat-filter-$n" "$bin" filter "$f" -w "$out/flat.pcap"
    measure "flat-merge-$n" "$bin" merge -w "$out/flat.pcapng" "${p[@]}"
    measure "flat-info-$n" "$bin" info "$f"
    [ "$has_summarize" = 1 ] && measure "flat-summarize-$n" "$bin" summarize "$f"
  done
  {
    echo
    echo "peak RSS as the input grows (one run each)"
    printf '%-12s' "job"
    for n in "${sizes[@]}"; do printf ' %16s' "$n packets"; done
    echo
    for job in filter merge info summarize; do
      [ "$job" = summarize ] && [ "$has_summarize" = 0 ] && continue
      printf '%-12s' "$job"
      for n in "${sizes[@]}"; do printf ' %16s' "$(fmt_mib "$(max_col "flat-$job-$n" 2)")"; done
      echo
    done
  } | tee -a "$report"
fi
echo "report written to $report" >&2
