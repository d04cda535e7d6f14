import Foundation
import Testing

@testable import CaptureArchive
import PcapKit

@Suite("Archive: naming")
struct ArchiveNamingTests {
  @Test("random names are 32 hex digits from the generator, little-endian words")
  func randomFromGenerator() {
    var namer = CaptureNamer(naming: .random, generator: ReplayGenerator(words: [0x0102_0304_0506_0708, 0xFF]))
    #expect(namer.baseName(contentDigest: [1, 2, 3]) == "0807060504030201ff00000000000000")
  }

  @Test("random names from the system source are distinct and well-formed")
  func randomDistinct() {
    var namer = CaptureNamer(naming: .random)
    var seen = Set<String>()
    for _ in 0..<2000 {
      let name = namer.baseName(contentDigest: [])
      #expect(name.count == 32)
      #expect(name.allSatisfy { $0.isHexDigit && !$0.isUppercase })
      seen.insert(name)
    }
    #expect(seen.count == 2000)
  }

  @Test("content names are the digest in hex, whatever the generator")
  func contentName() {
    var namer = CaptureNamer(naming: .content, generator: ReplayGenerator(words: [7]))
    #expect(namer.baseName(contentDigest: [0x00, 0xAB, 0x10]) == "00ab10")
    #expect(CaptureNamer.isAnonymizedName("00ab10.pcapng", kind: .pcapng, digestLength: 3))
    #expect(!CaptureNamer.isAnonymizedName("00ab10.pcap", kind: .pcapng, digestLength: 3))
    #expect(!CaptureNamer.isAnonymizedName("site-a.pcapng", kind: .pcapng, digestLength: 3))
  }

  @Test("hex encoding")
  func hex() {
    #expect(hexString([]) == "")
    #expect(hexString([0, 1, 0x7F, 0x80, 0xFF]) == "00017f80ff")
  }
}
