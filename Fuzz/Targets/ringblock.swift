// libFuzzer target: the TPACKET_V3 block walker and VLAN re-insertion of live capture (PacketCapture/Ring).
//
// Input layout: the bytes of one ring block (header, then packets linked by tp_next_offset), as the kernel hands it
// to user space; byte 0 bit 0 set makes the header plausible (offset_to_first_pkt = 48) so more inputs go deep.
// The walk must never read outside the block (ByteBlock traps on any out-of-bounds access), must end (at most
// num_pkts packets, at most one per 48 bytes), every frame must lie inside the block, and a re-inserted tag must sit
// after the MAC addresses with the TPID and TCI the header gave.
import PacketCapture

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let flags = input.first else { return 0 }
  var block = Array(input.dropFirst())
  if flags & 1 != 0 && block.count >= 20 {
    block[16] = 48; block[17] = 0; block[18] = 0; block[19] = 0
  }
  // A non-zero start index, as a view into a larger buffer.
  let padded = [UInt8](repeating: 0xEE, count: 5) + block
  let memory = ByteBlock(padded[5...])
  var buffer: [UInt8] = []
  var visited = 0
  let result = BlockWalker.walk(memory) { packet in
    visited += 1
    precondition(packet.dataOffset >= 0 && packet.dataOffset + packet.capturedLength <= block.count,
                 "frame \(packet.dataOffset)+\(packet.capturedLength) outside a block of \(block.count)")
    let wire = BlockWalker.frame(packet, in: memory, into: &buffer)
    let tagged = packet.hasStrippedTag && packet.capturedLength >= 12
    precondition(buffer.count == packet.capturedLength + (tagged ? 4 : 0))
    precondition(wire == packet.wireLength + (tagged ? 4 : 0))
    if tagged {
      precondition(buffer[12] == UInt8(packet.tagProtocol >> 8) && buffer[13] == UInt8(packet.tagProtocol & 0xff))
      precondition(buffer[14] == UInt8(packet.vlanTCI >> 8) && buffer[15] == UInt8(packet.vlanTCI & 0xff))
      precondition(Array(buffer[0..<12]) == Array(block[packet.dataOffset..<(packet.dataOffset + 12)]))
    } else {
      precondition(buffer[...] == block[packet.dataOffset..<(packet.dataOffset + packet.capturedLength)])
    }
    return true
  }
  precondition(result.packets == visited && visited <= block.count / 48)
  return 0
}
