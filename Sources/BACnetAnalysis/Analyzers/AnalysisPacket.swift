public import PcapKit
import BACnetDecode

/// What the analyzers need to know about one captured frame besides its decode: where it sits in the capture and
/// its link and host addresses as integer keys.
///
/// Built once per packet from the pipeline's ``DecodedPacket`` (``init(_:)``) by ``SummaryEngine/consume(_:)``.
/// Small and free of heap storage, so building it allocates nothing.
public struct AnalysisPacket: Sendable {
  /// 1-based frame number in the capture (or in the merged timeline).
  public var frame: Int
  /// Timestamp in nanoseconds since the epoch (0 when the record carries none).
  public var timeNs: Int64
  /// False for records without a timestamp (pcapng Simple Packet Blocks).
  public var hasTime: Bool
  /// The link type of the interface.
  public var linkType: LinkType
  /// Original (wire) length in octets.
  public var wireLength: Int
  /// The network layer the header walk found.
  public var network: NetworkLayer
  /// The transport layer the header walk found.
  public var transport: TransportLayer
  /// Source host (IPv4 or IPv6 address, Ethernet MAC or MS/TP station), for top talkers.
  public var hostSource: AddressKey?
  /// Destination host.
  public var hostDestination: AddressKey?
  /// The BACnet link address of the sender: B/IP address and port (the IPv4 address alone when the port is an
  /// ephemeral client port outside the BACnet port set), B/IPv6 VMAC, MS/TP station or Ethernet MAC.
  public var linkSource: AddressKey?
  /// The BACnet link address of the receiver.
  public var linkDestination: AddressKey?
  /// The Ethernet (or Linux cooked) source MAC of the frame, 0 when the link has none: the hardware a B/IP and a
  /// BACnet/Ethernet address share when they are ports of one box.
  public var hardwareSource: UInt64 = 0
  /// True when the UDP ports are in the BACnet port set.
  public var onBACnetPort: Bool
  /// True when the header walk met truncated headers or a payload cut by the snap length.
  public var truncated: Bool
  /// True when the frame failed an integrity check (MS/TP header CRC, data CRC or CRC-32K) or its BACnet decode
  /// is truncated or malformed: such a frame feeds link statistics and decode quality, never another finding.
  public var damaged = false
  /// A UDP packet that looks like BACnet/IP on a port outside the BACnet port set: that port (the lower of the two
  /// when they differ); nil otherwise.
  public var lookalikePort: UInt16?

  /// Creates a view from parts.
  public init(frame: Int, timeNs: Int64, hasTime: Bool, linkType: LinkType, wireLength: Int,
              network: NetworkLayer = .none, transport: TransportLayer = .none,
              hostSource: AddressKey? = nil, hostDestination: AddressKey? = nil,
              linkSource: AddressKey? = nil, linkDestination: AddressKey? = nil, onBACnetPort: Bool = false,
              truncated: Bool = false) {
    self.frame = frame
    self.timeNs = timeNs
    self.hasTime = hasTime
    self.linkType = linkType
    self.wireLength = wireLength
    self.network = network
    self.transport = transport
    self.hostSource = hostSource
    self.hostDestination = hostDestination
    self.linkSource = linkSource
    self.linkDestination = linkDestination
    self.onBACnetPort = onBACnetPort
    self.truncated = truncated
  }

  /// The analyzers' view of a pipeline result: integer address keys for the link and host addresses.
  public init(_ d: borrowing DecodedPacket) {
    self.init(frame: d.frameNumber, timeNs: Int64(clamping: d.timestamp.nanosecondsFast), hasTime: d.hasTimestamp,
              linkType: d.linkType, wireLength: d.originalLength)
    let layers = d.link.layers
    network = layers.network
    transport = layers.transport
    // A first IP fragment declares a UDP length beyond its own payload: that is fragmentation, not truncation. Only
    // a fragment that will not be reassembled (possibly because it was cut short) counts its payload shortfall.
    let fragmentShortfallIsTruncation = d.fragment == nil || d.fragment == .notReassembled
    truncated = layers.stop == .truncated || (layers.payloadTruncated && fragmentShortfallIsTruncation)
    damaged = Self.isDamaged(d)
    if d.looksLikeBVLC, let sp = layers.sourcePort, let dp = layers.destinationPort { lookalikePort = min(sp, dp) }
    if d.carrier == .mstp, let f = d.mstpBox?.value.frame {
      let s = f.source, t = f.destination
      linkSource = .mstp(s)
      linkDestination = .mstp(t)
      hostSource = linkSource
      hostDestination = linkDestination
      return
    }
    hardwareSource = d.link.sourceMAC?.rawValue ?? 0
    hostSource = Self.hostKey(layers.source) ?? d.link.sourceMAC.map(Self.macKey)
    hostDestination = Self.hostKey(layers.destination) ?? d.link.destinationMAC.map(Self.macKey)
    switch d.carrier {
    case .udpPort, .udpHeuristic:
      onBACnetPort = d.carrier == .udpPort
      if case .v4(let s)? = layers.source, case .v4(let t)? = layers.destination, let sp = layers.sourcePort,
         let dp = layers.destinationPort {
        // A client on an ephemeral port is its host: every new port would otherwise be a new "device".
        let ephemeralSource = d.carrier == .udpPort && !d.sourcePortIsBACnet
        let ephemeralDestination = d.carrier == .udpPort && !d.destinationPortIsBACnet
        linkSource = ephemeralSource ? .ipv4(s) : .bip(ipv4: s, port: sp)
        linkDestination = ephemeralDestination ? .ipv4(t) : .bip(ipv4: t, port: dp)
      }
      if let b = d.messageBox?.value.bvlc, b.isIPv6 {
        linkSource = b.sourceVMAC.map { AddressKey(kind: .vmac, network: 0, length: 3, mac: UInt64($0)) }
        linkDestination = b.destinationVMAC.map { AddressKey(kind: .vmac, network: 0, length: 3, mac: UInt64($0)) }
      }
    case .ethernetLLC:
      linkSource = d.link.sourceMAC.map(Self.macKey)
      linkDestination = d.link.destinationMAC.map(Self.macKey)
    default:
      break
    }
  }

  static func hostKey(_ a: IPAddress?) -> AddressKey? {
    switch a {
    case .v4(let x)?: .ipv4(x)
    case .v6(let h, let l)?: .ipv6(high: h, low: l)
    case nil: nil
    }
  }

  /// The evidence rule: an MS/TP frame whose header CRC, data CRC or CRC-32K fails, or a BACnet decode that is
  /// truncated or malformed (so the fields the analyzers read may be garbage or absent).
  static func isDamaged(_ d: borrowing DecodedPacket) -> Bool {
    if d.carrier == .mstp, let f = d.mstpBox?.value.frame, !f.crcOK { return true }
    guard d.carrier.isBACnet else { return false }
    for x in d.diagnostics where x.layer != .link && x.layer != .reassembly {
      switch x.code {
      case .truncated, .tagMalformed, .tagLengthOverrun, .tagUnmatchedClosing, .tagMissingClosing, .tagDepthExceeded,
           .tagInvalidValue, .serviceMalformed, .npduInvalidSLEN, .npduInvalidSNET, .npduInvalidDNET, .npduMACTooLong,
           .networkMessageMalformed, .apduUnknownType, .mstpHeaderCRC, .mstpDataCRC, .mstpCRC32K, .mstpCOBS, .mstpLength:
        return true
      default:
        continue
      }
    }
    return false
  }

  static func macKey(_ m: MACAddress) -> AddressKey {
    AddressKey(kind: .ethernet, network: 0, length: 6, mac: m.rawValue)
  }
}
