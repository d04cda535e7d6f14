/// An IP protocol number (IPv4 Protocol field, IPv6 Next Header), as assigned by IANA.
///
/// An open set: any 8-bit value is representable; well-known values are static members.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The protocol number.
  public var rawValue: UInt8

  /// Wraps a protocol number.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// IPv6 Hop-by-Hop Options (0).
  public static let hopByHop = IPProtocol(rawValue: 0)
  /// ICMP (1).
  public static let icmp = IPProtocol(rawValue: 1)
  /// TCP (6).
  public static let tcp = IPProtocol(rawValue: 6)
  /// UDP (17).
  public static let udp = IPProtocol(rawValue: 17)
  /// IPv6 Routing header (43).
  public static let routing = IPProtocol(rawValue: 43)
  /// IPv6 Fragment header (44).
  public static let fragment = IPProtocol(rawValue: 44)
  /// Authentication Header (51).
  public static let authentication = IPProtocol(rawValue: 51)
  /// ICMPv6 (58).
  public static let icmpv6 = IPProtocol(rawValue: 58)
  /// IPv6 No Next Header (59).
  public static let noNextHeader = IPProtocol(rawValue: 59)
  /// IPv6 Destination Options (60).
  public static let destinationOptions = IPProtocol(rawValue: 60)

  /// A short name for well-known values, else the number.
  public var description: String {
    switch self {
    case .icmp: "ICMP"
    case .tcp: "TCP"
    case .udp: "UDP"
    case .icmpv6: "ICMPv6"
    default: "IP protocol \(rawValue)"
    }
  }
}
