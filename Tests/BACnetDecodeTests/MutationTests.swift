import Foundation
import Testing
@testable import BACnetDecode
import OptigoTestSupport

/// Seeded mutation testing: every decoder is fed mutated and truncated frames and must return (never trap).
///
/// `OPTIGO_MUTATION_ITERATIONS` sets the number of frames per decoder (default 200,000); `OPTIGO_MUTATION_SEED`
/// the seed (default fixed, so a failure reproduces).
@Suite struct MutationTests {
  static var iterations: Int {
    ProcessInfo.processInfo.environment["OPTIGO_MUTATION_ITERATIONS"].flatMap(Int.init) ?? 200_000
  }
  static var seed: UInt64 {
    ProcessInfo.processInfo.environment["OPTIGO_MUTATION_SEED"].flatMap(UInt64.init) ?? 0x0BAC_0E7C_0FFE_E000
  }

  /// Seeds: the golden vectors plus every reference vector, as BVLLs, NPDUs and MS/TP frames.
  static let corpus: (bvll: [[UInt8]], npdu: [[UInt8]], mstp: [[UInt8]]) = {
    var bvll: [[UInt8]] = []
    var mstp: [[UInt8]] = []
    for (group, vectors) in GoldenVectorTests.golden {
      for (_, h) in vectors {
        if group.hasPrefix("mstp") { mstp.append(hex(h)) } else { bvll.append(hex(h)) }
      }
    }
    let apdus = ["10 07 3d 05 00 5a 4e 2d 54", "10 07 09 01 1b 3f ff ff 2c 00 00 00 01",
                 "10 01 c4 02 00 04 d2 c4 00 00 00 01 75 05 00 5a 4e 2d 54", "10 06 a4 7c 03 0f 05 b4 0d 2d 1e 00",
                 "02 05 0a 05 09 2a 1c 00 00 00 01 29 01 3a 01 2c", "02 05 0b 05 09 2a 1c 00 00 00 01",
                 "10 02 09 2a 1c 02 00 04 d2 2c 00 00 00 01 39 78 4e 09 55 2e 44 42 91 00 00 2f 09 6f 2e 82 04 00 2f 4f",
                 "02 05 0c 0e 0c 00 00 00 01 1e 09 55 09 4d 1f",
                 "30 0c 0e 0c 00 00 00 01 1e 29 55 4e 44 42 91 00 00 4f 29 4d 5e 91 02 91 20 5f 1f",
                 "0e 05 01 1a 0c 02 00 00 01 19 83 3e 21 01 21 02 3f 1f 5f",
                 "00 05 02 06 c4 02 80 00 00 0e 31 00 21 10 0f", "0d 05 03 07 c4 02 80 00 00 0e 31 00 65 05 01 02 03 04 05 0f",
                 "38 04 00 08 0e 0c 00 00 00 01 1e 29 55 4e 44 42 91 00 00 4f 1f", "40 04 02 03", "50 01 10 0e 91 01 91 1f 0f 19 02"]
    let npdu = apdus.map { [0x01, 0x04] + hex($0) } + bvll.filter { $0.count > 4 && $0[0] == 0x81 }.map { Array($0[4...]) }
    return (bvll + apdus.map { hex("81 0a 00 00 01 00") + hex($0) }, npdu, mstp)
  }()

  static func mutate(_ seed: [UInt8], _ r: inout SplitMix64) -> [UInt8] {
    var b = seed
    switch r.below(8) {
    case 0:  // truncate
      b = Array(b.prefix(r.below(b.count + 1)))
    case 1:  // random bytes
      b = (0..<r.below(64)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
    case 2:  // insert
      for _ in 0..<(1 + r.below(4)) { b.insert(UInt8(truncatingIfNeeded: r.next()), at: r.below(b.count + 1)) }
    case 3:  // delete
      for _ in 0..<(1 + r.below(4)) where !b.isEmpty { b.remove(at: r.below(b.count)) }
    case 4:  // interesting values
      let vals: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0xFE, 0x0E, 0x0F, 0x3E, 0x3F, 0x55, 0xF9, 0x65]
      for _ in 0..<(1 + r.below(4)) where !b.isEmpty { b[r.below(b.count)] = vals[r.below(vals.count)] }
    default:  // bit flips
      for _ in 0..<(1 + r.below(6)) where !b.isEmpty { b[r.below(b.count)] ^= UInt8(1) << UInt8(r.below(8)) }
    }
    return b
  }

  /// Touches everything a consumer might read, so lazy paths run too.
  static func exercise(_ m: BACnetMessage, deep: Bool) -> Int {
    var n = m.diagnostics.count + m.summary.count
    if deep {
      n += m.treeText.count
      if case .generic(let v)? = m.apdu?.parameters { n += v.decode().nodes.count }
    }
    for d in m.diagnostics { precondition(d.offset >= 0, "negative offset") }
    return n
  }

  @Test("mutated and truncated BVLLs, NPDUs and MS/TP frames never trap")
  func mutations() {
    let count = Self.iterations
    var r = SplitMix64(state: Self.seed)
    var sink = 0
    let c = Self.corpus
    for i in 0..<count {
      let deep = i % 64 == 0
      let m1 = Self.mutate(c.bvll[r.below(c.bvll.count)], &r)
      sink &+= Self.exercise(BACnetDecoder.decodeBVLL(m1[...]), deep: deep)
      let m2 = Self.mutate(c.npdu[r.below(c.npdu.count)], &r)
      sink &+= Self.exercise(BACnetDecoder.decodeNPDU(m2[...]), deep: deep)
      let m3 = Self.mutate(c.mstp[r.below(c.mstp.count)], &r)
      let d = BACnetDecoder.decodeMSTP(m3[...])
      sink &+= d.summary.count + (deep ? d.treeText.count : 0)
      // The same bytes as an APDU alone and as a tag run.
      let (a, _) = BACnetDecoder.decodeAPDU(m2.dropFirst(2))
      sink &+= a?.summary.count ?? 0
      if deep { sink &+= EncodedValues(bytes: m1[...], offset: 0).decode().nodes.count }
    }
    print("mutation test: \(count) frames per decoder, seed \(Self.seed), checksum \(sink)")
    #expect(sink > 0)
  }

  @Test("every truncation of every seed decodes")
  func truncations() {
    let c = Self.corpus
    var n = 0
    for s in c.bvll { for k in 0...s.count { n += BACnetDecoder.decodeBVLL(s.prefix(k)).summary.count } }
    for s in c.npdu { for k in 0...s.count { n += BACnetDecoder.decodeNPDU(s.prefix(k)).summary.count } }
    for s in c.mstp { for k in 0...s.count { n += BACnetDecoder.decodeMSTP(s.prefix(k)).summary.count } }
    #expect(n > 0)
  }

  @Test("segment reassembler stays bounded under random segments")
  func reassemblerBounded() {
    var r = SplitMix64(state: Self.seed ^ 0x5E6)
    var re = SegmentReassembler<Int>(maxPending: 16, maxMessageBytes: 4096)
    for _ in 0..<20_000 {
      let seq = UInt8(truncatingIfNeeded: r.below(4))
      let more = r.below(3) != 0
      let bytes: [UInt8] = [0x38 | (more ? 0x04 : 0), UInt8(r.below(8)), seq, 4, 14] + (0..<r.below(600)).map { _ in 0x09 }
      guard let (a, _) = Optional(BACnetDecoder.decodeAPDU(bytes[...])), let apdu = a else { continue }
      _ = re.add(apdu, from: r.below(40))
      #expect(re.pendingCount <= 16)
    }
  }
}
