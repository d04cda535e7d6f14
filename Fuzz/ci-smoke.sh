#!/usr/bin/env bash
# Bounded fuzz smoke for CI: every harness for a short time, plus every regression input.
#
#   Fuzz/ci-smoke.sh              # all targets, FUZZ_SMOKE_SECONDS (default 10) each
#   Fuzz/ci-smoke.sh pcap repair  # some targets
#
# With libFuzzer available (swiftc -sanitize=fuzzer links), each target is built with coverage instrumentation
# (FUZZ_SMOKE_SANITIZERS, default `fuzzer`; set `fuzzer,address` for ASan at ~7x the cost) and run for
# FUZZ_SMOKE_SECONDS on a fresh seed corpus from the fixtures plus Fixtures/regressions/<target>/. Without it, the
# same entry points are linked with the seeded mutation driver (Fuzz/Driver) and run FUZZ_SMOKE_RUNS mutations
# (default 20000). Builds are unoptimised (FUZZ_SMOKE_OPT, default -Onone) to keep them short: nine targets at
# 10 s plus the builds fit the 5-minute CI budget (ten with sanitize: about 20 s more) on two otherwise idle cores.
# Exit status: 0 when every target ran clean; 1 on the first finding (the input is kept under Fuzz/artifacts/).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${FUZZ_SMOKE_SECONDS:-10}"
runs="${FUZZ_SMOKE_RUNS:-20000}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pcap pcapng gzip linklayer bacnet tags mstp mstpstream repair summarize ringblock sanitize select)

probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ p: UnsafeRawPointer, _ n: Int) -> CInt { 0 }\n' > "$probe/t.swift"
if swiftc -sanitize=fuzzer -parse-as-library "$probe/t.swift" -o "$probe/t" >/dev/null 2>&1; then
  export FUZZ_SANITIZERS="${FUZZ_SMOKE_SANITIZERS:-fuzzer}"
  mode=libfuzzer
else
  export FUZZ_SANITIZERS=none
  mode=mutation-driver
  echo "ci-smoke: libFuzzer runtime unavailable; using the seeded mutation driver ($runs runs per target)"
fi

# Unoptimised builds: the four modules compile several times faster, which matters more than speed for 10 s runs.
export FUZZ_OPT="${FUZZ_SMOKE_OPT:--Onone}"
status=0
for t in "${targets[@]}"; do
  start=$(date +%s)
  bin="$("$here/build.sh" "$t" 2> "$probe/build-$t.log" | tail -1)"
  if [ ! -x "$bin" ]; then
    echo "ci-smoke: $t: build failed"; cat "$probe/build-$t.log"; status=1; continue
  fi
  corpus="$probe/corpus-$t"
  mkdir -p "$corpus" "$here/artifacts/$t"
  python3 "$here/seeds.py" "$t" "$corpus" 2>/dev/null
  dirs=("$corpus")
  [ -d "$root/Fixtures/regressions/$t" ] && dirs+=("$root/Fixtures/regressions/$t")
  case "$t" in pcap|pcapng|gzip|repair|summarize|sanitize|select) maxlen=65536 ;; *) maxlen=2048 ;; esac
  if [ "$mode" = libfuzzer ]; then
    SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
      -max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$here/artifacts/$t/" "${dirs[@]}" > "$probe/run-$t.log" 2>&1
  else
    "$bin" -runs="$runs" -seed="$(date +%j)" -max_len="$maxlen" -save="$here/artifacts/$t/last-input" "${dirs[@]}" \
      > "$probe/run-$t.log" 2>&1
  fi
  rc=$?
  execs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$probe/run-$t.log" | grep -Eo "[0-9]+$")
  echo "ci-smoke: $t ($mode): ${execs:-?} executions, $(( $(date +%s) - start )) s, exit $rc"
  if [ $rc -ne 0 ]; then
    status=1
    grep -E "ERROR|SUMMARY|Fatal|precondition|Test unit written|#[0-9]+ 0x" "$probe/run-$t.log" | head -20
    echo "ci-smoke: $t: finding; inputs under Fuzz/artifacts/$t/"
  fi
done
exit $status
