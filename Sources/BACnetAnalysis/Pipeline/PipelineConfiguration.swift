public import BACnetDecode
public import PcapKit

extension BACnetPipeline {
  /// What the pipeline looks for and how much state it may keep.
  public struct Configuration: Sendable {
    /// UDP ports whose payload is decoded as BVLC (source or destination). Default `PortSet/bacnet`
    /// (47808–47823); add ports with `ports.formUnion(…)`.
    public var ports: PortSet
    /// When true, UDP payloads on other ports are decoded as BACnet/IP if they look like it: BVLC type 0x81 or
    /// 0x82, a known function, a length field equal to the payload length, and (for functions carrying an NPDU)
    /// an NPDU version of 1. Default false (as Wireshark, which decodes only the configured ports).
    public var heuristic: Bool
    /// Reassemble IPv4/IPv6 fragments of UDP datagrams (as tshark does by default). When false, a first fragment
    /// is decoded from the bytes it holds and later fragments are reported. Default true.
    public var reassembleIPFragments: Bool
    /// The most IP datagrams held for reassembly at once; the oldest is dropped beyond it.
    public var maxPendingDatagrams: Int
    /// The largest reassembled IP payload accepted, in bytes.
    public var maxDatagramBytes: Int
    /// Incomplete datagrams older than this many packets are dropped.
    public var fragmentTimeoutPackets: Int
    /// Join segmented Confirmed-Requests and ComplexACKs (``DecodedPacket/reassembledAPDU``). Default true.
    public var reassembleSegments: Bool
    /// The most segmented messages held at once.
    public var maxPendingSegmentedMessages: Int
    /// The largest joined segmented message, in bytes.
    public var maxSegmentedMessageBytes: Int
    /// Which service parameters the BACnet decoder builds: `DecodeMode.full` (the default; `list`) or
    /// `DecodeMode.summary` (what ``SummaryEngine`` reads; same diagnostics, fewer values built).
    public var decodeMode: DecodeMode = .full

    /// The defaults: BACnet ports 47808–47823, no heuristic, IP and segment reassembly on with modest bounds
    /// (64 datagrams of at most 65,535 bytes, dropped after 10,000 packets; 256 segmented messages of at most 1 MiB).
    public init(
      ports: PortSet = .bacnet, heuristic: Bool = false, reassembleIPFragments: Bool = true,
      maxPendingDatagrams: Int = 64, maxDatagramBytes: Int = 65_535, fragmentTimeoutPackets: Int = 10_000,
      reassembleSegments: Bool = true, maxPendingSegmentedMessages: Int = 256, maxSegmentedMessageBytes: Int = 1 << 20
    ) {
      self.ports = ports
      self.heuristic = heuristic
      self.reassembleIPFragments = reassembleIPFragments
      self.maxPendingDatagrams = max(1, maxPendingDatagrams)
      self.maxDatagramBytes = max(8, maxDatagramBytes)
      self.fragmentTimeoutPackets = max(1, fragmentTimeoutPackets)
      self.reassembleSegments = reassembleSegments
      self.maxPendingSegmentedMessages = max(1, maxPendingSegmentedMessages)
      self.maxSegmentedMessageBytes = max(1, maxSegmentedMessageBytes)
    }
  }
}
