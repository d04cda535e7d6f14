import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// The lenient reader on intact captures is the strict reader, and on specific damage does what it documents.
@Suite("Hostile lenient reader")
struct HostileLenientTests {
  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
  static let pcapHeader: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
  static func record(_ sec: UInt32, _ data: [UInt8]) -> [UInt8] {
    le32(sec) + le32(0) + le32(UInt32(data.count)) + le32(UInt32(data.count)) + data
  }

  static func lenientRecords(_ bytes: [UInt8]) throws -> ([CaptureRecord], LenientCaptureReader) {
    var reader = try LenientCaptureReader(bytes: bytes)
    var out: [CaptureRecord] = []
    while let r = try reader.next() { out.append(r) }
    return (out, reader)
  }

  @Test("intact captures: the lenient reader returns exactly the strict reader's records and reports nothing")
  func intactEquivalence() throws {
    var files = sharedFiles("bacnet") + sharedFiles("formats") + sharedFiles("conformance")
    if let e = FileManager.default.enumerator(atPath: packageRoot.appendingPathComponent("Fixtures").path) {
      for case let p as String in e where (p.hasSuffix(".pcap") || p.hasSuffix(".pcapng")) && !p.contains("regressions") {
        files.append(packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(p))
      }
    }
    try #require(!files.isEmpty)
    var compared = 0
    for f in files {
      let bytes = try fileBytes(f)
      let strict = readAll(bytes)
      guard strict.error == nil, !strict.records.isEmpty else { continue }  // damaged on purpose: not this test
      let (records, reader) = try Self.lenientRecords(bytes)
      #expect(reader.damageCount == 0, "\(f.lastPathComponent): \(reader.damage.prefix(3))")
      #expect(records.count == strict.records.count, "\(f.lastPathComponent)")
      for (a, b) in zip(records, strict.records) where a.raw.fileOffset != b.raw.fileOffset || a.raw.bytes != b.raw.bytes {
        Issue.record("\(f.lastPathComponent): record at \(b.raw.fileOffset) differs")
        break
      }
      compared += 1
    }
    #expect(compared >= 4)
  }

  @Test("pcap: a zeroed region is skipped and reported; the records around it survive")
  func zeroedRegion() throws {
    let a = Self.record(1_700_000_000, [1, 2, 3, 4]), b = Self.record(1_700_000_001, [5, 6, 7, 8, 9])
    let c = Self.record(1_700_000_002, [10, 11])
    var bytes = Self.pcapHeader + a + b + c
    let bStart = 24 + a.count
    for i in bStart..<(bStart + 10) { bytes[i] = 0 }
    let (records, reader) = try Self.lenientRecords(bytes)
    let packets = records.compactMap { if case .packet(let p) = $0 { Array(p.data) } else { nil } }
    #expect(packets == [[1, 2, 3, 4], [10, 11]])
    #expect(reader.damage.count == 1)
    #expect(reader.damage.first?.offset == bStart)
    #expect(reader.damage.first?.length == b.count)
  }

  @Test("pcap: a truncated tail is one region to the end of the input")
  func truncatedTail() throws {
    let bytes = Self.pcapHeader + Self.record(1_700_000_000, [1, 2, 3]) + Array(Self.record(1_700_000_001, [4, 5, 6, 7]).prefix(9))
    let (records, reader) = try Self.lenientRecords(bytes)
    #expect(records.filter { if case .packet = $0 { true } else { false } }.count == 1)
    #expect(reader.damage.map(\.offset) == [24 + 19])
    #expect(reader.damage.first?.length == 9)
    #expect(reader.damage.first?.reason.code == .truncated)
  }

  @Test("pcap: an impossible version is patched and the packets read")
  func patchedVersion() throws {
    var bytes = Self.pcapHeader + Self.record(1_700_000_000, [1, 2, 3])
    bytes[4] = 7
    let (records, reader) = try Self.lenientRecords(bytes)
    #expect(records.count == 3)  // section, interface, packet
    #expect(reader.damage.first?.action == .patched)
    #expect(reader.damage.first?.reason.code == .unsupportedVersion)
    var sink = MemorySink()
    var again = try LenientCaptureReader(bytes: bytes)
    let summary = try CaptureRepair.run(reader: &again, to: &sink)
    #expect(summary.packetsWritten == 1)
    #expect(readAll(sink.bytes).error == nil)
  }

  @Test("pcapng: a lost section header and interface are stood in for, so the packets keep their meaning")
  func placeholders() throws {
    let ng = NG()
    let shb = ng.shb(), idb = ng.idb(link: 1)
    let p1 = ng.epb(iface: 0, [1, 2, 3, 4]), p2 = ng.epb(iface: 0, [5, 6, 7, 8])
    var bytes = shb + idb + p1 + p2
    // Break the IDB's trailer: its framing no longer agrees, so it is skipped and replaced.
    let trailer = shb.count + idb.count - 4
    bytes[trailer] ^= 0xFF
    var reader = try LenientCaptureReader(bytes: bytes)
    var sink = MemorySink()
    let summary = try CaptureRepair.run(reader: &reader, to: &sink)
    #expect(summary.packetsWritten == 2)
    #expect(summary.damageCount == 1)
    let back = readAll(sink.bytes)
    #expect(back.error == nil)
    #expect(back.packets.map { Array($0.data) } == [[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(back.packets.allSatisfy { $0.linkType == LinkType(rawValue: 1) })
  }

  /// Two sections, the second big-endian: its packets must come back whatever happened to its section header.
  static func twoSections(secondHeader: (NG) -> [UInt8]) -> (bytes: [UInt8], secondStart: Int) {
    let le = NG(), be = NG(order: .big)
    let first = le.shb() + le.idb(link: 1) + le.epb(iface: 0, [1, 2, 3, 4])
    let second = secondHeader(be) + be.idb(link: 1) + be.epb(iface: 0, [5, 6, 7, 8])
    return (first + second, first.count)
  }

  static func repairedPackets(_ bytes: [UInt8]) throws -> (packets: [[UInt8]], damage: Int) {
    var reader = try LenientCaptureReader(bytes: bytes)
    var sink = MemorySink()
    let summary = try CaptureRepair.run(reader: &reader, to: &sink)
    let back = readAll(sink.bytes)
    #expect(back.error == nil)
    return (back.packets.map { Array($0.data) }, summary.damageCount)
  }

  @Test("pcapng: a zeroed section header before a section in the other byte order: that section is stood in for")
  func lostSectionOtherByteOrder() throws {
    var (bytes, start) = Self.twoSections { $0.shb() }
    for i in start..<(start + 28) { bytes[i] = 0 }  // type, length, byte-order magic, version: all gone
    let (packets, damage) = try Self.repairedPackets(bytes)
    #expect(packets == [[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(damage == 1)
  }

  @Test("pcapng: a section header with intact framing but bad options still starts its (big-endian) section")
  func badSectionHeaderContent() throws {
    // An option whose length runs past the block: the block is skipped exactly, and its section begins.
    let (bytes, _) = Self.twoSections { be in be.shb(be.u16(3) + be.u16(97) + Array("OS".utf8) + [0, 0]) }
    let (packets, damage) = try Self.repairedPackets(bytes)
    #expect(packets == [[1, 2, 3, 4], [5, 6, 7, 8]])
    #expect(damage == 1)
  }

  @Test("pcap: first header and a later one both damaged, no good record before: the records between survive")
  func twoDamagedHeadersNoReference() throws {
    let t: UInt32 = 1_700_000_000
    var recs = (0..<5).map { Self.record(t + UInt32($0), [UInt8](repeating: UInt8($0), count: 8)) }
    recs[0][10] = 0x61   // captured length of record 0 becomes 6,357,000
    recs[3][15] = 0xC0   // original length of record 3 becomes 3 GiB
    let bytes = Self.pcapHeader + recs.joined()
    let (packets, _) = try Self.repairedPackets(bytes)
    #expect(packets.contains([UInt8](repeating: 1, count: 8)) && packets.contains([UInt8](repeating: 2, count: 8)))
    #expect(packets.contains([UInt8](repeating: 4, count: 8)))
  }

  @Test("pcap: a chain read 4 bytes late (fractions taken for seconds) that runs to the end is not preferred")
  func lateChainAtEnd() throws {
    let t: UInt32 = 1_700_000_000
    // Data starting 00 10 00 00: read as an original length (4096) it fits, which is what lets the late chain form.
    func data(_ i: Int, _ n: Int) -> [UInt8] { [0, 0x10, 0, 0] + [UInt8](repeating: UInt8(i), count: n - 4) }
    func rec(_ i: Int, _ n: Int) -> [UInt8] {
      Self.le32(t) + Self.le32(UInt32(i) * 10_000) + Self.le32(UInt32(n)) + Self.le32(UInt32(n)) + data(i, n)
    }
    let recs = [rec(0, 61), rec(1, 162), rec(2, 52), rec(3, 105), rec(4, 52)]
    var bytes = Self.pcapHeader + recs.joined()
    // Zero from inside record 0 to inside record 2's header (its seconds and half its fraction).
    let r2 = 24 + recs[0].count + recs[1].count
    for i in (24 + 22)..<(r2 + 6) { bytes[i] = 0 }
    let (packets, _) = try Self.repairedPackets(bytes)
    #expect(packets.contains(data(3, 105)) && packets.contains(data(4, 52)))
  }

  @Test("a destroyed magic number is restored from the rest of the header; the strict reader still refuses the file")
  func destroyedMagic() throws {
    // pcap, little-endian microseconds; big-endian nanoseconds (the first record's fraction reaches a second).
    let le = Self.pcapHeader + Self.record(1_700_000_000, [1, 2, 3]) + Self.record(1_700_000_001, [4, 5])
    func be32(_ v: UInt32) -> [UInt8] { Self.le32(v).reversed() }
    let beHeader: [UInt8] = [0xA1, 0xB2, 0x3C, 0x4D, 0, 2, 0, 4] + be32(0) + be32(0) + be32(65535) + be32(1)
    let beNs = beHeader + be32(1_700_000_000) + be32(123_456_789) + be32(2) + be32(2) + [9, 9]
    let ng = NG()
    let pcapng = ng.shb() + ng.idb(link: 1) + ng.epb(iface: 0, [7, 7, 7, 7])
    for original in [le, beNs, pcapng] {
      var damaged = original
      damaged.replaceSubrange(0..<4, with: [0x00, 0xFF, 0x13, 0x37])
      #expect(throws: CaptureError.self) { try CaptureReader(bytes: damaged) }
      let (records, reader) = try Self.lenientRecords(damaged)
      let packets = records.compactMap { if case .packet(let p) = $0 { p } else { nil } }
      let expected = readAll(original).packets
      #expect(packets.map { Array($0.data) } == expected.map { Array($0.data) })
      #expect(packets.map(\.timestamp) == expected.map(\.timestamp))
      #expect(reader.damage.map(\.offset) == [0] && reader.damage.first?.action == .patched)
      #expect(reader.damage.first?.reason.code == .badMagic && reader.skippedBytes == 0)
    }
    // Nothing in the header names a format: still unreadable.
    var garbage = le
    garbage.replaceSubrange(0..<12, with: [UInt8](repeating: 0x5A, count: 12))
    let e = #expect(throws: CaptureError.self) { try LenientCaptureReader(bytes: garbage) }
    #expect(e?.code == .badMagic)
  }
}
