/// A pcapng Section Header Block (draft-ietf-opsawg-pcapng §4.1), or the file header of a classic pcap file.
///
/// ```
///  0                   1                   2                   3
///  +---------------------------------------------------------------+
///  |                   Block Type = 0x0A0D0D0A                     |
///  |                      Block Total Length                       |
///  |                      Byte-Order Magic (1A2B3C4D)              |
///  |          Major Version        |         Minor Version         |
///  |                          Section Length (i64)                 |
///  /                      Options (variable)                       /
///  |                      Block Total Length                       |
///  +---------------------------------------------------------------+
/// ```
public struct SectionHeader: Sendable {
  /// Byte order of this section (every block up to the next SHB).
  public var byteOrder: ByteOrder
  /// Major version (1 for pcapng, 2 for pcap).
  public var majorVersion: UInt16
  /// Minor version (0 or 2 for pcapng — 1.2 is read as 1.0; 4 for pcap).
  public var minorVersion: UInt16
  /// The section length in bytes, or -1 when unspecified (always -1 for classic pcap).
  public var sectionLength: Int64
  /// The SHB's options (empty for classic pcap).
  public var options: OptionList
  /// Zero-based index of this section in the file.
  public var index: Int
  /// For classic pcap, the file header's fields; nil for pcapng.
  public var pcapHeader: PcapFileHeader?
  /// The original block (or the 24-byte pcap file header).
  public var raw: RawBlock

  /// `shb_hardware`.
  public var hardware: String? { options.string(.shbHardware) }
  /// `shb_os`.
  public var os: String? { options.string(.shbOS) }
  /// `shb_userappl`.
  public var userApplication: String? { options.string(.shbUserApplication) }
  /// `opt_comment`s.
  public var comments: [String] { options.comments }
}

/// The fields of a classic pcap file header (draft-ietf-opsawg-pcap §4).
public struct PcapFileHeader: Hashable, Sendable {
  /// µs, ns, modified; byte order.
  public var format: CaptureFormat
  /// `thiszone` (reserved1; ignored by readers).
  public var thisZone: Int32
  /// `sigfigs` (reserved2; ignored).
  public var sigFigs: UInt32
  /// The snapshot length.
  public var snapLength: UInt32
  /// The whole link-type word, FCS bits included.
  public var linkTypeWord: UInt32
  /// The link type (low 16 bits).
  public var linkType: LinkType { LinkType(rawValue: UInt16(truncatingIfNeeded: linkTypeWord)) }
  /// FCS bytes at the end of each packet when the P bit is set (the 4-bit field counts 16-bit words); else nil.
  public var fcsLength: Int? {
    linkTypeWord & 0x0400_0000 != 0 ? Int((linkTypeWord >> 28) & 0xF) * 2 : nil
  }
}
