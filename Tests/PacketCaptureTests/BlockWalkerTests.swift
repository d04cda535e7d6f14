import CPacketCapture
import Testing

@testable import PacketCapture

/// TPACKET_V3 blocks built by hand: the walk, VLAN re-insertion, and hostile blocks.
@Suite struct BlockWalkerTests {
  /// Writes a native-endian integer into `b` at `offset`.
  static func put32(_ b: inout [UInt8], _ offset: Int, _ v: UInt32) {
    let n = ByteOrderProbe.littleHost ? v : v.byteSwapped
    for i in 0..<4 { b[offset + i] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(i))) }
  }
  static func put16(_ b: inout [UInt8], _ offset: Int, _ v: UInt16) {
    let n = ByteOrderProbe.littleHost ? v : v.byteSwapped
    b[offset] = UInt8(truncatingIfNeeded: n)
    b[offset + 1] = UInt8(truncatingIfNeeded: n >> 8)
  }

  struct Spec {
    var data: [UInt8]
    var status: UInt32 = 1
    var tci: UInt32 = 0
    var tpid: UInt16 = 0
    var packetType: UInt8 = 0
  }

  /// A block of `size` bytes holding `packets`, laid out as the kernel does (header, sockaddr_ll, data at tp_mac).
  static func block(_ packets: [Spec], size: Int = 4096) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: size)
    put32(&b, 0, 3)
    put32(&b, 8, 1)  // TP_STATUS_USER
    put32(&b, 12, UInt32(packets.count))
    put32(&b, 16, 48)
    var offset = 48
    for (i, p) in packets.enumerated() {
      let mac = 80
      let next = (mac + p.data.count + 15) & ~15
      put32(&b, offset + 0, i == packets.count - 1 ? 0 : UInt32(next))
      put32(&b, offset + 4, 1_700_000_000 + UInt32(i))
      put32(&b, offset + 8, 123_456_789)
      put32(&b, offset + 12, UInt32(p.data.count))
      put32(&b, offset + 16, UInt32(p.data.count))
      put32(&b, offset + 20, p.status)
      put16(&b, offset + 24, UInt16(mac))
      put32(&b, offset + 32, p.tci)
      put16(&b, offset + 36, p.tpid)
      b[offset + 58] = p.packetType
      b.replaceSubrange((offset + mac)..<(offset + mac + p.data.count), with: p.data)
      offset += next
    }
    put32(&b, 20, UInt32(offset))
    return b
  }

  static let frame: [UInt8] = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0x08, 0x00] + [UInt8](repeating: 0x45, count: 30)

  @Test func layoutMatchesTheKernelHeaders() {
    #expect(TPacketLayout.blockStatus == CPC_OFFSET_BLOCK_STATUS)
    #expect(TPacketLayout.numPackets == CPC_OFFSET_NUM_PKTS)
    #expect(TPacketLayout.firstPacket == CPC_OFFSET_FIRST_PKT)
    #expect(TPacketLayout.blockLength == CPC_OFFSET_BLK_LEN)
    #expect(TPacketLayout.nextOffset == CPC_OFFSET_TP_NEXT)
    #expect(TPacketLayout.seconds == CPC_OFFSET_TP_SEC)
    #expect(TPacketLayout.nanoseconds == CPC_OFFSET_TP_NSEC)
    #expect(TPacketLayout.snapLength == CPC_OFFSET_TP_SNAPLEN)
    #expect(TPacketLayout.length == CPC_OFFSET_TP_LEN)
    #expect(TPacketLayout.status == CPC_OFFSET_TP_STATUS)
    #expect(TPacketLayout.mac == CPC_OFFSET_TP_MAC)
    #expect(TPacketLayout.vlanTCI == CPC_OFFSET_TP_VLAN_TCI)
    #expect(TPacketLayout.vlanTPID == CPC_OFFSET_TP_VLAN_TPID)
    #expect(TPacketLayout.packetType == CPC_OFFSET_SLL_PKTTYPE)
    #expect(TPacketLayout.headerSize == CPC_TPACKET3_HDRLEN - 20)  // TPACKET3_HDRLEN includes sockaddr_ll
    #expect(TPacketLayout.statusUser == CPC_TP_STATUS_USER)
    #expect(TPacketLayout.statusVLANValid == CPC_TP_STATUS_VLAN_VALID)
    #expect(TPacketLayout.statusVLANTPIDValid == CPC_TP_STATUS_VLAN_TPID_VALID)
  }

  @Test func walksPacketsAndReinsertsTags() {
    let b = Self.block([
      Spec(data: Self.frame),
      Spec(data: Self.frame, status: 1 | 1 << 4 | 1 << 6, tci: 0xA064, tpid: 0x88a8, packetType: 4),
      Spec(data: Self.frame, status: 1, tci: 0x0005),  // TCI without the valid flag (older kernels): 0x8100
      Spec(data: Self.frame, status: 1 | 1 << 4, tci: 0),  // valid flag with TCI 0 (priority tag)
      Spec(data: Array(Self.frame.prefix(10)), status: 1 | 1 << 4, tci: 7),  // too short to tag: as is
    ])
    var frames: [[UInt8]] = []
    var lengths: [Int] = []
    var packets: [RingPacket] = []
    var buffer: [UInt8] = []
    let block = ByteBlock(b[...])
    let result = BlockWalker.walk(block) { p in
      lengths.append(BlockWalker.frame(p, in: block, into: &buffer))
      frames.append(buffer)
      packets.append(p)
      return true
    }
    #expect(result.end == .complete && result.packets == 5)
    let head = Array(Self.frame.prefix(12)), tail = Array(Self.frame.dropFirst(12))
    #expect(frames[0] == Self.frame)
    #expect(frames[1] == head + [0x88, 0xa8, 0xA0, 0x64] + tail)
    #expect(frames[2] == head + [0x81, 0x00, 0x00, 0x05] + tail)
    #expect(frames[3] == head + [0x81, 0x00, 0x00, 0x00] + tail)
    #expect(frames[4] == Array(Self.frame.prefix(10)))
    #expect(lengths == [44, 48, 48, 48, 10])
    #expect(packets[1].packetType == 4 && packets[0].seconds == 1_700_000_000 && packets[2].nanoseconds == 123_456_789)
    #expect(AFPacketSource.flags(4).rawValue & 3 == 2 && AFPacketSource.flags(0).rawValue & 3 == 1)
  }

  @Test func hostileBlocksEndTheWalk() {
    var b = Self.block([Spec(data: Self.frame), Spec(data: Self.frame)])
    var stuck = b
    Self.put32(&stuck, 12, 1_000_000)  // announces a million packets
    Self.put32(&stuck, 48, 0)  // and the first does not advance
    var n = BlockWalker.walk(ByteBlock(stuck[...])) { _ in true }
    #expect(n.end == .malformed && n.packets == 1)
    var outside = b
    Self.put32(&outside, 48 + 12, 5000)  // snap length past the block
    n = BlockWalker.walk(ByteBlock(outside[...])) { _ in true }
    #expect(n.end == .malformed && n.packets == 0)
    Self.put32(&b, 16, 4090)  // first packet header would cross the end
    n = BlockWalker.walk(ByteBlock(b[...])) { _ in true }
    #expect(n.end == .malformed && n.packets == 0)
    n = BlockWalker.walk(ByteBlock([UInt8](repeating: 0xff, count: 20)[...])) { _ in true }
    #expect(n.end == .malformed)
    // Random blocks: the walk ends within the bound and every frame lies inside the block.
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      var r = (0..<Int.random(in: 0...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
      if r.count >= 24, Bool.random(using: &rng) { Self.put32(&r, 16, 48) }
      let block = ByteBlock(r[...])
      var buffer: [UInt8] = []
      let w = BlockWalker.walk(block) { p in
        #expect(p.dataOffset + p.capturedLength <= r.count)
        _ = BlockWalker.frame(p, in: block, into: &buffer)
        return true
      }
      #expect(w.packets <= max(r.count / 48, 0))
    }
  }
}
