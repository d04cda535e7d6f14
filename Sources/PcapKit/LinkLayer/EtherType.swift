/// An EtherType (IEEE 802 protocol number) as carried by Ethernet II, 802.1Q tags, SNAP and Linux cooked headers.
///
/// An open set: any 16-bit value is representable; well-known values are static members.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 16-bit protocol number.
  public var rawValue: UInt16

  /// Wraps a protocol number.
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// Internet Protocol version 4 (0x0800).
  public static let ipv4 = EtherType(rawValue: 0x0800)
  /// Address Resolution Protocol (0x0806).
  public static let arp = EtherType(rawValue: 0x0806)
  /// IEEE 802.1Q customer VLAN tag (0x8100).
  public static let vlan = EtherType(rawValue: 0x8100)
  /// IEEE 802.1ad service VLAN tag, "QinQ" outer tag (0x88A8).
  public static let serviceVLAN = EtherType(rawValue: 0x88A8)
  /// Pre-standard QinQ outer tag used by some switches (0x9100).
  public static let legacyQinQ = EtherType(rawValue: 0x9100)
  /// Pre-standard QinQ outer tag used by some switches (0x9200).
  public static let legacyQinQ2 = EtherType(rawValue: 0x9200)
  /// Internet Protocol version 6 (0x86DD).
  public static let ipv6 = EtherType(rawValue: 0x86DD)

  /// True for the tag protocol identifiers this walk treats as a VLAN tag (802.1Q, 802.1ad, 0x9100, 0x9200).
  public var isVLANTag: Bool {
    self == .vlan || self == .serviceVLAN || self == .legacyQinQ || self == .legacyQinQ2
  }

  /// A short name for well-known values, else `0x` and four hex digits.
  public var description: String {
    switch self {
    case .ipv4: "IPv4"
    case .arp: "ARP"
    case .vlan: "802.1Q"
    case .serviceVLAN: "802.1ad"
    case .ipv6: "IPv6"
    default: "0x" + hex4(rawValue)
    }
  }
}

/// Four lower-case hex digits.
func hex4(_ v: UInt16) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: 4 - s.count) + s
}
