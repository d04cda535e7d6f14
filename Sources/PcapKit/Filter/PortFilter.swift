/// Why the port filter kept or dropped a packet: an open set of reasons, each counted in a ``FilterAccount``.
public struct FilterReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// A small number identifying the reason (also its slot in ``FilterAccount``).
  public var rawValue: UInt8

  /// Wraps a reason number.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Kept: UDP/TCP with a source or destination port in the set.
  public static let portMatch = FilterReason(rawValue: 0)
  /// Kept: a later IP fragment of a datagram whose first fragment matched.
  public static let fragmentOfMatch = FilterReason(rawValue: 1)
  /// Kept: a frame without IP, because ``PortFilter/keepNonIP`` is on.
  public static let nonIPKept = FilterReason(rawValue: 2)
  /// Dropped: UDP/TCP on other ports.
  public static let portMismatch = FilterReason(rawValue: 3)
  /// Dropped: IP whose transport is not selected (ICMP, TCP when only UDP is selected, …).
  public static let otherTransport = FilterReason(rawValue: 4)
  /// Dropped: a network protocol other than IP (ARP, IPX, unknown EtherType or address family).
  public static let notIP = FilterReason(rawValue: 5)
  /// Dropped: an 802.2 LLC frame (BACnet/Ethernet, spanning tree, …).
  public static let llc = FilterReason(rawValue: 6)
  /// Dropped: a BACnet MS/TP frame.
  public static let mstp = FilterReason(rawValue: 7)
  /// Dropped: a link type the walk does not decode.
  public static let unsupportedLinkType = FilterReason(rawValue: 8)
  /// Dropped: headers truncated or malformed before the ports.
  public static let damaged = FilterReason(rawValue: 9)
  /// Dropped: a later IP fragment whose first fragment did not match or was not seen within the window.
  public static let unmatchedFragment = FilterReason(rawValue: 10)

  /// The number of reason slots ``FilterAccount`` keeps.
  static let slots = 16

  /// True for the reasons that keep a packet.
  public var keeps: Bool { rawValue <= 2 }

  /// A short label used in the account line, e.g. `other-port`.
  public var description: String {
    switch self {
    case .portMatch: "port"
    case .fragmentOfMatch: "fragment"
    case .nonIPKept: "non-ip"
    case .portMismatch: "other-port"
    case .otherTransport: "other-transport"
    case .notIP: "not-ip"
    case .llc: "llc"
    case .mstp: "mstp"
    case .unsupportedLinkType: "unknown-link"
    case .damaged: "damaged"
    case .unmatchedFragment: "unmatched-fragment"
    default: "reason-\(rawValue)"
    }
  }
}

/// The stateless port predicate: keep UDP (and/or TCP) packets whose source or destination port is in a
/// ``PortSet``, optionally also every frame that carries no IP.
///
/// It matches what `tcpdump 'udp portrange 47808-47823'` keeps, and more: VLAN-tagged (also stacked) frames,
/// Linux cooked, raw IP and loopback link types, IPv6 behind extension headers. A later fragment of an IP datagram
/// has no ports, so this predicate drops it with ``FilterReason/unmatchedFragment``; ``CaptureFilter`` and
/// ``FragmentAwareFilter`` keep it when its first fragment matched.
public struct PortFilter: Hashable, Sendable {
  /// The ports to match (source or destination).
  public var ports: PortSet
  /// The transport protocols to match.
  public var transport: TransportSelection
  /// Keep frames that carry no IP (ARP, LLC including BACnet/Ethernet, MS/TP, unknown link types).
  public var keepNonIP: Bool

  /// Creates a predicate.
  /// - Parameters:
  ///   - ports: ports to match; the BACnet/IP range by default.
  ///   - transport: UDP by default.
  ///   - keepNonIP: also keep frames without IP.
  public init(ports: PortSet = .bacnet, transport: TransportSelection = .udp, keepNonIP: Bool = false) {
    self.ports = ports
    self.transport = transport
    self.keepNonIP = keepNonIP
  }

  /// Decides on a walked packet.
  /// - Parameter layers: the walk of the packet.
  /// - Returns: the reason, whose ``FilterReason/keeps`` says whether to keep it.
  public func verdict(for layers: PacketLayers) -> FilterReason {
    if let source = layers.sourcePort, let destination = layers.destinationPort {
      guard transport.accepts(layers.transport) else { return .otherTransport }
      return ports.matches(source: source, destination: destination) ? .portMatch : .portMismatch
    }
    switch layers.network {
    case .ipv4, .ipv6:
      if layers.stop == .nonFirstFragment {
        guard let proto = layers.ipProtocol,
          transport.accepts(proto == .udp ? .udp : proto == .tcp ? .tcp : .other)
        else { return .otherTransport }
        return .unmatchedFragment
      }
      if layers.stop == .unsupportedTransport { return .otherTransport }
      return .damaged
    case .llc:
      return keepNonIP ? .nonIPKept : .llc
    case .mstp:
      return keepNonIP ? .nonIPKept : .mstp
    case .other:
      return keepNonIP ? .nonIPKept : .notIP
    case .none:
      if layers.stop == .unsupportedLinkType { return keepNonIP ? .nonIPKept : .unsupportedLinkType }
      return .damaged
    }
  }

  /// Walks and decides on one frame.
  /// - Parameters:
  ///   - linkType: the frame's link type.
  ///   - frame: the captured bytes.
  public func verdict(linkType: LinkType, frame: ArraySlice<UInt8>) -> FilterReason {
    verdict(for: PacketLayers(linkType: linkType, frame: frame))
  }
}

/// Counts of packets read, kept and dropped, by reason.
public struct FilterAccount: Hashable, Sendable, CustomStringConvertible {
  /// Packets per ``FilterReason`` raw value.
  var counts = [Int](repeating: 0, count: FilterReason.slots)
  /// Non-packet records (section headers, interface descriptions, name resolution, statistics, …) copied.
  public var otherRecords = 0

  /// An empty account.
  public init() {}

  /// Counts one packet.
  public mutating func add(_ reason: FilterReason) { counts[Int(reason.rawValue) % FilterReason.slots] += 1 }

  /// Packets counted under `reason`.
  public subscript(reason: FilterReason) -> Int { counts[Int(reason.rawValue) % FilterReason.slots] }

  /// Packets read (kept + dropped).
  public var read: Int { counts.reduce(0, +) }

  /// Packets kept.
  public var kept: Int {
    counts.indices.reduce(0) { FilterReason(rawValue: UInt8($1)).keeps ? $0 + counts[$1] : $0 }
  }

  /// Packets dropped.
  public var dropped: Int { read - kept }

  /// `read 100, kept 30 (port 29, fragment 1), dropped 70 (other-port 50, not-ip 20)`: reasons with a zero count
  /// are left out.
  public var description: String {
    var keptParts: [String] = [], droppedParts: [String] = []
    for i in counts.indices where counts[i] > 0 {
      let reason = FilterReason(rawValue: UInt8(i))
      if reason.keeps { keptParts.append("\(reason) \(counts[i])") } else { droppedParts.append("\(reason) \(counts[i])") }
    }
    var text = "read \(read), kept \(kept)"
    if !keptParts.isEmpty { text += " (" + keptParts.joined(separator: ", ") + ")" }
    text += ", dropped \(dropped)"
    if !droppedParts.isEmpty { text += " (" + droppedParts.joined(separator: ", ") + ")" }
    return text
  }
}
