// A seeded mutation loop standing in for libFuzzer where the sanitizer runtime is missing (built by
// `FUZZ_SANITIZERS=none Fuzz/build.sh TARGET`). It calls the same entry point (`fuzzOne`, exported as
// LLVMFuzzerTestOneInput) on the seed files and on mutations of them: bit flips, interesting bytes and 32-bit
// values (0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, small lengths), inserted/erased/duplicated runs, and splices.
//
// usage: TARGET [-runs=N] [-seed=S] [-max_len=L] [-save=PATH] FILE_OR_DIR...
// Deterministic: the same seed and files give the same inputs, so a crash at run N is reproduced by running with
// -runs=N -save=PATH (the last input is written to PATH before it is executed).
import Foundation

struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@main
struct MutationDriver {
  static func mutate(_ input: [UInt8], _ pool: [[UInt8]], _ rng: inout SplitMix, maxLength: Int) -> [UInt8] {
    var b = input
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
      let op = Int.random(in: 0..<7, using: &rng)
      if b.isEmpty && op != 4 { b = [UInt8.random(in: 0...255, using: &rng)]; continue }
      let i = Int.random(in: 0..<max(b.count, 1), using: &rng)
      switch op {
      case 0: b[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
      case 1: b[i] = [0, 0xFF, 0x7F, 0x80, 1, 0x0A, 0x0D, 0x81][Int.random(in: 0..<8, using: &rng)]
      case 2:
        let v: UInt32 = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFC, 12, 16, 28, UInt32(b.count)][Int.random(in: 0..<9, using: &rng)]
        for k in 0..<4 where i + k < b.count { b[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
      case 3: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...64, using: &rng)))
      case 4: b.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: min(i, b.count))
      case 5:
        let n = min(Int.random(in: 1...128, using: &rng), b.count - i)
        b.insert(contentsOf: b[i..<(i + n)], at: Int.random(in: 0...b.count, using: &rng))
      default:
        let other = pool[Int.random(in: 0..<pool.count, using: &rng)]
        if !other.isEmpty {
          let j = Int.random(in: 0..<other.count, using: &rng)
          b = Array(b[..<i]) + other[j...]
        }
      }
    }
    return b.count > maxLength ? Array(b[..<maxLength]) : b
  }

  static func main() {
    var runs = 10_000, seed: UInt64 = 1, maxLength = 65_536
    var save: String?
    var pool: [[UInt8]] = []
    for arg in CommandLine.arguments.dropFirst() {
      if arg.hasPrefix("-runs=") { runs = Int(arg.dropFirst(6)) ?? runs }
      else if arg.hasPrefix("-seed=") { seed = UInt64(arg.dropFirst(6)) ?? seed }
      else if arg.hasPrefix("-max_len=") { maxLength = Int(arg.dropFirst(9)) ?? maxLength }
      else if arg.hasPrefix("-save=") { save = String(arg.dropFirst(6)) }
      else if arg.hasPrefix("-") { continue }  // libFuzzer flags are accepted and ignored
      else {
        var isDir: ObjCBool = false
        guard unsafe FileManager.default.fileExists(atPath: arg, isDirectory: &isDir) else { continue }
        let files = isDir.boolValue
          ? ((try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []).sorted().map { arg + "/" + $0 } : [arg]
        for f in files { if let d = FileManager.default.contents(atPath: f) { pool.append([UInt8](d)) } }
      }
    }
    if pool.isEmpty { pool = [[]] }
    func execute(_ input: [UInt8]) {
      if let save { _ = FileManager.default.createFile(atPath: save, contents: Data(input)) }
      unsafe input.withUnsafeBytes { raw in
        _ = unsafe fuzzOne(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, raw.count)
      }
    }
    for input in pool { execute(input) }  // every seed and regression input as it is
    var rng = SplitMix(state: seed)
    for _ in 0..<runs {
      execute(mutate(pool[Int.random(in: 0..<pool.count, using: &rng)], pool, &rng, maxLength: maxLength))
    }
    print("Done \(runs + pool.count) runs (seed \(seed), \(pool.count) seed inputs)")
    print("stat::number_of_executed_units: \(runs + pool.count)")
  }
}
