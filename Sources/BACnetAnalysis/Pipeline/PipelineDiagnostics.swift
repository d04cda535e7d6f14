public import BACnetDecode

extension BACnetDiagnostic.Layer {
  /// The link, network and transport headers below BACnet (Ethernet, VLAN, LLC, IP, UDP).
  public static let link = Self(rawValue: "link")
  /// IP fragment and BACnet segment reassembly done by the pipeline.
  public static let reassembly = Self(rawValue: "reassembly")
}

extension BACnetDiagnostic.Code {
  /// The captured bytes end inside a link, IP or UDP header, or before the end a header declares (snap length).
  public static let linkTruncated = Self(rawValue: "link-truncated")
  /// A link, IP or UDP header is impossible (IP version mismatch, header length below minimum, UDP length < 8).
  public static let linkMalformed = Self(rawValue: "link-malformed")
  /// More VLAN tags or IPv6 extension headers than the link walk accepts.
  public static let linkTooManyHeaders = Self(rawValue: "link-too-many-headers")
  /// An IP fragment held for reassembly; the datagram is decoded on the packet that completes it.
  public static let ipFragmentHeld = Self(rawValue: "ip-fragment-held")
  /// The packet completed an IP datagram; offsets of the BACnet diagnostics count from the reassembled UDP payload.
  public static let ipReassembled = Self(rawValue: "ip-reassembled")
  /// An IP fragment that could not be reassembled (see the message).
  public static let ipFragmentNotReassembled = Self(rawValue: "ip-fragment-not-reassembled")
  /// A segment of a segmented BACnet message, stored until the last segment arrives.
  public static let segmentHeld = Self(rawValue: "segment-held")
  /// The packet's segment completed a segmented BACnet message (``DecodedPacket/reassembledAPDU``).
  public static let segmentReassembled = Self(rawValue: "segment-reassembled")
  /// A segment that could not be used (out of order, no first segment, too large).
  public static let segmentAbandoned = Self(rawValue: "segment-abandoned")
}
