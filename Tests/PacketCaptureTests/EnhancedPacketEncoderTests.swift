import PcapKit
import Testing

@testable import PacketCapture

/// The spool's own EPB encoder (the live capture's per-frame path) writes exactly what PcapKit's `PcapNGWriter`
/// writes for the same frame, in both byte orders, with and without flags, for every padding, reusing a buffer
/// that held a longer block.
@Suite struct EnhancedPacketEncoderTests {
  @Test func sameBytesAsPcapNGWriter() throws {
    var buffer = [UInt8](repeating: 0xAA, count: 16)
    for order in [ByteOrder.little, .big] {
      for length in [0, 1, 2, 3, 4, 5, 60, 61, 62, 63, 1514, 9000, 70_000] {
        for flags: UInt32? in [nil, 1 | 3 << 2, 2, 0xDEAD_BEEF] {
          let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
          let ns: UInt64 = 1_764_777_600_123_456_789 &+ UInt64(length)
          let interface = length % 3
          var writer = PcapNGWriter(sink: MemorySink(), byteOrder: order)
          for _ in 0...interface {
            _ = try writer.writeInterfaceDescription(linkType: .ethernet, resolution: .nanoseconds)
          }
          writer.sink.bytes = []
          var options: [PcapNGOption] = []
          if let flags {
            let le = [UInt8(flags & 0xFF), UInt8(flags >> 8 & 0xFF), UInt8(flags >> 16 & 0xFF), UInt8(flags >> 24)]
            options.append(PcapNGOption(code: .epbFlags, value: (order == .little ? le : le.reversed())[...]))
          }
          try writer.writeEnhancedPacket(
            interfaceID: interface, timestamp: CaptureTimestamp(nanosecondsSinceEpoch: Int128(ns)), data: data[...],
            originalLength: length + 100, options: options)
          let n = EnhancedPacketEncoder.encode(into: &buffer, interface: interface, nanoseconds: ns, data: data[...],
                                               originalLength: length + 100, flags: flags, order: order)
          #expect(Array(buffer[0..<n]) == writer.sink.bytes, "\(order) length \(length) flags \(String(describing: flags))")
          #expect(n == EnhancedPacketEncoder.blockLength(dataCount: length, hasFlags: flags != nil))
        }
      }
    }
  }

  @Test func timestampsOutsideSixtyFourBitNanosecondsAreNotEncodedHere() {
    #expect(CaptureTimestamp(nanosecondsSinceEpoch: -1).nanosecondsIfRepresentable == nil)
    #expect(CaptureTimestamp(nanosecondsSinceEpoch: Int128(UInt64.max) + 1).nanosecondsIfRepresentable == nil)
    #expect(CaptureTimestamp(seconds: 1, nanoseconds: 5).nanosecondsIfRepresentable == 1_000_000_005)
  }
}
