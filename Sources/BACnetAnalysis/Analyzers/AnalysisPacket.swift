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
  /// Source host (IPv4 address, IPv6 digest, Ethernet MAC or MS/TP station), for top talkers.
  public var hostSource: AddressKey?
  /// Destination host.
  public var hostDestination: AddressKey?
  /// The BACnet link address of the sender: B/IP address and port, B/IPv6 VMAC, MS/TP station or Ethernet MAC.
  public var linkSource: AddressKey?
  /// The BACnet link address of the receiver.
  public var linkDestination: AddressKey?
  /// True when the UDP ports are in the BACnet port set.
  public var onBACnetPort: Bool
  /// True when the header walk met truncated headers or a payload cut by the snap length.
  public var truncated: Bool

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
    self.init(frame: d.frameNumber, timeNs: Int64(clamping: d.timestamp.nanosecondsSinceEpoch), hasTime: d.hasTimestamp,
              linkType: d.linkType, wireLength: d.originalLength)
    let layers = d.link.layers
    network = layers.network
    transport = layers.transport
    truncated = layers.stop == .truncated || layers.payloadTruncated
    if d.carrier == .mstp, let f = d.mstp?.frame {
      let s = f.source, t = f.destination
      linkSource = .mstp(s)
      linkDestination = .mstp(t)
      hostSource = linkSource
      hostDestination = linkDestination
      return
    }
    hostSource = Self.hostKey(layers.source) ?? d.link.sourceMAC.map(Self.macKey)
    hostDestination = Self.hostKey(layers.destination) ?? d.link.destinationMAC.map(Self.macKey)
    switch d.carrier {
    case .udpPort, .udpHeuristic:
      onBACnetPort = d.carrier == .udpPort
      if case .v4(let s)? = layers.source, case .v4(let t)? = layers.destination, let sp = layers.sourcePort,
         let dp = layers.destinationPort {
        linkSource = .bip(ipv4: s, port: sp)
        linkDestination = .bip(ipv4: t, port: dp)
      }
      if let b = d.message?.bvlc, b.isIPv6 {
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
    case .v4(let x)?: AddressKey(kind: .ipv4, network: 0, length: 4, mac: UInt64(x))
    case .v6(let h, let l)?: AddressKey(kind: .ipv6, network: 0, length: 16, mac: h ^ (l &* 0x9E37_79B9_7F4A_7C15))
    case nil: nil
    }
  }

  static func macKey(_ m: MACAddress) -> AddressKey {
    AddressKey(kind: .ethernet, network: 0, length: 6, mac: m.rawValue)
  }
}
