/// A link-layer header type (LINKTYPE_* value) as carried by a pcap file header or a pcapng
/// Interface Description Block.
///
/// An open set: any 16-bit value is representable, so an unknown link type read from a file is
/// written back unchanged. Well-known values are static members.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The LINKTYPE_* number.
  public var rawValue: UInt16

  /// Wraps a LINKTYPE_* number.
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// LINKTYPE_NULL (0): BSD loopback, a 4-byte address family in host byte order.
  public static let null = LinkType(rawValue: 0)
  /// LINKTYPE_ETHERNET (1): IEEE 802.3 / Ethernet II.
  public static let ethernet = LinkType(rawValue: 1)
  /// LINKTYPE_RAW (101): raw IPv4 or IPv6, version from the first nibble.
  public static let raw = LinkType(rawValue: 101)
  /// LINKTYPE_LOOP (108): OpenBSD loopback, address family in network byte order.
  public static let loop = LinkType(rawValue: 108)
  /// LINKTYPE_LINUX_SLL (113): Linux "cooked" capture v1.
  public static let linuxSLL = LinkType(rawValue: 113)
  /// LINKTYPE_BACNET_MS_TP (165): BACnet MS/TP frames, including the preamble.
  public static let bacnetMSTP = LinkType(rawValue: 165)
  /// LINKTYPE_IPV4 (228): raw IPv4.
  public static let ipv4 = LinkType(rawValue: 228)
  /// LINKTYPE_IPV6 (229): raw IPv6.
  public static let ipv6 = LinkType(rawValue: 229)
  /// LINKTYPE_LINUX_SLL2 (276): Linux "cooked" capture v2.
  public static let linuxSLL2 = LinkType(rawValue: 276)

  /// The LINKTYPE_ name for known values, else the number.
  public var description: String {
    switch self {
    case .null: "NULL"
    case .ethernet: "ETHERNET"
    case .raw: "RAW"
    case .loop: "LOOP"
    case .linuxSLL: "LINUX_SLL"
    case .bacnetMSTP: "BACNET_MS_TP"
    case .ipv4: "IPV4"
    case .ipv6: "IPV6"
    case .linuxSLL2: "LINUX_SLL2"
    default: "LINKTYPE_\(rawValue)"
    }
  }
}
