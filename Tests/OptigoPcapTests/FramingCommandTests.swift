import Foundation
import Testing

/// A pcapng block whose total length is not a multiple of 4 and whose trailer does not agree even after rounding
/// is damage on the command line too: the packets before it are delivered, the command exits 65 naming the offset
/// of the length field, and `repair` skips exactly that block and keeps the packets on both sides.
@Suite("pcapng framing damage")
struct FramingCommandTests {
  /// SHB, IDB (Ethernet), a 20-byte packet, a packet block claiming 35 bytes with a trailer of 40, a 20-byte packet.
  static func capture() -> [UInt8] {
    func u32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
    func block(_ type: Int, _ body: [UInt8], length: Int? = nil, trailer: Int? = nil) -> [UInt8] {
      let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
      let total = 12 + padded.count
      return u32(type) + u32(length ?? total) + padded + u32(trailer ?? total)
    }
    let shb = block(0x0A0D_0D0A, u32(0x1A2B_3C4D) + [1, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8))
    let idb = block(1, [1, 0, 0, 0] + u32(65535))
    func epb(_ data: [UInt8], length: Int? = nil, trailer: Int? = nil) -> [UInt8] {
      block(6, u32(0) + u32(0) + u32(1) + u32(data.count) + u32(data.count) + data, length: length, trailer: trailer)
    }
    return shb + idb + epb([UInt8](repeating: 1, count: 20)) + epb([2, 3, 4], length: 35, trailer: 40)
      + epb([UInt8](repeating: 5, count: 20))
  }

  @Test("info and list exit 65 at the length field's offset after the packet before it; repair keeps both others",
        .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"))
  func unalignedLength() throws {
    let binary = try #require(optigoPcap)
    let dir = try FilterMergeSupport.scratch("framing")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.pcapng"), output = dir.appendingPathComponent("out.pcapng")
    try Data(Self.capture()).write(to: input)
    let list = try run(binary, ["list", input.path])
    #expect(list.status == 65 && list.stdout.split(separator: "\n").count == 1)
    #expect(list.stderr.contains("bad-block-length at byte 104"), "\(list.stderr)")
    let info = try run(binary, ["info", input.path])
    #expect(info.status == 65 && info.stderr.contains("at byte 104"))
    let repair = try run(binary, ["repair", input.path, "-w", output.path])
    #expect(repair.status == 65 && repair.stderr.contains("2 packets kept") && repair.stderr.contains("skipped 36 bytes at 100"), "\(repair.stderr)")
    let kept = try FilterMergeSupport.packets(output.path)
    #expect(kept.map(\.data) == [[UInt8](repeating: 1, count: 20), [UInt8](repeating: 5, count: 20)])
  }
}
