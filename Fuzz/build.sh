#!/usr/bin/env bash
# Builds one libFuzzer target: Fuzz/build.sh TARGET  (TARGET = a file name under Fuzz/Targets without .swift)
#
# The library modules the target needs are compiled from their sources with coverage instrumentation
# (-sanitize=fuzzer) and AddressSanitizer, so the fuzzer sees the parser code itself (FUZZ_SANITIZERS=none: no
# sanitizers, linked with Fuzz/Driver/MutationDriver.swift, a seeded mutation loop). Output:
# Fuzz/.build/<sanitizers>/<TARGET>  (ignored by git). Set FUZZ_SANITIZERS=fuzzer to build without ASan (faster, fewer checks).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
target="${1:?usage: Fuzz/build.sh TARGET (one of: $(ls "$here/Targets" | sed 's/\.swift$//' | tr '\n' ' '))}"
src="$here/Targets/$target.swift"
[ -f "$src" ] || { echo "no such target: $src" >&2; exit 64; }
san="${FUZZ_SANITIZERS:-fuzzer,address}"
out="${FUZZ_BUILD_DIR:-$here/.build}/$san${FUZZ_OPT:+$FUZZ_OPT}"  # FUZZ_BUILD_DIR: build elsewhere (e.g. while a target runs)
mkdir -p "$out/modules"
# FUZZ_SANITIZERS=none: no sanitizer runtime needed; the target is linked with the seeded mutation driver instead.
sanflag=(-sanitize="$san")
driver=()
if [ "$san" = none ]; then sanflag=(); driver=("$here/Driver/MutationDriver.swift"); fi
# FUZZ_OPT: optimisation (-O by default; -Onone compiles in a fraction of the time, for short smoke runs).
common=("${sanflag[@]}" "${FUZZ_OPT:--O}" -g -package-name optigo_pcap -parse-as-library -strict-memory-safety
        -enable-upcoming-feature InternalImportsByDefault -I "$out/modules" -I "$root/Sources/CZlib" -I "$root/Sources/CLibCrypto")

# Modules a target needs, from its `import` lines (plus their own dependencies).
needs=$(grep -Eo '^(@testable )?import (WireBytes|PcapKit|BACnetDecode|BACnetAnalysis|PacketCapture|CaptureSanitizer)' "$src" | awk '{print $NF}' | sort -u)
mods=(WireBytes)
libs=(-lz)
# PcapKit's POSIX and zlib wrappers live in the internal target _CaptureInternals; CaptureSanitizer needs
# CaptureArchive (metadata scrubbing, SHA-256).
case " $needs " in *PcapKit*|*BACnetAnalysis*|*CaptureSanitizer*) mods+=(_CaptureInternals PcapKit) ;; esac
case " $needs " in *CaptureSanitizer*) mods+=(CaptureArchive) ;; esac
case " $needs " in *BACnetDecode*|*BACnetAnalysis*|*CaptureSanitizer*) mods+=(BACnetDecode) ;; esac
case " $needs " in *BACnetAnalysis*) mods+=(BACnetAnalysis) ;; esac
# PacketCapture: only its Ring/ folder (the block walker and VLAN re-insertion: plain Swift over bytes, no C shim).
case " $needs " in *PacketCapture*) mods+=(PacketCapture) ;; esac
sourcedir() { if [ "$1" = PacketCapture ]; then echo "$root/Sources/PacketCapture/Ring"; else echo "$root/Sources/$1"; fi; }
case " $needs " in *CaptureSanitizer*) mods+=(CaptureSanitizer); libs+=(-lcrypto) ;; esac

objs=()
for m in "${mods[@]}"; do
  files=$(find "$(sourcedir "$m")" -name '*.swift' | sort)
  obj="$out/$m.o"
  # Rebuild a module only when one of its sources is newer than its object.
  if [ ! -f "$obj" ] || [ -n "$(find "$(sourcedir "$m")" -name '*.swift' -newer "$obj")" ]; then
    echo "compiling $m" >&2
    # shellcheck disable=SC2086
    swiftc "${common[@]}" -module-name "$m" -emit-module -emit-module-path "$out/modules/$m.swiftmodule" \
      -wmo -c $files -o "$obj" 2> >(grep -v "Cannot export local symbol" >&2)
  fi
  objs+=("$obj")
done
echo "linking $target" >&2
swiftc "${common[@]}" -module-name "Fuzz_$target" "$src" "${driver[@]}" "${objs[@]}" "${libs[@]}" -o "$out/$target" \
  2> >(grep -v "Cannot export local symbol" >&2)
echo "$out/$target"
