import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// Every malformed case yields its documented error code and offset; nothing traps.
@Suite struct MalformedInputTests {
  let ng = NG()
  var prefix: [UInt8] { ng.shb() + ng.idb() }  // 28 + 20 = 48 bytes

  func expectError(_ bytes: [UInt8], _ code: CaptureError.Code, at offset: Int?, packets: Int = 0,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let r = readAll(bytes)
    #expect(r.error?.code == code, "got \(String(describing: r.error))", sourceLocation: sourceLocation)
    #expect(r.error?.offset == offset, "got \(String(describing: r.error))", sourceLocation: sourceLocation)
    #expect(r.packets.count == packets, sourceLocation: sourceLocation)
  }

  @Test("zero, too-short and oversized block lengths")
  func blockLengths() {
    expectError(prefix + ng.u32(6) + ng.u32(0) + ng.u32(0), .badBlockLength, at: 52)
    expectError(prefix + ng.u32(6) + ng.u32(8), .badBlockLength, at: 52)
    // An IDB of 16 bytes (too short for linktype/snaplen).
    expectError(ng.shb() + ng.block(1, ng.u32(1)), .badBlockLength, at: 32)
    // An EPB of 28 bytes.
    expectError(prefix + ng.block(6, [UInt8](repeating: 0, count: 16)), .badBlockLength, at: 52)
    // 0x7FFFFFFC: rejected before any allocation.
    expectError(prefix + ng.u32(6) + ng.u32(0x7FFF_FFFC) + [UInt8](repeating: 0, count: 40), .blockTooLarge, at: 52)
    // An SHB over the SHB cap (1 MiB).
    expectError(ng.u32(0x0A0D_0D0A) + ng.u32(2 << 20) + ng.u32(0x1A2B_3C4D) + [UInt8](repeating: 0, count: 20),
                .blockTooLarge, at: 4)
  }

  @Test("length not a multiple of 4: read with a diagnostic when the trailer agrees, else an error")
  func unalignedLength() {
    // An EPB with 3 data bytes whose length field says 32+3 = 35 (unpadded) and whose trailer says 36.
    var epb = ng.epb([1, 2, 3])
    epb.replaceSubrange(4..<8, with: ng.u32(35))
    let ok = readAll(prefix + epb)
    #expect(ok.error == nil)
    #expect(ok.packets.count == 1 && ok.packets.first?.data == [1, 2, 3])
    #expect(ok.warnings.first?.code == .badBlockLength && ok.warnings.first?.offset == 52)
    // Trailer says something else: error.
    var bad = epb
    bad.replaceSubrange((bad.count - 4)..<bad.count, with: ng.u32(40))
    expectError(prefix + bad, .badBlockLength, at: 52)
  }

  @Test("trailer mismatch")
  func trailer() {
    expectError(prefix + ng.block(6, ng.epb([9]).dropFirst(8).dropLast(4).map { $0 }, trailer: 99), .trailerMismatch,
                at: 48 + 32 - 4 + 4)
  }

  @Test("options overrunning their block (SHB, IDB, EPB, NRB records)")
  func optionOverrun() {
    // IDB option claiming 40 bytes in an 8-byte option area.
    expectError(ng.shb() + ng.idb(ng.u16(2) + ng.u16(40) + [0, 0, 0, 0]), .optionOverrun, at: 44)
    // EPB option overrun after 4 data bytes.
    expectError(prefix + ng.epb([1, 2, 3, 4], ng.u16(1) + ng.u16(9) + [0, 0, 0, 0]), .optionOverrun, at: 48 + 32)
    // Stray 2 bytes at the end of the option area cannot happen in a 4-aligned block; a NRB record overrun:
    expectError(prefix + ng.block(4, ng.u16(1) + ng.u16(200) + [10, 0, 0, 1]), .optionOverrun, at: 56)
    // SHB option overrun.
    expectError(ng.shb(ng.u16(3) + ng.u16(100)), .optionOverrun, at: 24)
  }

  @Test("captured length beyond the block, or beyond the link-type cap")
  func capturedLength() {
    expectError(prefix + ng.epb([1, 2, 3, 4], caplen: 5), .capturedLengthOverrun, at: 48 + 20)
    expectError(prefix + ng.epb([1, 2, 3, 4], caplen: 0xFFFF_FFFF), .capturedLengthOverrun, at: 48 + 20)
    var o = ReaderOptions()
    o.defaultMaxCapturedLength = 3
    let r = readAll(prefix + ng.epb([1, 2, 3, 4]), options: o)
    #expect(r.error?.code == .capturedLengthTooLarge && r.error?.offset == 68)
    // Classic pcap: caplen over 262144 (libpcap's limit).
    let p = PcapBytes()
    let bytes = p.header() + p.record(sec: 1, frac: 0, [1, 2, 3, 4], caplen: 300_000)
    let r2 = readAll(bytes)
    #expect(r2.error?.code == .capturedLengthTooLarge && r2.error?.offset == 32)
    // Decryption secrets length overrun.
    expectError(prefix + ng.block(10, ng.u32(0x544c_534b) + ng.u32(50) + [1, 2, 3, 4]), .capturedLengthOverrun, at: 60)
  }

  @Test("invalid if_tsresol is reported at the option", arguments: [UInt8(20), UInt8(0x80 | 64)])
  func tsresol(_ value: UInt8) {
    expectError(ng.shb() + ng.idb(ng.opt(9, [value]) + ng.end), .badTimestampResolution, at: 44)
  }

  @Test("an EPB, ISB or SPB naming an undefined interface")
  func unknownInterface() {
    expectError(prefix + ng.epb(iface: 1, [1]), .unknownInterface, at: 56)
    expectError(prefix + ng.block(5, ng.u32(3) + ng.u32(0) + ng.u32(0)), .unknownInterface, at: 56)
    expectError(ng.shb() + ng.spb(orig: 1, [1]), .unknownInterface, at: 28)
    // Interfaces do not carry over into a new section.
    expectError(prefix + ng.shb() + ng.epb(iface: 0, [1]), .unknownInterface, at: 76 + 8)
  }

  @Test("bad byte-order magic, unsupported versions, bad magic, empty input")
  func headers() {
    var shb = ng.shb()
    shb.replaceSubrange(8..<12, with: [1, 2, 3, 4])
    expectError(shb, .badByteOrderMagic, at: 8)
    expectError(ng.shb(major: 2), .unsupportedVersion, at: 12)
    expectError(ng.shb(minor: 1), .unsupportedVersion, at: 12)
    let p = PcapBytes()
    expectError(p.header(major: 3), .unsupportedVersion, at: 4)
    expectError([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], .badMagic, at: 0)
    expectError([], .truncated, at: 0)
    expectError([0xD4, 0xC3], .truncated, at: 0)
    // gzip header naming compression method 7 (only 8, deflate, exists).
    expectError([0x1F, 0x8B, 0x07, 0x00] + [UInt8](repeating: 0, count: 20), .badCompressedData, at: 0)
  }

  @Test("reserved bits of the pcap link-type word; FCS bits decoded")
  func linkTypeWord() {
    let p = PcapBytes()
    expectError(p.header(linkWord: 0x0001_0001), .reservedLinkTypeBits, at: 20)
    expectError(p.header(linkWord: 0x0800_0001), .reservedLinkTypeBits, at: 20)
    let r = readAll(p.header(linkWord: 0x2400_0001) + p.record(sec: 0, frac: 0, [1, 2, 3, 4, 5, 6]))
    #expect(r.error == nil)
    guard case .section(let s) = r.records[0], case .interface(let i) = r.records[1] else {
      Issue.record("expected section then interface")
      return
    }
    #expect(s.pcapHeader?.fcsLength == 4)
    #expect(i.fcsLengthBits == 32 && i.linkType == .ethernet)
  }

  @Test("a truncated file yields every complete packet, then a truncation error at the incomplete record")
  func truncated() {
    let p = PcapBytes()
    let full = p.header() + p.record(sec: 1, frac: 0, [1, 2, 3]) + p.record(sec: 2, frac: 0, [4, 5, 6, 7])
    expectError(Array(full.dropLast(1)), .truncated, at: 43, packets: 1)
    expectError(Array(full.prefix(50)), .truncated, at: 43, packets: 1)
    expectError(Array(full.prefix(30)), .truncated, at: 24, packets: 0)
    expectError(Array(full.prefix(20)), .truncated, at: 0, packets: 0)
    let g = prefix + ng.epb([1]) + ng.epb([2])
    expectError(Array(g.dropLast(1)), .truncated, at: 48 + 36, packets: 1)
    expectError(Array(g.dropLast(33)), .truncated, at: 48 + 36, packets: 1)
  }

  /// Small captures to cut at every offset: hand-made ones in both byte orders, plus the small shared files.
  static var cutInputs: [(String, [UInt8])] {
    var out: [(String, [UInt8])] = []
    for order in [ByteOrder.little, .big] {
      let ng = NG(order: order)
      let opts = ng.opt(1, Array("comment".utf8)) + ng.opt(2, ng.u32(0x21)) + ng.end
      let g = ng.shb(ng.opt(4, Array("app".utf8)) + ng.end)
        + ng.idb(snap: 64, ng.opt(2, Array("eth0".utf8)) + ng.opt(9, [0x89]) + ng.opt(14, ng.u64(UInt64(bitPattern: -3))) + ng.end)
        + ng.epb(ts: 0x1_0000_0001, [1, 2, 3, 4, 5], opts) + ng.spb(orig: 9, [1, 2, 3, 4, 5, 6, 7, 8, 9])
        + ng.block(4, ng.u16(1) + ng.u16(9) + ng.padded([10, 0, 0, 1] + Array("host".utf8) + [0]) + ng.u32(0))
        + ng.block(5, ng.u32(0) + ng.u64(5) + ng.opt(4, ng.u64(10)) + ng.end)
        + ng.block(0xBAD, ng.u32(32473) + [1, 2, 3, 4]) + ng.block(0x8000_0001, [9, 9, 9, 9])
        + ng.block(2, ng.u16(0) + ng.u16(3) + ng.u64(7) + ng.u32(2) + ng.u32(2) + ng.padded([7, 7]))
      out.append(("pcapng-\(order)", g))
      let p = PcapBytes(order: order)
      out.append(("pcap-\(order)", p.header(magic: 0xA1B2_3C4D) + p.record(sec: 1, frac: 5, [1, 2, 3]) + p.record(sec: 2, frac: 0, [])
        + p.record(sec: 3, frac: 1, [9, 9, 9, 9, 9])))
    }
    for url in sharedFiles("formats") + sharedFiles("conformance", suffixes: [".pcapng"]) {
      if let b = try? fileBytes(url), b.count <= 4096 { out.append((url.lastPathComponent, b)) }
    }
    return out
  }

  @Test("cutting a capture at every offset gives a clean error (never a trap) and every packet before the cut")
  func everyOffset() throws {
    for (name, bytes) in Self.cutInputs {
      let whole = readAll(bytes)
      guard whole.error == nil else { continue }
      let ends = whole.records.map { $0.raw.fileOffset + $0.raw.bytes.count }
      for cut in 0..<bytes.count {
        let r = readAll(Array(bytes[0..<cut]), maxReadSize: cut % 8 == 0 ? 7 : 0)
        if ends.contains(cut) && cut > 0 {
          #expect(r.error == nil, "\(name) cut at \(cut): \(String(describing: r.error))")
        } else {
          #expect(r.error?.code == .truncated, "\(name) cut at \(cut): \(String(describing: r.error))")
          // The error points at the start of the first incomplete record.
          let expected = whole.records.first { $0.raw.fileOffset + $0.raw.bytes.count > cut }?.raw.fileOffset ?? 0
          let synthetic = whole.records.count > 1 && whole.records[1].raw.type == .pcapFileHeader
          if !synthetic || cut >= 24 { #expect(r.error?.offset == expected, "\(name) cut at \(cut)") }
        }
        #expect(r.packets.count == whole.packets.filter { $0.fileOffset + $0.rawRecord.count <= cut }.count,
                "\(name) cut at \(cut)")
      }
    }
  }

  @Test("random byte mutations never trap, hang or over-allocate (count: PCAPKIT_MUTATIONS, default 1500)")
  func mutations() {
    let count = Int(ProcessInfo.processInfo.environment["PCAPKIT_MUTATIONS"] ?? "") ?? 1500
    var rng = SystemRandomNumberGenerator()
    let inputs = Self.cutInputs.filter { $0.1.count > 24 }
    var errors = 0
    for k in 0..<count {
      var b = inputs[k % inputs.count].1
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let i = Int.random(in: 0..<b.count, using: &rng)
        b[i] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : [0, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
      }
      if readAll(b, maxReadSize: 13).error != nil { errors += 1 }
    }
    #expect(errors > 0)
  }
}
