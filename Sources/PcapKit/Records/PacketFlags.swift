/// The `epb_flags` word (draft-ietf-opsawg-pcapng §4.3.1), bit 0 being the least significant.
public struct PacketFlags: RawRepresentable, Hashable, Sendable {
  /// The 32-bit flags word.
  public var rawValue: UInt32
  /// Wraps a flags word.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Packet direction (bits 0–1).
  public struct Direction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// 0…3.
    public var rawValue: UInt8
    /// Wraps a value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Not available.
    public static let unknown = Direction(rawValue: 0)
    /// Inbound.
    public static let inbound = Direction(rawValue: 1)
    /// Outbound.
    public static let outbound = Direction(rawValue: 2)
    /// `"inbound"`, `"outbound"`, `"unknown"` or `"invalid(3)"`.
    public var description: String {
      switch rawValue { case 0: "unknown" case 1: "inbound" case 2: "outbound" default: "invalid(\(rawValue))" }
    }
  }

  /// Reception type (bits 2–4).
  public struct ReceptionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// 0…7.
    public var rawValue: UInt8
    /// Wraps a value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Not specified.
    public static let unspecified = ReceptionType(rawValue: 0)
    /// Unicast.
    public static let unicast = ReceptionType(rawValue: 1)
    /// Multicast.
    public static let multicast = ReceptionType(rawValue: 2)
    /// Broadcast.
    public static let broadcast = ReceptionType(rawValue: 3)
    /// Promiscuous.
    public static let promiscuous = ReceptionType(rawValue: 4)
    /// A name.
    public var description: String {
      switch rawValue {
      case 0: "unspecified" case 1: "unicast" case 2: "multicast" case 3: "broadcast" case 4: "promiscuous"
      default: "reserved(\(rawValue))"
      }
    }
  }

  /// Link-layer error bits (16–31).
  public struct LinkLayerErrors: OptionSet, Hashable, Sendable {
    /// Bits 16–31 of the flags word, shifted down.
    public var rawValue: UInt16
    /// Wraps bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// CRC error (bit 24).
    public static let crc = LinkLayerErrors(rawValue: 1 << 8)
    /// Packet too long (bit 25).
    public static let tooLong = LinkLayerErrors(rawValue: 1 << 9)
    /// Packet too short (bit 26).
    public static let tooShort = LinkLayerErrors(rawValue: 1 << 10)
    /// Wrong inter-frame gap (bit 27).
    public static let wrongInterFrameGap = LinkLayerErrors(rawValue: 1 << 11)
    /// Unaligned frame (bit 28).
    public static let unalignedFrame = LinkLayerErrors(rawValue: 1 << 12)
    /// Start frame delimiter error (bit 29).
    public static let startFrameDelimiter = LinkLayerErrors(rawValue: 1 << 13)
    /// Preamble error (bit 30).
    public static let preamble = LinkLayerErrors(rawValue: 1 << 14)
    /// Symbol error (bit 31).
    public static let symbol = LinkLayerErrors(rawValue: 1 << 15)
  }

  /// Direction (bits 0–1).
  public var direction: Direction { Direction(rawValue: UInt8(rawValue & 3)) }
  /// Reception type (bits 2–4).
  public var receptionType: ReceptionType { ReceptionType(rawValue: UInt8((rawValue >> 2) & 7)) }
  /// FCS length in octets (bits 5–8); 0 = not given.
  public var fcsLength: Int { Int((rawValue >> 5) & 0xF) }
  /// Checksum not ready (bit 9).
  public var checksumNotReady: Bool { rawValue & (1 << 9) != 0 }
  /// Checksum valid (bit 10).
  public var checksumValid: Bool { rawValue & (1 << 10) != 0 }
  /// TCP segmentation offloaded (bit 11).
  public var tcpSegmentationOffloaded: Bool { rawValue & (1 << 11) != 0 }
  /// Reserved bits 12–15.
  public var reserved: UInt8 { UInt8((rawValue >> 12) & 0xF) }
  /// Link-layer errors (bits 16–31).
  public var linkLayerErrors: LinkLayerErrors { LinkLayerErrors(rawValue: UInt16(rawValue >> 16)) }
}
