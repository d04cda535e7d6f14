/// How a packet reached BACnet, or why it did not.
public enum BACnetCarrier: Hashable, Sendable, CustomStringConvertible {
  /// Not BACnet: no BACnet port, LLC service access point or MS/TP link type (or a fragment that is not the
  /// one completing its datagram).
  case none
  /// BACnet/IP or BACnet/IPv6 (BVLC type 0x81 or 0x82) in UDP, on a port of the configured `PortSet`.
  case udpPort
  /// BACnet/IP in UDP on another port, recognised by the heuristic (``BACnetPipeline/Configuration/heuristic``).
  case udpHeuristic
  /// BACnet/Ethernet: IEEE 802.3 with LLC `82 82 03`, carrying an NPDU.
  case ethernetLLC
  /// BACnet MS/TP (LINKTYPE 165).
  case mstp

  /// True unless ``none``.
  public var isBACnet: Bool { self != .none }

  /// `BACnet/IP`, `BACnet/IP (heuristic)`, `BACnet/Ethernet`, `MS/TP` or `none`.
  public var description: String {
    switch self {
    case .none: "none"
    case .udpPort: "BACnet/IP"
    case .udpHeuristic: "BACnet/IP (heuristic)"
    case .ethernetLLC: "BACnet/Ethernet"
    case .mstp: "MS/TP"
    }
  }
}

/// Where a packet stands in IP reassembly, when it is an IP fragment.
public enum FragmentState: Hashable, Sendable {
  /// A fragment held until the rest of its datagram arrives; it carries no decode.
  case held
  /// The fragment that completed its datagram: the decode covers the whole reassembled datagram, made of
  /// `fragments` fragments.
  case reassembled(fragments: Int)
  /// A fragment that could not be reassembled (reassembly off, too many pending datagrams, datagram too large,
  /// inconsistent fragments); a first fragment is decoded from the bytes it holds.
  case notReassembled
}
