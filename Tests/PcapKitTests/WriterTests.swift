import Foundation
import Testing

@testable import PcapKit

@Suite struct WriterTests {
  @Test("pcap from fields, µs/ns and both byte orders, reads back exactly (timestamps rounded down)")
  func pcapFromFields() throws {
    for order in [ByteOrder.little, .big] {
      for ns in [false, true] {
        var w = PcapWriter(sink: MemorySink(), nanosecond: ns, byteOrder: order)
        try w.writeHeader(linkType: .bacnetMSTP, snapLength: 1000, fcsLength: 2)
        let t = CaptureTimestamp(ticks: Int128(0xFFFF_FFFF) * 1_000_000_000_000 + 123_456_789_999, resolution: .decimal(12))
        try w.writePacket(timestamp: t, data: [0x55, 0xFF, 1], originalLength: 8)
        let r = readAll(w.sink.bytes)
        #expect(r.error == nil)
        let p = try #require(r.packets.first)
        #expect(p.timestamp.nanosecondsSinceEpoch == Int128(0xFFFF_FFFF) * 1_000_000_000 + (ns ? 123_456_789 : 123_456_000))
        #expect(p.data == [0x55, 0xFF, 1] && p.originalLength == 8 && p.linkType == .bacnetMSTP && p.byteOrder == order)
        guard case .section(let s) = r.records[0] else { return }
        #expect(s.pcapHeader?.fcsLength == 2 && s.pcapHeader?.snapLength == 1000)
        // A timestamp past 2106 or before 1970 cannot be written in classic pcap.
        let late = CaptureTimestamp(units: 1 << 32, resolution: .seconds)
        #expect(throws: CaptureError.self) { try w.writePacket(timestamp: late, data: []) }
      }
    }
  }

  @Test("pcapng from fields in both byte orders: SHB, IDB with resolution and offset, EPB with options")
  func pcapngFromFields() throws {
    for order in [ByteOrder.little, .big] {
      var w = PcapNGWriter(sink: MemorySink(), byteOrder: order)
      try w.writeSectionHeader(options: [PcapNGOption(code: .shbUserApplication, value: Array("optigo".utf8)[...])])
      let a = try w.writeInterfaceDescription(linkType: .ethernet, snapLength: 1514)
      let b = try w.writeInterfaceDescription(linkType: .bacnetMSTP, resolution: .binary(40), timestampOffset: -100,
                                              options: [PcapNGOption(code: .ifName, value: Array("mstp0".utf8)[...])])
      let t1 = CaptureTimestamp(units: 1_700_000_000_000_001, resolution: .microseconds)
      let t2 = CaptureTimestamp(units: (1_700_000_100 << 40) | 12345, resolution: .binary(40))
      try w.writeEnhancedPacket(interfaceID: a, timestamp: t1, data: [1, 2, 3, 4, 5])
      try w.writeEnhancedPacket(interfaceID: b, timestamp: t2, data: [0x55, 0xFF], originalLength: 9,
                                options: [PcapNGOption(code: .comment, value: Array("hello".utf8)[...]),
                                          PcapNGOption(code: .epbFlags, value: NG(order: order).u32(2)[...])])
      #expect(throws: CaptureError.self) { try w.writeEnhancedPacket(interfaceID: 2, timestamp: t1, data: []) }
      let r = readAll(w.sink.bytes)
      #expect(r.error == nil, "\(String(describing: r.error))")
      #expect(r.blockNames == ["SHB", "IDB", "IDB", "EPB", "EPB"])
      let p = r.packets
      #expect(p[0].timestamp == t1 && p[0].data == [1, 2, 3, 4, 5] && p[0].interfaceID == 0)
      #expect(p[1].timestamp == t2 && p[1].originalLength == 9 && p[1].comments == ["hello"])
      #expect(p[1].flags?.direction == .outbound && p[1].linkType == .bacnetMSTP)
      guard case .interface(let i) = r.records[2] else { return }
      #expect(i.name == "mstp0" && i.timestampOffset == -100 && i.timestampResolution == .binary(40))
      guard case .section(let s) = r.records[0] else { return }
      #expect(s.userApplication == "optigo" && s.byteOrder == order)
    }
  }

  @Test("pcapng → pcap: one link type converts with a list of what was dropped; several link types are an error")
  func downgrade() throws {
    let ng = NG()
    let one = ng.shb(ng.opt(1, Array("shb comment".utf8)) + ng.end) + ng.idb(ng.opt(2, Array("eth0".utf8)) + ng.end)
      + ng.epb(ts: 5_000_000, [1, 2], ng.opt(1, Array("c".utf8)) + ng.opt(2, ng.u32(1)) + ng.end) + ng.epb(ts: 6_000_000, [3])
      + ng.block(4, ng.u32(0)) + ng.block(5, ng.u32(0) + ng.u64(0)) + ng.block(0xBAD, ng.u32(1) + [0, 0, 0, 0])
    var w = PcapWriter(sink: MemorySink())
    for rec in readAll(one).records { try w.write(rec) }
    let back = readAll(w.sink.bytes)
    #expect(back.error == nil && back.packets.map { Array($0.data) } == [[1, 2], [3]])
    #expect(back.packets.map(\.timestamp.nanosecondsSinceEpoch) == [5_000_000_000, 6_000_000_000])
    let dropped = Set(w.warnings.map(\.what))
    #expect(dropped.isSuperset(of: ["section comments", "packet comments", "interface names/descriptions/comments",
                                    "packet options (flags, hashes, …)", "name resolution blocks",
                                    "interface statistics blocks", "custom blocks"]))
    #expect(w.warnings.first { $0.what == "packet comments" }?.count == 1)

    let two = ng.shb() + ng.idb(link: 1) + ng.idb(link: 165) + ng.epb(iface: 0, [1]) + ng.epb(iface: 1, [2])
    var w2 = PcapWriter(sink: MemorySink())
    var thrown: CaptureError?
    do { for rec in readAll(two).records { try w2.write(rec) } } catch { thrown = error }
    #expect(thrown?.code == .incompatibleContent && thrown?.offset == 28 + 40 + 36)
  }

  @Test("FileSink buffers, writes large blocks directly, and reports failures")
  func fileSink() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pcapkit-sink-\(getpid()).pcapng").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let sink = try FileSink(path: path, bufferSize: 100)
    var w = PcapNGWriter(sink: sink, byteOrder: .big)
    try w.writeSectionHeader()
    try w.writeInterfaceDescription(linkType: .raw)
    for k in 0..<50 {
      try w.writeEnhancedPacket(interfaceID: 0, timestamp: CaptureTimestamp(seconds: Int64(k), nanoseconds: 0),
                                data: Array(repeating: UInt8(k), count: k * 7)[...])
    }
    try sink.close()
    #expect(throws: CaptureError.self) { try sink.write([1][...]) }
    var reader = try CaptureReader(path: path)
    var n = 0
    while let p = try reader.nextPacket() {
      #expect(p.data.count == n * 7 && p.data.allSatisfy { $0 == UInt8(n) })
      n += 1
    }
    #expect(n == 50)
    let e = #expect(throws: CaptureError.self) { try FileSink(path: "/nonexistent-dir/x.pcap") }
    #expect(e?.code == .ioError)
  }
}
