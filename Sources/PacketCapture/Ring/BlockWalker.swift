/// One packet of a TPACKET_V3 block, as the walker found it (offsets are within the block and already checked).
package struct RingPacket: Hashable, Sendable {
  /// Seconds and nanoseconds of the kernel timestamp.
  package var seconds: UInt32
  package var nanoseconds: UInt32
  /// Where the frame starts in the block, and how many bytes are there.
  package var dataOffset: Int
  package var capturedLength: Int
  /// `tp_len`: the frame's length on the wire (without a stripped VLAN tag).
  package var wireLength: Int
  /// `tp_status`.
  package var status: UInt32
  /// `tp_vlan_tci`, `tp_vlan_tpid`.
  package var vlanTCI: UInt16
  package var vlanTPID: UInt16
  /// `sll_pkttype` (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing), nil when out of the block.
  package var packetType: UInt8?

  /// True when the kernel removed a VLAN tag that must be put back (libpcap's test: the valid flag, or a
  /// non-zero TCI from kernels that do not set the flag).
  package var hasStrippedTag: Bool { status & TPacketLayout.statusVLANValid != 0 || vlanTCI != 0 }
  /// The stripped tag's TPID: `tp_vlan_tpid` when the kernel says it is valid, else 0x8100.
  package var tagProtocol: UInt16 { status & TPacketLayout.statusVLANTPIDValid != 0 ? vlanTPID : 0x8100 }
}

/// How a block walk ended.
package enum BlockWalkEnd: Hashable, Sendable {
  /// Every packet the block header announced was walked.
  case complete
  /// A header or offset pointed outside the block, or did not advance: the rest was skipped.
  case malformed
  /// The visitor asked to stop.
  case stopped
}

/// Walks the packets of one TPACKET_V3 block: `offset_to_first_pkt`, then `tp_next_offset` from packet to
/// packet, `num_pkts` of them.
///
/// Total on arbitrary bytes: every field is read only after checking that it lies inside the block, a packet's
/// data must lie inside the block, each step must move forward by at least a packet header, and the walk visits at
/// most `num_pkts` packets and at most one per 48 bytes — so it never reads outside the block and always ends.
package enum BlockWalker {
  /// Visits the packets of `block`; `visit` returns false to stop.
  /// - Returns: how the walk ended and how many packets were visited.
  package static func walk<M: BlockMemory>(_ block: M, _ visit: (RingPacket) -> Bool) -> (end: BlockWalkEnd, packets: Int) {
    let size = block.count
    guard size >= TPacketLayout.blockHeaderSize else { return (.malformed, 0) }
    let announced = Int(block.load32(TPacketLayout.numPackets))
    var offset = Int(block.load32(TPacketLayout.firstPacket))
    let most = min(announced, size / TPacketLayout.headerSize)
    var visited = 0
    while visited < most {
      guard offset >= TPacketLayout.blockHeaderSize, offset <= size - TPacketLayout.headerSize else {
        return (.malformed, visited)
      }
      let snap = Int(block.load32(offset + TPacketLayout.snapLength))
      let mac = Int(block.load16(offset + TPacketLayout.mac))
      let data = offset + mac
      guard mac >= TPacketLayout.headerSize, snap <= size - data else { return (.malformed, visited) }
      let packet = RingPacket(
        seconds: block.load32(offset + TPacketLayout.seconds),
        nanoseconds: block.load32(offset + TPacketLayout.nanoseconds),
        dataOffset: data, capturedLength: snap, wireLength: Int(block.load32(offset + TPacketLayout.length)),
        status: block.load32(offset + TPacketLayout.status),
        vlanTCI: UInt16(truncatingIfNeeded: block.load32(offset + TPacketLayout.vlanTCI)),
        vlanTPID: block.load16(offset + TPacketLayout.vlanTPID),
        packetType: offset + TPacketLayout.packetType < size ? block.load8(offset + TPacketLayout.packetType) : nil)
      visited += 1
      if !visit(packet) { return (.stopped, visited) }
      if visited == announced { break }
      let next = Int(block.load32(offset + TPacketLayout.nextOffset))
      guard next >= TPacketLayout.headerSize else { return (.malformed, visited) }
      offset += next
    }
    return (visited == announced ? .complete : .malformed, visited)
  }

  /// Copies a packet's frame into `buffer` (replacing its content), putting back a VLAN tag the kernel stripped
  /// (as libpcap does: the 4-byte tag goes after the two MAC addresses), and returns the frame's length on the
  /// wire. Frames shorter than the two MAC addresses are copied as they are.
  package static func frame<M: BlockMemory>(_ packet: RingPacket, in block: M, into buffer: inout [UInt8]) -> Int {
    let (count, wire) = copyFrame(packet, in: block, into: &buffer)
    buffer.removeLast(buffer.count - count)
    return wire
  }

  /// ``frame(_:in:into:)`` without resizing: the frame is copied to the start of `buffer`, which only grows when it
  /// is too small (the capture's per-packet path: no allocation, no clearing).
  /// - Returns: the bytes copied (`buffer[0..<count]` is the frame) and the frame's length on the wire.
  package static func copyFrame<M: BlockMemory>(_ packet: RingPacket, in block: M, into buffer: inout [UInt8])
    -> (count: Int, wire: Int)
  {
    let captured = packet.capturedLength
    if buffer.count < captured + 4 { buffer.append(contentsOf: repeatElement(0, count: captured + 4 - buffer.count)) }
    guard packet.hasStrippedTag, captured >= 12 else {
      block.copy(from: packet.dataOffset, count: captured, into: &buffer, at: 0)
      return (captured, packet.wireLength)
    }
    block.copy(from: packet.dataOffset, count: 12, into: &buffer, at: 0)
    let tpid = packet.tagProtocol, tci = packet.vlanTCI
    buffer[12] = UInt8(tpid >> 8)
    buffer[13] = UInt8(truncatingIfNeeded: tpid)
    buffer[14] = UInt8(tci >> 8)
    buffer[15] = UInt8(truncatingIfNeeded: tci)
    block.copy(from: packet.dataOffset + 12, count: captured - 12, into: &buffer, at: 16)
    return (captured + 4, packet.wireLength + 4)
  }
}
