/// The headers of one captured frame, walked from the link layer down to the UDP/TCP payload.
///
/// Create one with ``init(linkType:frame:)``: the walk reads only header fields, allocates nothing and never
/// traps, whatever the bytes. It understands
///
/// * link layers: Ethernet II with stacked 802.1Q / 802.1ad / QinQ tags, IEEE 802.3 length frames with 802.2 LLC
///   (and SNAP), Linux cooked capture v1 (113) and v2 (276), raw IP (101, 228, 229), BSD null/loopback (0, 108;
///   the address family in either byte order, IPv6 as 24, 28 or 30) and BACnet MS/TP (165, passed through whole);
/// * IPv4 with options (fragment fields recorded), IPv6 with Hop-by-Hop, Routing, Fragment, Destination Options and
///   AH extension headers (at most ``maximumExtensionHeaders``);
/// * UDP and TCP ports and payload.
///
/// All positions are **indices of the slice passed in** (`frame[layers.payload]` is the payload). Declared lengths
/// (802.3 length, IPv4 total length, IPv6 payload length, UDP length) trim Ethernet padding from the payload;
/// captured bytes shorter than declared shorten it and set ``payloadTruncated``.
///
/// ```swift
/// let layers = PacketLayers(linkType: packet.linkType, frame: packet.data)
/// if layers.transport == .udp, layers.destinationPort == 47808 {
///   let bvlc = packet.data[layers.payload]
/// }
/// ```
public struct PacketLayers: Hashable, Sendable {
  /// The most IPv6 extension headers walked before giving up with ``WalkStop/tooManyHeaders``.
  public static let maximumExtensionHeaders = 8

  /// The link type the frame was decoded as.
  public var linkType: LinkType
  /// Why the walk ended; ``WalkStop/complete`` when every layer it knows was decoded.
  public var stop: WalkStop = .complete
  /// Index (into the frame slice) where the walk stopped: the start of the header it could not decode, or the
  /// payload start when complete.
  public var stopIndex: Int
  /// VLAN identifiers of the 802.1Q / 802.1ad tags, outermost first.
  public var vlans = VLANTags()
  /// The protocol the link layer names for its payload (after VLAN tags / SNAP), nil when it names none
  /// (raw IP, null/loopback, LLC, MS/TP).
  public var etherType: EtherType?
  /// The 802.2 LLC header of an 802.3 length frame, else nil.
  public var llc: LLCHeader?
  /// The network layer found.
  public var network: NetworkLayer = .none
  /// Index of the IPv4/IPv6 header, nil without IP.
  public var networkIndex: Int?
  /// IP source address.
  public var source: IPAddress?
  /// IP destination address.
  public var destination: IPAddress?
  /// The upper-layer protocol of the IP datagram (after IPv6 extension headers), nil without IP.
  public var ipProtocol: IPProtocol?
  /// Fragment fields when the datagram is a fragment (IPv4 MF set or offset > 0; any IPv6 Fragment header).
  public var fragment: FragmentInfo?
  /// The transport layer found.
  public var transport: TransportLayer = .none
  /// Index of the UDP/TCP header, nil without one.
  public var transportIndex: Int?
  /// UDP/TCP source port (set as soon as the four port bytes were captured, even if the rest is truncated).
  public var sourcePort: UInt16?
  /// UDP/TCP destination port.
  public var destinationPort: UInt16?
  /// The bytes after the innermost decoded header, trimmed to the declared length: the UDP/TCP payload, the LLC
  /// payload, the whole MS/TP frame, or (when the walk stopped early) what follows the last decoded header.
  public var payload: Range<Int>
  /// True when a declared length says the payload continues beyond the captured bytes (snap length).
  public var payloadTruncated = false

  /// Walks the headers of `frame`, captured with link type `linkType`.
  ///
  /// - Parameters:
  ///   - linkType: the link type of the interface (pcap header or pcapng IDB).
  ///   - frame: the captured bytes; not copied, and positions in the result are indices of this slice.
  public init(linkType: LinkType, frame: ArraySlice<UInt8>) {
    self.linkType = linkType
    self.stopIndex = 0
    self.payload = 0..<frame.count
    walk(frame.span)
    let base = frame.startIndex
    if base != 0 {
      stopIndex += base
      payload = (payload.lowerBound + base)..<(payload.upperBound + base)
      if let n = networkIndex { networkIndex = n + base }
      if let t = transportIndex { transportIndex = t + base }
    }
  }
}
