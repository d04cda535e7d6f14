/// A pcapng Interface Description Block (§4.2), or the single interface a classic pcap file implies.
///
/// ```
///  |           LinkType            |           Reserved            |
///  |                            SnapLen                            |
///  /                      Options (variable)                       /
/// ```
/// The values that govern packet decoding (link type, snap length, timestamp resolution and offset, FCS length)
/// are decoded when the block is read; the rest are decoded from ``options`` on access.
public struct InterfaceDescription: Sendable {
  /// The interface ID within its section (0, 1, …).
  public var id: Int
  /// The link-layer header type of its packets.
  public var linkType: LinkType
  /// Maximum captured length (0 = no limit).
  public var snapLength: UInt32
  /// `if_tsresol` (10^-6 when absent; 10^-6 or 10^-9 for classic pcap).
  public var timestampResolution: TimestampResolution
  /// `if_tsoffset`: signed seconds added to every timestamp (0 when absent).
  public var timestampOffset: Int64
  /// FCS length in bits from `if_fcslen` (pcapng), or in bits from the pcap link-type word; nil when unknown.
  public var fcsLengthBits: Int?
  /// The IDB's options (empty for classic pcap).
  public var options: OptionList
  /// True when synthesised from a classic pcap file header (``raw`` then holds that header).
  public var isSynthesized: Bool
  /// The original block.
  public var raw: RawBlock

  /// `if_name`.
  public var name: String? { options.string(.ifName) }
  /// `if_description`.
  public var interfaceDescription: String? { options.string(.ifDescription) }
  /// `if_IPv4addr` values: 4-byte address then 4-byte mask.
  public var ipv4Addresses: [(address: ArraySlice<UInt8>, netmask: ArraySlice<UInt8>)] {
    options.all(.ifIPv4Address).compactMap { o in
      o.value.count == 8 ? (o.value.prefix(4), o.value.suffix(4)) : nil
    }
  }
  /// `if_IPv6addr` values: 16-byte address then prefix length.
  public var ipv6Addresses: [(address: ArraySlice<UInt8>, prefixLength: UInt8)] {
    options.all(.ifIPv6Address).compactMap { o in
      o.value.count == 17 ? (o.value.prefix(16), o.value[o.value.startIndex + 16]) : nil
    }
  }
  /// `if_MACaddr` (6 bytes).
  public var macAddress: ArraySlice<UInt8>? { options.first(.ifMACAddress)?.value }
  /// `if_EUIaddr` (8 bytes).
  public var euiAddress: ArraySlice<UInt8>? { options.first(.ifEUIAddress)?.value }
  /// `if_speed` in bit/s.
  public var speed: UInt64? { options.integer(.ifSpeed) }
  /// `if_tzone` (deprecated).
  public var timeZone: UInt32? { options.integer(.ifTimeZone).map { UInt32(truncatingIfNeeded: $0) } }
  /// `if_filter`: the filter type byte (0 = libpcap filter string) and the filter bytes.
  public var filter: (type: UInt8, filter: ArraySlice<UInt8>)? {
    guard let v = options.first(.ifFilter)?.value, let t = v.first else { return nil }
    return (t, v.dropFirst())
  }
  /// `if_filter` as text when its type is 0 (a libpcap filter string).
  public var filterString: String? {
    guard let f = filter, f.type == 0 else { return nil }
    return decodeString(f.filter)
  }
  /// `if_os`.
  public var os: String? { options.string(.ifOS) }
  /// `if_hardware`.
  public var hardware: String? { options.string(.ifHardware) }
  /// `if_txspeed` in bit/s.
  public var txSpeed: UInt64? { options.integer(.ifTxSpeed) }
  /// `if_rxspeed` in bit/s.
  public var rxSpeed: UInt64? { options.integer(.ifRxSpeed) }
  /// `if_iana_tzname`.
  public var ianaTimeZoneName: String? { options.string(.ifIANATimeZoneName) }
  /// `opt_comment`s.
  public var comments: [String] { options.comments }
}
