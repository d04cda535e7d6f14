import Foundation
import Testing

@testable import CaptureArchive
import PcapKit

@Suite("Archive: capture kind from content")
struct ArchiveSnifferTests {
  static let expected: [(String, CaptureFileKind?)] = [
    ("bacnet.pcap", .pcap), ("bacnet.pcapng", .pcapng), ("really-pcapng.pcap", .pcapng),
    ("metadata.pcapng", .pcapng), ("bacnet.pcap.gz", .pcapGzip), ("bacnet.pcapng.gz", .pcapngGzip),
    ("notes.txt", nil), ("truncated-header.pcap", nil), ("README.md", nil),
  ]

  @Test("each fixture is classified by its bytes, not its name", arguments: expected)
  func fixtureKinds(name: String, kind: CaptureFileKind?) throws {
    let path = ArchiveTestSupport.fixtures.appendingPathComponent(name).path
    #expect(try CaptureSniffer().kind(ofFileAt: path) == kind)
  }

  @Test("every pcap magic in both byte orders; wrong version and short headers are rejected")
  func pcapMagics() {
    for magic: UInt32 in [0xA1B2_C3D4, 0xA1B2_3C4D, 0xA1B2_CD34] {
      for little in [true, false] {
        let m = little ? magic.littleEndian : magic.bigEndian
        let v: UInt16 = little ? UInt16(2).littleEndian : UInt16(2).bigEndian
        var header = withUnsafeBytes(of: m, Array.init) + withUnsafeBytes(of: v, Array.init)
        header += [UInt8](repeating: 0, count: 18)
        #expect(CaptureFileKind.classify(prefix: header[...]) == .pcap)
        var wrongVersion = header
        wrongVersion[little ? 4 : 5] = 3
        #expect(CaptureFileKind.classify(prefix: wrongVersion[...]) == nil)
        #expect(CaptureFileKind.classify(prefix: header[..<23]) == nil)
      }
    }
  }

  @Test("a pcapng SHB needs its byte-order magic and version 1")
  func pcapngHeader() throws {
    let good = try ArchiveTestSupport.fixture("bacnet.pcapng")
    #expect(CaptureFileKind.classify(prefix: good[...]) == .pcapng)
    var badMagic = good
    badMagic[8] = 0
    #expect(CaptureFileKind.classify(prefix: badMagic[...]) == nil)
    var badVersion = good
    badVersion[12] = 2
    #expect(CaptureFileKind.classify(prefix: badVersion[...]) == nil)
    var badLength = good
    badLength[4] = 27
    #expect(CaptureFileKind.classify(prefix: badLength[...]) == nil)
  }

  @Test("gzip that holds no capture, corrupt gzip, and every truncation of every fixture are handled")
  func hostileFiles() throws {
    let dir = try ArchiveTestSupport.makeDirectory()
    defer { ArchiveTestSupport.remove(dir) }
    let notes = (dir as NSString).appendingPathComponent("x")
    // gzip of text
    let text = "not a capture at all, just words\n"
    try text.write(toFile: notes, atomically: false, encoding: .utf8)
    let gz = try ArchiveTestSupport.run("/bin/gzip", ["-kf", notes])
    #expect(gz.status == 0)
    #expect(try CaptureSniffer().kind(ofFileAt: notes + ".gz") == nil)
    // corrupt deflate data after a valid gzip header
    var corrupt = try ArchiveTestSupport.fixture("bacnet.pcapng.gz")
    for i in 30..<corrupt.count - 8 { corrupt[i] = 0xFF }
    try ArchiveTestSupport.write(corrupt, to: notes)
    #expect(try CaptureSniffer().kind(ofFileAt: notes) == nil)
    // every prefix of every fixture: never traps; a prefix is a capture only once the header is complete
    for name in ["bacnet.pcap", "bacnet.pcapng", "bacnet.pcap.gz", "bacnet.pcapng.gz", "metadata.pcapng"] {
      let bytes = try ArchiveTestSupport.fixture(name)
      for n in 0...min(bytes.count, 200) {
        try ArchiveTestSupport.write(Array(bytes[..<n]), to: notes)
        let kind = try CaptureSniffer().kind(ofFileAt: notes)
        if n < 12 { #expect(kind == nil) }
      }
    }
  }

  @Test("a gzip header with a name longer than the inflate budget is not a capture (bounded work)")
  func longGzipName() throws {
    let dir = try ArchiveTestSupport.makeDirectory()
    defer { ArchiveTestSupport.remove(dir) }
    let path = (dir as NSString).appendingPathComponent("long.gz")
    // FLG.FNAME set, a 100 KiB name, then the member of bacnet.pcapng.gz after its own header.
    let member = try ArchiveTestSupport.fixture("bacnet.pcapng.gz")
    let nameEnd = member[10...].firstIndex(of: 0)!
    var bytes: [UInt8] = [0x1F, 0x8B, 0x08, 0x08, 0, 0, 0, 0, 0, 3]
    bytes += [UInt8](repeating: 0x41, count: 100_000) + [0]
    bytes += member[(nameEnd + 1)...]
    try ArchiveTestSupport.write(bytes, to: path)
    #expect(try CaptureSniffer().kind(ofFileAt: path) == .pcapngGzip)
    #expect(try CaptureSniffer(gzipInputLimit: 4096).kind(ofFileAt: path) == nil)
  }
}
