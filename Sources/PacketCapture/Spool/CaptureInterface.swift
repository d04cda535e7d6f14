public import PcapKit

/// One interface a capture records from, described before the first packet: it becomes a pcapng Interface
/// Description Block in every file (or the header of a classic pcap file).
///
/// Sources describe their interfaces up front (an AF_PACKET socket on `eth0`, a serial MS/TP port); the spool
/// numbers them in the order given, and every ``CapturedFrame`` names its interface by that index.
public struct CaptureInterface: Hashable, Sendable {
  /// `if_name`, e.g. `"eth0"` or `"/dev/ttyUSB0"`.
  public var name: String
  /// `if_description`, e.g. `"BACnet/IP on eth0"`.
  public var description: String?
  /// The link-layer type of the frames (`LinkType/ethernet`, `LinkType/bacnetMSTP`, …).
  public var linkType: LinkType
  /// The snapshot length (frames longer than this were truncated by the source); 0 = none.
  public var snapLength: UInt32
  /// `if_filter`: the filter in libpcap syntax, for readers (what was applied, stated as tcpdump would).
  public var filter: String?
  /// `if_hardware`, free text.
  public var hardware: String?

  /// Describes an interface.
  /// - Parameters:
  ///   - name: `if_name`.
  ///   - description: `if_description`.
  ///   - linkType: the frames' link type.
  ///   - snapLength: the snapshot length (0 = none).
  ///   - filter: the filter, in libpcap syntax.
  ///   - hardware: `if_hardware`.
  public init(name: String, description: String? = nil, linkType: LinkType, snapLength: UInt32 = 262_144,
              filter: String? = nil, hardware: String? = nil) {
    self.name = name
    self.description = description
    self.linkType = linkType
    self.snapLength = snapLength
    self.filter = filter
    self.hardware = hardware
  }
}
