import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// The pcapng conformance suite (hadrielk/pcapng-test-generator, little-endian outputs) in ../shared/captures.
@Suite struct ConformanceTests {
  static let files = sharedFiles("conformance", suffixes: [".pcapng"])

  /// The "Block sequence:" line of the sidecar `.txt`.
  static func expectedSequence(_ pcapng: URL) throws -> [String] {
    let txt = try String(contentsOf: pcapng.deletingPathExtension().appendingPathExtension("txt"), encoding: .utf8)
    let line = try #require(txt.split(separator: "\n").first { $0.hasPrefix("Block sequence:") })
    return line.dropFirst("Block sequence:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
  }

  @Test("the suite is present (or the other tests skip)")
  func present() {
    if Self.files.isEmpty { print("note: ../shared/captures/conformance absent; conformance tests skipped") }
    #expect(Self.files.isEmpty || Self.files.count == 24)
  }

  @Test("each file reads to exactly the block sequence in its .txt", arguments: files)
  func sequence(_ url: URL) throws {
    let result = readAll(path: url.path)
    #expect(result.error == nil, "\(String(describing: result.error))")
    #expect(result.blockNames == (try Self.expectedSequence(url)))
  }

  @Test("big-endian versions made by PcapNGWriter read to the same blocks, packets and options", arguments: files)
  func bigEndian(_ url: URL) throws {
    let original = readAll(path: url.path)
    try #require(original.error == nil)
    var writer = PcapNGWriter(sink: MemorySink(), byteOrder: .big)
    for r in original.records { try writer.writeConverted(r) }
    let big = writer.sink.bytes
    #expect(big.count == (try fileBytes(url)).count)
    let reread = readAll(big)
    #expect(reread.error == nil, "\(String(describing: reread.error))")
    #expect(reread.blockNames == (try Self.expectedSequence(url)))
    #expect(reread.records.allSatisfy { $0.raw.byteOrder == .big })
    try #require(reread.packets.count == original.packets.count)
    for (a, b) in zip(original.packets, reread.packets) {
      #expect(a.timestamp == b.timestamp && a.hasTimestamp == b.hasTimestamp)
      #expect(a.data == b.data && a.originalLength == b.originalLength && a.interfaceID == b.interfaceID)
      #expect(a.linkType == b.linkType)
      #expect(a.flags == b.flags && a.comments == b.comments && a.dropCount == b.dropCount && a.packetID == b.packetID)
    }
    for (a, b) in zip(original.records, reread.records) {
      if case .interface(let x) = a, case .interface(let y) = b {
        #expect(x.name == y.name && x.speed == y.speed && x.timestampResolution == y.timestampResolution)
        #expect(x.timestampOffset == y.timestampOffset && x.snapLength == y.snapLength && x.filterString == y.filterString)
      }
      if case .statistics(let x) = a, case .statistics(let y) = b {
        #expect(x.interfaceReceived == y.interfaceReceived && x.startTime == y.startTime && x.endTime == y.endTime)
        #expect(x.timestamp == y.timestamp)
      }
      if case .nameResolution(let x) = a, case .nameResolution(let y) = b {
        #expect(x.records.map(\.names) == y.records.map(\.names))
      }
    }
    // And back to each section's original byte order (test202 mixes them): byte-identical to the original.
    var back = PcapNGWriter(sink: MemorySink(), byteOrder: .little)
    for (r, o) in zip(reread.records, original.records) {
      if case .section = o { back.byteOrder = o.raw.byteOrder }
      try back.writeConverted(r)
    }
    #expect(back.sink.bytes == (try fileBytes(url)))
  }
}

/// Read → write must reproduce every capture byte for byte.
@Suite struct RoundTripTests {
  static let files = sharedFiles("conformance", suffixes: [".pcapng"]) + sharedFiles("formats") + sharedFiles("bacnet")

  @Test("every readable capture round-trips byte-identically", arguments: files)
  func roundTrip(_ url: URL) throws {
    let bytes = try fileBytes(url)
    let result = readAll(path: url.path)
    guard result.error == nil else {
      // Only the two files libpcap must refuse are unreadable.
      #expect(["pcapng-invalid-vers-1.pcapng", "shb-option-too-long.pcapng"].contains(url.lastPathComponent))
      return
    }
    guard case .section(let first) = try #require(result.records.first) else {
      Issue.record("first record is not a section")
      return
    }
    if let ph = first.pcapHeader {
      guard case .pcap(let ns, let order, let modified) = ph.format else { return }
      var w = PcapWriter(sink: MemorySink(), nanosecond: ns, byteOrder: order, modified: modified)
      for r in result.records { try w.write(r) }
      #expect(w.sink.bytes == bytes)
      #expect(w.warnings.isEmpty)
    } else {
      var w = PcapNGWriter(sink: MemorySink(), byteOrder: first.byteOrder)
      for r in result.records { try w.write(r) }
      #expect(w.sink.bytes == bytes)
    }
  }
}
