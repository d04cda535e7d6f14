/// The container format of a capture, as detected from its first bytes.
///
/// Detection is by magic number, never by file name: see ``detect(_:)``. Whether the bytes were gzip-compressed is
/// reported separately by ``CaptureReader/isCompressed``, since both formats may be compressed.
public enum CaptureFormat: Hashable, Sendable, CustomStringConvertible {
  /// Classic libpcap format.
  /// - nanosecond: the `A1B23C4D` magic (timestamps in ns) rather than `A1B2C3D4` (µs).
  /// - byteOrder: the byte order of the header and record headers.
  /// - modified: Alexey Kuznetzov's "modified" format (`A1B2CD34`), whose record headers carry 8 extra bytes
  ///   (ifindex, protocol, packet type, pad).
  case pcap(nanosecond: Bool, byteOrder: ByteOrder, modified: Bool)
  /// pcapng; each section carries its own byte order (see ``SectionHeader/byteOrder``).
  case pcapng

  /// The format named by the first four bytes of a (decompressed) capture, or `nil` if they match none.
  ///
  /// - Parameter magic: at least the first 4 bytes of the file.
  /// - Returns: the format; a pcapng file is recognised by its Section Header Block type `0A0D0D0A`.
  public static func detect(_ magic: some Collection<UInt8>) -> CaptureFormat? {
    guard magic.count >= 4 else { return nil }
    var it = magic.makeIterator()
    let b = (it.next()!, it.next()!, it.next()!, it.next()!)
    let be = UInt32(b.0) << 24 | UInt32(b.1) << 16 | UInt32(b.2) << 8 | UInt32(b.3)
    let le = be.byteSwapped
    switch (be, le) {
    case (0x0A0D_0D0A, _): return .pcapng
    case (0xA1B2_C3D4, _): return .pcap(nanosecond: false, byteOrder: .big, modified: false)
    case (_, 0xA1B2_C3D4): return .pcap(nanosecond: false, byteOrder: .little, modified: false)
    case (0xA1B2_3C4D, _): return .pcap(nanosecond: true, byteOrder: .big, modified: false)
    case (_, 0xA1B2_3C4D): return .pcap(nanosecond: true, byteOrder: .little, modified: false)
    case (0xA1B2_CD34, _): return .pcap(nanosecond: false, byteOrder: .big, modified: true)
    case (_, 0xA1B2_CD34): return .pcap(nanosecond: false, byteOrder: .little, modified: true)
    default: return nil
    }
  }

  /// True when the first two bytes are the gzip magic `1F 8B`.
  public static func isGzip(_ magic: some Collection<UInt8>) -> Bool {
    var it = magic.makeIterator()
    return it.next() == 0x1F && it.next() == 0x8B
  }

  /// A capinfos-like name: `"pcap"`, `"pcap (nanosecond)"`, `"pcap (modified)"`, `"pcapng"`.
  public var description: String {
    switch self {
    case .pcapng: "pcapng"
    case .pcap(let ns, _, let modified): modified ? "pcap (modified)" : ns ? "pcap (nanosecond)" : "pcap"
    }
  }
}
