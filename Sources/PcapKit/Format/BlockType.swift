/// A pcapng block type code (draft-ietf-opsawg-pcapng §10.1): an open set, so unknown and local-use types
/// survive a rewrite.
public struct BlockType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 32-bit block type.
  public var rawValue: UInt32
  /// Wraps a block type code.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Section Header Block (`0A0D0D0A`).
  public static let sectionHeader = BlockType(rawValue: 0x0A0D_0D0A)
  /// Interface Description Block (1).
  public static let interfaceDescription = BlockType(rawValue: 1)
  /// Packet Block (2), obsolete.
  public static let packet = BlockType(rawValue: 2)
  /// Simple Packet Block (3).
  public static let simplePacket = BlockType(rawValue: 3)
  /// Name Resolution Block (4).
  public static let nameResolution = BlockType(rawValue: 4)
  /// Interface Statistics Block (5).
  public static let interfaceStatistics = BlockType(rawValue: 5)
  /// Enhanced Packet Block (6).
  public static let enhancedPacket = BlockType(rawValue: 6)
  /// systemd Journal Export Block (9).
  public static let systemdJournalExport = BlockType(rawValue: 9)
  /// Decryption Secrets Block (0x0A).
  public static let decryptionSecrets = BlockType(rawValue: 0x0A)
  /// Custom Block that rewriters may copy (0x00000BAD).
  public static let customCopyable = BlockType(rawValue: 0x0000_0BAD)
  /// Custom Block that rewriters should not copy (0x40000BAD).
  public static let customDoNotCopy = BlockType(rawValue: 0x4000_0BAD)

  /// A pseudo type used for classic pcap's file header in ``RawBlock``s (never appears in a pcapng file).
  public static let pcapFileHeader = BlockType(rawValue: 0xFFFF_FFF0)
  /// A pseudo type used for classic pcap's per-packet records (never appears in a pcapng file).
  public static let pcapRecord = BlockType(rawValue: 0xFFFF_FFF1)

  /// True for types `0x80000000` and up, reserved for local use.
  public var isLocalUse: Bool { rawValue & 0x8000_0000 != 0 }

  /// The conventional short name (`"SHB"`, `"IDB"`, `"EPB"`, `"SPB"`, `"PB"`, `"NRB"`, `"ISB"`, `"DSB"`, `"CB"`, `"DCB"`, …)
  /// or the hexadecimal code.
  public var description: String {
    switch self {
    case .sectionHeader: "SHB"
    case .interfaceDescription: "IDB"
    case .packet: "PB"
    case .simplePacket: "SPB"
    case .nameResolution: "NRB"
    case .interfaceStatistics: "ISB"
    case .enhancedPacket: "EPB"
    case .systemdJournalExport: "SJE"
    case .decryptionSecrets: "DSB"
    case .customCopyable: "CB"
    case .customDoNotCopy: "DCB"
    case .pcapFileHeader: "pcap-header"
    case .pcapRecord: "pcap-record"
    default: "0x" + String(rawValue, radix: 16, uppercase: true)
    }
  }
}
