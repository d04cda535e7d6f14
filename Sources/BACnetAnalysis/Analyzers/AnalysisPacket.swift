public import PcapKit
public import BACnetDecode

/// What the analyzers need to know about one captured frame: where it sits in the capture, its link and IP
/// addresses, and what the BACnet decoder made of it.
///
/// Built once per packet (``init(frame:packet:ports:)`` walks the headers and decodes), then handed to
/// ``SummaryEngine/consume(_:)``. Addresses are integer keys; nothing here is a string.
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
  /// The decoded BACnet message (BACnet/IP, BACnet/Ethernet or an MS/TP data frame).
  public var message: BACnetMessage?
  /// The MS/TP frame, for link type 165.
  public var mstp: MSTPFrame?
  /// Everything the decoder could not decode.
  public var diagnostics: [BACnetDiagnostic]

  /// Creates a view from parts (for decoders other than ``init(frame:packet:ports:)``).
  public init(frame: Int, timeNs: Int64, hasTime: Bool, linkType: LinkType, wireLength: Int,
              network: NetworkLayer = .none, transport: TransportLayer = .none,
              hostSource: AddressKey? = nil, hostDestination: AddressKey? = nil,
              linkSource: AddressKey? = nil, linkDestination: AddressKey? = nil, onBACnetPort: Bool = false,
              truncated: Bool = false, message: BACnetMessage? = nil, mstp: MSTPFrame? = nil,
              diagnostics: [BACnetDiagnostic] = []) {
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
    self.message = message
    self.mstp = mstp
    self.diagnostics = diagnostics
  }

  /// Walks the headers of `packet` and decodes the BACnet it carries: UDP payloads whose source or destination
  /// port is in `ports` as BACnet/IP, BACnet/Ethernet LLC payloads, and MS/TP records.
  /// - Parameters:
  ///   - frame: the 1-based frame number.
  ///   - packet: the captured packet.
  ///   - ports: the UDP ports that carry BACnet/IP.
  public init(frame: Int, packet: Packet, ports: PortSet = .bacnet) {
    let ns = packet.timestamp.nanosecondsSinceEpoch
    self.init(frame: frame, timeNs: Int64(clamping: ns), hasTime: packet.hasTimestamp, linkType: packet.linkType,
              wireLength: packet.originalLength)
    let data = packet.data
    if packet.linkType == .bacnetMSTP {
      network = .mstp
      let d = BACnetDecoder.decodeMSTP(data)
      mstp = d.frame
      message = d.message
      diagnostics = d.diagnostics
      if let f = d.frame {
        linkSource = .mstp(f.source)
        linkDestination = .mstp(f.destination)
        hostSource = linkSource
        hostDestination = linkDestination
      }
      truncated = d.diagnostics.contains { $0.code == .truncated && $0.layer == .mstp }
      return
    }
    let layers = PacketLayers(linkType: packet.linkType, frame: data)
    network = layers.network
    transport = layers.transport
    truncated = layers.stop == .truncated || layers.payloadTruncated
    switch layers.source {
    case .v4(let a)?: hostSource = AddressKey(kind: .ipv4, network: 0, length: 4, mac: UInt64(a))
    case .v6(let h, let l)?: hostSource = AddressKey(kind: .ipv6, network: 0, length: 16, mac: h ^ (l &* 0x9E37_79B9_7F4A_7C15))
    case nil: break
    }
    switch layers.destination {
    case .v4(let a)?: hostDestination = AddressKey(kind: .ipv4, network: 0, length: 4, mac: UInt64(a))
    case .v6(let h, let l)?: hostDestination = AddressKey(kind: .ipv6, network: 0, length: 16, mac: h ^ (l &* 0x9E37_79B9_7F4A_7C15))
    case nil: break
    }
    if packet.linkType == .ethernet, data.count >= 12 {
      hostSource = hostSource ?? Self.ethernetKey(data, at: data.startIndex + 6)
      hostDestination = hostDestination ?? Self.ethernetKey(data, at: data.startIndex)
    }
    if layers.transport == .udp, let sp = layers.sourcePort, let dp = layers.destinationPort,
       ports.matches(source: sp, destination: dp) {
      onBACnetPort = true
      guard layers.fragment == nil || layers.fragment?.offset == 0 else { return }
      let payload = data[layers.payload]
      let m = BACnetDecoder.decodeBVLL(payload)
      message = m
      diagnostics = m.diagnostics
      if case .v4(let s)? = layers.source, case .v4(let d)? = layers.destination {
        linkSource = .bip(ipv4: s, port: sp)
        linkDestination = .bip(ipv4: d, port: dp)
      }
      if let b = m.bvlc, b.isIPv6 {
        if let v = b.sourceVMAC { linkSource = AddressKey(kind: .vmac, network: 0, length: 3, mac: UInt64(v)) }
        if let v = b.destinationVMAC {
          linkDestination = AddressKey(kind: .vmac, network: 0, length: 3, mac: UInt64(v))
        } else {
          linkDestination = nil
        }
      }
    } else if layers.network == .llc, layers.llc?.isBACnet == true {
      let m = BACnetDecoder.decodeNPDU(data[layers.payload])
      message = m
      diagnostics = m.diagnostics
      linkSource = hostSource
      linkDestination = hostDestination
    }
  }

  static func ethernetKey(_ d: ArraySlice<UInt8>, at i: Int) -> AddressKey {
    var v: UInt64 = 0
    for k in 0..<6 { v = v << 8 | UInt64(d[i + k]) }
    return AddressKey(kind: .ethernet, network: 0, length: 6, mac: v)
  }
}
