#!/usr/bin/env bash
# Runs one fuzz target for SECONDS: Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# Environment: FUZZ_SANITIZERS (default fuzzer,address; `fuzzer` alone runs ~7x faster), FUZZ_NO_BUILD=1 (reuse the
# existing binary).
#
# Builds the target (Fuzz/build.sh), seeds Fuzz/corpus/TARGET from the fixtures on first use (Fuzz/seeds.py) plus
# the regression inputs in Fixtures/regressions/TARGET, and runs libFuzzer with -max_total_time=SECONDS.
# Crashes, leaks, timeouts and OOMs land in Fuzz/artifacts/TARGET/; the log in Fuzz/logs/TARGET.log; one line per run
# (target, seconds, executions, exit status) is appended to Fuzz/logs/TOTALS. SWIFT_BACKTRACE is disabled so a
# Swift trap reaches libFuzzer's handler, which saves the crashing input. Exit status: libFuzzer's (0 = no finding).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
target="${1:?usage: Fuzz/run.sh TARGET SECONDS}"
seconds="${2:?usage: Fuzz/run.sh TARGET SECONDS}"
shift 2
san="${FUZZ_SANITIZERS:-fuzzer,address}"
if [ -n "${FUZZ_NO_BUILD:-}" ] && [ -x "$here/.build/$san/$target" ]; then
  bin="$here/.build/$san/$target"   # reuse the binary built earlier (sources may be mid-edit)
else
  bin="$("$here/build.sh" "$target" | tail -1)"
fi
corpus="$here/corpus/$target"
mkdir -p "$corpus" "$here/artifacts/$target" "$here/logs"
if [ -z "$(ls -A "$corpus")" ]; then python3 "$here/seeds.py" "$target" "$corpus"; fi
dirs=("$corpus")
[ -d "$root/Fixtures/regressions/$target" ] && dirs+=("$root/Fixtures/regressions/$target")
case "$target" in pcap|pcapng|gzip|repair|summarize|sanitize) maxlen=65536 ;; *) maxlen=2048 ;; esac
# rss_limit_mb: every reader cap is far below it, so exceeding it is a finding (unbounded allocation).
# timeout: a single input taking seconds means super-linear work.
set +e
SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -max_len="$maxlen" \
  -print_final_stats=1 -artifact_prefix="$here/artifacts/$target/" "$@" "${dirs[@]}" >"$here/logs/$target.log" 2>&1
rc=$?
grep -E "^(==[0-9]+==|INFO: Seed|Done|stat::number_of_executed|stat::peak|#[0-9]+.*(DONE|INITED)|SUMMARY|artifact_prefix.*Test unit written)" \
  "$here/logs/$target.log" | head -40
execs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$here/logs/$target.log" | grep -Eo "[0-9]+$" || echo "?")
echo "$(date -u +%FT%TZ) $target san=$san seconds=$seconds execs=$execs exit=$rc" >> "$here/logs/TOTALS"
echo "exit $rc; log: $here/logs/$target.log"
exit "$rc"
