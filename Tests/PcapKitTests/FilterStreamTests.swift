import Foundation
import Testing
@testable import PcapKit

@Suite struct FilterStreamTests {
  /// A pcapng: SHB, two IDBs, NRB, EPBs (BACnet, DNS, BACnet with a comment, on both interfaces), ISB.
  func capture() throws -> [UInt8] {
    var w = PcapNGWriter(sink: MemorySink())
    try w.writeSectionHeader(options: [PcapNGOption(code: .comment, value: Array("section".utf8)[...])])
    try w.writeInterfaceDescription(linkType: .ethernet)
    try w.writeInterfaceDescription(linkType: .linuxSLL2, resolution: .nanoseconds)
    var nrb = ByteWriter(order: .host)
    let s = nrb.beginBlock(.nameResolution)
    nrb.u16(1); nrb.u16(8); nrb.append([10, 0, 0, 1][...]); nrb.append(Array("bms\0".utf8)[...]); nrb.u32(0)
    nrb.endBlock(s)
    try w.sink.write(nrb.bytes[...])
    let bacnet = Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47808, 47808, Frames.whoIs)))
    let dns = Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(5353, 53, [1, 2, 3])))
    let sll2: [UInt8] = Frames.be16(0x0800) + [UInt8](repeating: 0, count: 18) + Frames.ipv4(proto: 17, Frames.udp(47809, 1, []))
    let t = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 1)
    try w.writeEnhancedPacket(interfaceID: 0, timestamp: t, data: bacnet[...])
    try w.writeEnhancedPacket(interfaceID: 0, timestamp: t, data: dns[...])
    try w.writeEnhancedPacket(interfaceID: 1, timestamp: t, data: sll2[...],
                              options: [PcapNGOption(code: .comment, value: Array("kept".utf8)[...])])
    var isb = ByteWriter(order: .host)
    let i = isb.beginBlock(.interfaceStatistics)
    isb.u32(0); isb.u32(0); isb.u32(0)
    isb.endBlock(i)
    try w.sink.write(isb.bytes[...])
    return w.sink.bytes
  }

  @Test("pcapng: every non-packet block is copied verbatim; kept packets keep their comments; the account adds up")
  func blocksKept() throws {
    let input = try capture()
    var reader = try CaptureReader(bytes: input)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-fs-\(UUID().uuidString).pcapng").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sink = try FileSink(path: path)
    var filter = CaptureFilter()
    try filter.run(reader: &reader, to: RecordWriter(sink: sink))
    try sink.close()
    let output = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // The output is the input without the DNS packet's block.
    var r1 = try CaptureReader(bytes: input)
    var expected: [UInt8] = []
    while let rec = try r1.next() {
      if case .packet(let p) = rec, p.data.count > 40, p.data[p.data.startIndex + 37] == 53 { continue }
      expected += rec.raw.bytes
    }
    #expect(output == expected)
    #expect(filter.account.read == 3 && filter.account.kept == 2 && filter.account[.portMismatch] == 1)
    #expect(filter.account.otherRecords == 5)
    var r2 = try CaptureReader(bytes: output)
    var comments: [[String]] = []
    while let p = try r2.nextPacket() { comments.append(p.comments) }
    #expect(comments == [[], ["kept"]])
  }

  @Test("verbatim staging keeps order when fragments are held back")
  func heldOrder() throws {
    var w = PcapWriter(sink: MemorySink())
    try w.writeHeader(linkType: .ethernet)
    let frames: [[UInt8]] = [
      Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47808, 47808, [1]), id: 1)),
      Frames.ethernet(0x0800, Frames.ipv4(proto: 17, [9, 9, 9, 9, 9, 9, 9, 9], id: 7, flagsOffset: 3)),  // later fragment first
      Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47808, 47808, [2]), id: 2)),
      Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47810, 47808, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]), id: 7, flagsOffset: 0x2000)),
      Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47808, 47808, [4]), id: 3)),
    ]
    for (k, f) in frames.enumerated() {
      try w.writePacket(timestamp: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: Int64(k) * 1000), data: f[...])
    }
    var reader = try CaptureReader(bytes: w.sink.bytes)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-fs-\(UUID().uuidString).pcap").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sink = try FileSink(path: path)
    var filter = CaptureFilter()
    try filter.run(reader: &reader, to: RecordWriter(sink: sink))
    try sink.close()
    var out = try CaptureReader(path: path)
    var data: [[UInt8]] = []
    while let p = try out.nextPacket() { data.append(Array(p.data)) }
    #expect(data == frames)
    #expect(filter.account[.fragmentOfMatch] == 1)
  }
}
