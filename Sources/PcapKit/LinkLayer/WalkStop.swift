/// Why a ``PacketLayers`` walk stopped where it did.
///
/// An open set of reasons. ``complete`` means the walk reached the innermost layer it decodes for this frame
/// (a UDP or TCP payload, an LLC payload, an MS/TP frame); every other value names the obstacle, and
/// ``PacketLayers/stopIndex`` says at which byte it was met.
public struct WalkStop: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// A small number identifying the reason.
  public var rawValue: UInt8

  /// Wraps a reason number.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Every layer the walk knows was decoded.
  public static let complete = WalkStop(rawValue: 0)
  /// The captured bytes ended inside a header.
  public static let truncated = WalkStop(rawValue: 1)
  /// The capture's link type is not one this walk decodes.
  public static let unsupportedLinkType = WalkStop(rawValue: 2)
  /// The frame carries a network protocol other than IPv4/IPv6 (ARP, IPX, …); ``PacketLayers/etherType`` names it.
  public static let unsupportedNetwork = WalkStop(rawValue: 3)
  /// The IP payload is neither UDP nor TCP (ICMP, …); ``PacketLayers/ipProtocol`` names it.
  public static let unsupportedTransport = WalkStop(rawValue: 4)
  /// A header field is impossible (IP version mismatch, header length below minimum, UDP length below 8, …).
  public static let malformed = WalkStop(rawValue: 5)
  /// The IP datagram is a fragment other than the first, so it holds no transport header.
  public static let nonFirstFragment = WalkStop(rawValue: 6)
  /// More VLAN tags or IPv6 extension headers than the walk accepts.
  public static let tooManyHeaders = WalkStop(rawValue: 7)

  /// A short English phrase.
  public var description: String {
    switch self {
    case .complete: "complete"
    case .truncated: "truncated"
    case .unsupportedLinkType: "unsupported link type"
    case .unsupportedNetwork: "not IP"
    case .unsupportedTransport: "not UDP/TCP"
    case .malformed: "malformed header"
    case .nonFirstFragment: "non-first fragment"
    case .tooManyHeaders: "too many headers"
    default: "stop \(rawValue)"
    }
  }
}

/// The network layer a ``PacketLayers`` walk found.
public enum NetworkLayer: Hashable, Sendable {
  /// None found (unsupported link type, truncated link header).
  case none
  /// IPv4.
  case ipv4
  /// IPv6.
  case ipv6
  /// IEEE 802.2 LLC without a SNAP-encapsulated EtherType the walk follows (BACnet/Ethernet, STP, NetBIOS…).
  case llc
  /// A BACnet MS/TP frame (link type 165); the walk does not look inside.
  case mstp
  /// Some other protocol named by ``PacketLayers/etherType`` (ARP, IPX, …).
  case other
}

/// The transport layer a ``PacketLayers`` walk found.
public enum TransportLayer: Hashable, Sendable {
  /// None (no IP, or the walk stopped before the transport header).
  case none
  /// UDP.
  case udp
  /// TCP.
  case tcp
  /// Another IP protocol, named by ``PacketLayers/ipProtocol``.
  case other
}
