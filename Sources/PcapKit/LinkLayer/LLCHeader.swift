/// The IEEE 802.2 LLC header of an 802.3 (length-field) frame.
///
/// BACnet/Ethernet (ASHRAE 135 clause 7) uses DSAP 0x82, SSAP 0x82, control 0x03 (UI).
public struct LLCHeader: Hashable, Sendable {
  /// Destination service access point.
  public var dsap: UInt8
  /// Source service access point.
  public var ssap: UInt8
  /// Control field: one byte for U-format frames (low two bits 11), else two bytes (first byte in the high bits).
  public var control: UInt16
  /// The SNAP organisation code when DSAP = SSAP = 0xAA and control = 0x03 (UI), else nil.
  public var snapOUI: UInt32?
  /// The SNAP protocol identifier (an EtherType when ``snapOUI`` is 0), else nil.
  public var snapProtocol: UInt16?

  /// Creates a header value.
  public init(dsap: UInt8, ssap: UInt8, control: UInt16, snapOUI: UInt32? = nil, snapProtocol: UInt16? = nil) {
    self.dsap = dsap
    self.ssap = ssap
    self.control = control
    self.snapOUI = snapOUI
    self.snapProtocol = snapProtocol
  }

  /// True for the BACnet/Ethernet service access point (DSAP 0x82, SSAP 0x82, UI control 0x03).
  public var isBACnet: Bool { dsap == 0x82 && ssap == 0x82 && control == 0x03 }
}

/// The fragmentation fields of an IPv4 header or an IPv6 Fragment extension header.
public struct FragmentInfo: Hashable, Sendable {
  /// Identification: 16 bits for IPv4, 32 bits for IPv6.
  public var identification: UInt32
  /// Offset of this fragment's data in the original datagram, in bytes (a multiple of 8).
  public var offset: Int
  /// The More Fragments flag.
  public var moreFragments: Bool

  /// Creates a value.
  public init(identification: UInt32, offset: Int, moreFragments: Bool) {
    self.identification = identification
    self.offset = offset
    self.moreFragments = moreFragments
  }

  /// True for the fragment that carries the transport header (offset 0).
  public var isFirst: Bool { offset == 0 }
}
