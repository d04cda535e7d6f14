import Foundation
import Testing

@testable import PcapKit

@Suite struct ReaderTests {
  @Test("format detection by magic, all pcap flavours and both byte orders")
  func detection() {
    #expect(CaptureFormat.detect([0xD4, 0xC3, 0xB2, 0xA1]) == .pcap(nanosecond: false, byteOrder: .little, modified: false))
    #expect(CaptureFormat.detect([0xA1, 0xB2, 0xC3, 0xD4]) == .pcap(nanosecond: false, byteOrder: .big, modified: false))
    #expect(CaptureFormat.detect([0x4D, 0x3C, 0xB2, 0xA1]) == .pcap(nanosecond: true, byteOrder: .little, modified: false))
    #expect(CaptureFormat.detect([0xA1, 0xB2, 0x3C, 0x4D]) == .pcap(nanosecond: true, byteOrder: .big, modified: false))
    #expect(CaptureFormat.detect([0x34, 0xCD, 0xB2, 0xA1]) == .pcap(nanosecond: false, byteOrder: .little, modified: true))
    #expect(CaptureFormat.detect([0x0A, 0x0D, 0x0D, 0x0A]) == .pcapng)
    #expect(CaptureFormat.detect([0x0A, 0x0D, 0x0A, 0x0A]) == nil)
    #expect(CaptureFormat.isGzip([0x1F, 0x8B, 8]))
  }

  @Test("classic pcap: µs and ns, both byte orders, timestamps exact, caplen over snaplen kept and flagged")
  func classic() throws {
    for order in [ByteOrder.little, .big] {
      for ns in [false, true] {
        let p = PcapBytes(order: order)
        let bytes = p.header(magic: ns ? 0xA1B2_3C4D : 0xA1B2_C3D4, snap: 4)
          + p.record(sec: 0xFFFF_FFFF, frac: 999, [1, 2, 3]) + p.record(sec: 7, frac: 1, [1, 2, 3, 4, 5], orig: 2)
        let r = readAll(bytes, maxReadSize: 5)
        #expect(r.error == nil)
        #expect(r.blockNames == ["pcap-header", "pcap-header", "pcap-record", "pcap-record"])
        let pk = r.packets
        try #require(pk.count == 2)
        let unit: Int128 = ns ? 1 : 1000
        #expect(pk[0].timestamp.nanosecondsSinceEpoch == Int128(0xFFFF_FFFF) * 1_000_000_000 + 999 * unit)
        #expect(pk[0].data == [1, 2, 3] && !pk[0].exceedsSnapLength && pk[0].byteOrder == order)
        #expect(pk[1].data == [1, 2, 3, 4, 5] && pk[1].exceedsSnapLength && pk[1].capturedExceedsOriginal)
        #expect(pk[1].fileOffset == 24 + 16 + 3)
        guard case .interface(let i) = r.records[1] else { return }
        #expect(i.isSynthesized && i.snapLength == 4 && i.timestampResolution == (ns ? .nanoseconds : .microseconds))
      }
    }
  }

  @Test("the modified (Kuznetzov) format's 24-byte record headers")
  func modified() throws {
    let p = PcapBytes()
    let rec = p.ng.u32(5) + p.ng.u32(6) + p.ng.u32(2) + p.ng.u32(60) + [0, 0, 0, 3, 0, 8, 4, 0] + [0xAA, 0xBB]
    let r = readAll(p.header(magic: 0xA1B2_CD34) + rec)
    #expect(r.error == nil)
    let pk = try #require(r.packets.first)
    #expect(pk.data == [0xAA, 0xBB] && pk.originalLength == 60 && pk.rawRecord.count == 26)
    #expect(pk.timestamp.nanosecondsSinceEpoch == 5_000_006_000)
  }

  @Test("pcapng: IDB options, tsresol in both bases, signed tsoffset, EPB options and flags decoded")
  func pcapngOptions() throws {
    for order in [ByteOrder.little, .big] {
      let ng = NG(order: order)
      let idbOpts = ng.opt(2, Array("eth0".utf8)) + ng.opt(3, Array("uplink".utf8)) + ng.opt(4, [192, 168, 1, 1, 255, 255, 255, 0])
        + ng.opt(5, [UInt8](repeating: 0xFE, count: 16) + [64]) + ng.opt(6, [0, 1, 2, 3, 4, 5]) + ng.opt(8, ng.u64(1_000_000_000))
        + ng.opt(9, [0x80 | 20]) + ng.opt(11, [0] + Array("udp port 47808".utf8)) + ng.opt(12, Array("Linux".utf8))
        + ng.opt(13, [32]) + ng.opt(14, ng.u64(UInt64(bitPattern: -10))) + ng.opt(15, Array("NIC".utf8))
        + ng.opt(16, ng.u64(100)) + ng.opt(17, ng.u64(200)) + ng.opt(18, Array("Europe/Paris".utf8)) + ng.opt(0x8123, [1]) + ng.end
      let flags: UInt32 = 0x8100_0000 | (4 << 5) | (3 << 2) | 1 | (1 << 10)
      let epbOpts = ng.opt(1, Array("first".utf8)) + ng.opt(1, Array("second\0junk".utf8)) + ng.opt(2, ng.u32(flags))
        + ng.opt(3, [2, 0xDE, 0xAD, 0xBE, 0xEF]) + ng.opt(4, ng.u64(17)) + ng.opt(5, ng.u64(0xABCDEF)) + ng.opt(6, ng.u32(3))
        + ng.opt(7, [1] + ng.u64(9)) + ng.opt(8, ng.u32(100) + ng.u32(200)) + ng.opt(2989, ng.u32(32473) + [7]) + ng.end
      let bytes = ng.shb(ng.opt(2, Array("hw".utf8)) + ng.opt(3, Array("os".utf8)) + ng.opt(4, Array("app".utf8)) + ng.end)
        + ng.idb(link: 165, snap: 1500, idbOpts) + ng.epb(ts: 3 << 20, [0x55, 0xFF], orig: 9, epbOpts)
      let r = readAll(bytes)
      #expect(r.error == nil, "\(String(describing: r.error))")
      guard case .section(let s) = r.records[0], case .interface(let i) = r.records[1], case .packet(let p) = r.records[2] else {
        Issue.record("unexpected records \(r.blockNames)")
        return
      }
      #expect(s.byteOrder == order && s.sectionLength == -1 && s.hardware == "hw" && s.os == "os" && s.userApplication == "app")
      #expect(i.name == "eth0" && i.interfaceDescription == "uplink" && i.os == "Linux" && i.hardware == "NIC")
      #expect(i.ipv4Addresses.first.map { Array($0.address) + Array($0.netmask) } == [192, 168, 1, 1, 255, 255, 255, 0])
      #expect(i.ipv6Addresses.first?.prefixLength == 64 && i.macAddress.map(Array.init) == [0, 1, 2, 3, 4, 5])
      #expect(i.speed == 1_000_000_000 && i.txSpeed == 100 && i.rxSpeed == 200 && i.ianaTimeZoneName == "Europe/Paris")
      #expect(i.timestampResolution == .binary(20) && i.timestampOffset == -10 && i.fcsLengthBits == 32)
      #expect(i.filterString == "udp port 47808" && i.linkType == .bacnetMSTP && i.snapLength == 1500)
      #expect(i.options.first(OptionCode(rawValue: 0x8123))?.value == [1])
      // 3·2^20 units of 2^-20 s = 3 s, minus 10 s of offset.
      #expect(p.timestamp == CaptureTimestamp(seconds: -7, nanoseconds: 0))
      #expect(p.comments == ["first", "second"] && p.data == [0x55, 0xFF] && p.originalLength == 9)
      let f = try #require(p.flags)
      #expect(f.direction == .inbound && f.receptionType == .broadcast && f.fcsLength == 4 && f.checksumValid)
      #expect(!f.checksumNotReady && f.linkLayerErrors == [.crc, .symbol])
      #expect(p.hashes.first?.algorithm == 2 && p.hashes.first.map { Array($0.digest) } == [0xDE, 0xAD, 0xBE, 0xEF])
      #expect(p.dropCount == 17 && p.packetID == 0xABCDEF && p.queue == 3)
      #expect(p.verdicts.first?.type == 1 && p.processAndThreadID?.processID == 100 && p.processAndThreadID?.threadID == 200)
      #expect(p.options.first(.customBinaryCopyable)?.value.count == 5)
    }
  }

  @Test("SPB caplen is min(origlen, snaplen, block); obsolete Packet Block; ISB, NRB, DSB, custom and unknown blocks")
  func otherBlocks() throws {
    let ng = NG()
    let bytes = ng.shb() + ng.idb(snap: 4, ng.opt(9, [3]) + ng.end)
      + ng.spb(orig: 6, [1, 2, 3, 4, 5, 6]) + ng.spb(orig: 3, [1, 2, 3])
      + ng.block(2, ng.u16(0) + ng.u16(5) + ng.u32(0) + ng.u32(2500) + ng.u32(2) + ng.u32(2) + ng.padded([7, 8]) + ng.opt(2, ng.u32(2)) + ng.end)
      + ng.block(5, ng.u32(0) + ng.u32(0) + ng.u32(4000) + ng.opt(2, ng.u32(0) + ng.u32(1000)) + ng.opt(3, ng.u32(0) + ng.u32(3000)) + ng.opt(4, ng.u64(10))
                 + ng.opt(5, ng.u64(1)) + ng.opt(6, ng.u64(9)) + ng.opt(7, ng.u64(2)) + ng.opt(8, ng.u64(7)) + ng.end)
      + ng.block(4, ng.u16(1) + ng.u16(9) + ng.padded([10, 0, 0, 1] + Array("a\0bb\0".utf8)) + ng.u16(99) + ng.u16(1)
                 + ng.padded([5]) + ng.u32(0) + ng.opt(2, Array("dns".utf8)) + ng.end)
      + ng.block(10, ng.u32(0x544C_534B) + ng.u32(3) + ng.padded([1, 2, 3]))
      + ng.block(0x4000_0BAD, ng.u32(32473) + [9, 9, 9, 9]) + ng.block(0x8000_0001, [1, 2, 3, 4])
    let r = readAll(bytes)
    #expect(r.error == nil, "\(String(describing: r.error))")
    #expect(r.blockNames == ["SHB", "IDB", "SPB", "SPB", "PB", "ISB", "NRB", "DSB", "DCB", "0x80000001"])
    let p = r.packets
    #expect(p[0].capturedLength == 4 && p[0].data == [1, 2, 3, 4] && !p[0].hasTimestamp && p[0].originalLength == 6)
    #expect(p[1].capturedLength == 3)
    #expect(p[2].blockType == .packet && p[2].dropCount == 5 && p[2].flags?.direction == .outbound)
    #expect(p[2].timestamp.nanosecondsSinceEpoch == 2_500_000_000 && p[2].data == [7, 8])
    guard case .statistics(let s) = r.records[5], case .nameResolution(let n) = r.records[6],
      case .decryptionSecrets(let d) = r.records[7], case .custom(let c) = r.records[8], case .other(let o) = r.records[9]
    else {
      Issue.record("unexpected records")
      return
    }
    #expect(s.timestamp.nanosecondsSinceEpoch == 4_000_000_000 && s.startTime?.nanosecondsSinceEpoch == 1_000_000_000)
    #expect(s.endTime?.nanosecondsSinceEpoch == 3_000_000_000 && s.interfaceReceived == 10 && s.interfaceDropped == 1)
    #expect(s.filterAccepted == 9 && s.osDropped == 2 && s.userDelivered == 7)
    #expect(n.records.count == 2 && n.records[0].names == ["a", "bb"] && Array(n.records[0].address) == [10, 0, 0, 1])
    #expect(n.records[1].type == 99 && n.records[1].names.isEmpty && n.dnsName == "dns")
    #expect(d.secretsType == 0x544C_534B && d.data == [1, 2, 3])
    #expect(!c.isCopyable && c.enterpriseNumber == 32473 && c.data == [9, 9, 9, 9])
    #expect(o.body == [1, 2, 3, 4] && o.type.isLocalUse)
  }

  @Test("sections switch byte order and reset interfaces; version 1.2 reads as 1.0")
  func sections() {
    let le = NG(order: .little), be = NG(order: .big)
    let bytes = le.shb() + le.idb(link: 1) + le.epb([1]) + be.shb(minor: 2) + be.idb(link: 165) + be.idb(link: 0)
      + be.epb(iface: 1, [2]) + be.epb(iface: 0, [3])
    var reader = try? CaptureReader(bytes: bytes)
    var seen: [(Int, LinkType, ByteOrder, Int)] = []
    while let p = try? reader?.nextPacket() { seen.append((p.interfaceID, p.linkType, p.byteOrder, p.sectionIndex)) }
    #expect(seen.map(\.1) == [.ethernet, .null, .bacnetMSTP])
    #expect(seen.map(\.2) == [.little, .big, .big] && seen.map(\.3) == [0, 1, 1])
    #expect(reader?.sectionCount == 2 && reader?.interfaces.count == 2 && reader?.isFinished == true)
  }

  @Test("gzip by magic (single and concatenated members), from a file and through a pipe-like source")
  func gzip() throws {
    let p = PcapBytes()
    let capture = p.header() + p.record(sec: 1, frac: 2, [1, 2, 3]) + p.record(sec: 3, frac: 4, Array(repeating: 7, count: 3000))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcapkit-gz-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let plain = dir.appendingPathComponent("c.bin")
    try Data(capture).write(to: plain)
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
    gzip.arguments = ["-k", plain.path]
    guard (try? gzip.run()) != nil else { return }
    gzip.waitUntilExit()
    let gz = try [UInt8](Data(contentsOf: plain.appendingPathExtension("gz")))
    for m in [0, 1, 11, 4096] {
      var reader = try CaptureReader(source: MemorySource(gz, maxReadSize: m))
      #expect(reader.isCompressed)
      var sizes: [Int] = []
      while let pk = try reader.nextPacket() { sizes.append(pk.data.count) }
      #expect(sizes == [3, 3000])
    }
    // Concatenated members form one stream (as gzip -d does): a second capture body appended after the first.
    let tail = Array(capture.dropFirst(24))
    let gzip2 = Process()
    gzip2.executableURL = URL(fileURLWithPath: "/bin/gzip")
    let tailURL = dir.appendingPathComponent("t.bin")
    try Data(tail).write(to: tailURL)
    gzip2.arguments = ["-k", tailURL.path]
    try gzip2.run()
    gzip2.waitUntilExit()
    let both = gz + (try [UInt8](Data(contentsOf: tailURL.appendingPathExtension("gz"))))
    let joined = readAll(both, maxReadSize: 7)
    #expect(joined.error == nil && joined.packets.map(\.data.count) == [3, 3000, 3, 3000])
    var fromFile = try CaptureReader(path: plain.path + ".gz")
    #expect(try fromFile.nextPacket()?.data == [1, 2, 3])
    // Truncated gzip: every complete packet, then a truncation error.
    let cut = readAll(Array(gz.prefix(gz.count - 12)))
    #expect(cut.error?.code == .truncated && cut.packets.count == 1)
  }

  @Test("memory stays bounded: a 2 MiB packet grows the buffer, a lying 16 MiB length in a short file does not")
  func bounded() throws {
    let ng = NG()
    var options = ReaderOptions()
    options.defaultMaxCapturedLength = 4 << 20
    options.chunkSize = 64 << 10
    let big = [UInt8](repeating: 0x42, count: 2 << 20)
    var reader = try CaptureReader(source: MemorySource(ng.shb() + ng.idb() + ng.epb(big) + ng.epb([1])), options: options)
    #expect(try reader.nextPacket()?.data.count == 2 << 20)
    #expect(try reader.nextPacket()?.data == [1])
    #expect(reader.buf.count < 3 << 20)
    var liar = try CaptureReader(source: MemorySource(ng.shb() + ng.u32(6) + ng.u32(16 << 20) + [UInt8](repeating: 0, count: 100)))
    #expect(throws: CaptureError.self) { try liar.next() ; try liar.next() }
    #expect(liar.buf.count <= 64 << 10)
  }
}
