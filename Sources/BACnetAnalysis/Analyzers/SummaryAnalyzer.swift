/// An analysis a ``SummaryEngine`` runs beside (or instead of) its built-in ones: it sees every packet in capture
/// order and contributes findings and report sections.
///
/// Conforming types are values (the engine owns them and is `Sendable`, so they must be too). Memory must stay
/// bounded by what is tracked (devices, conversations), never by the packet count: a live daemon runs the engine
/// for weeks.
///
/// ```swift
/// struct WritePropertyCounter: SummaryAnalyzer {
///   var writes = 0
///   mutating func consume(_ packet: AnalysisPacket, _ decoded: DecodedPacket) {
///     if decoded.apdu?.serviceChoice == 15, decoded.apdu?.pduType.rawValue == 0 { writes += 1 }
///   }
///   func findings(_ configuration: SummaryConfiguration) -> [Finding] {
///     [Finding(check: "site.writes", status: writes > 0 ? .warn : .ok, message: "\(writes) WriteProperty request(s)")]
///   }
///   func sections(_ configuration: SummaryConfiguration) -> [ReportSection] {
///     [ReportSection(key: "site", title: "Site checks", facts: [("writes", .n(writes))])]
///   }
/// }
/// var engine = SummaryEngine(analyzers: [.requests, .devices], adding: [WritePropertyCounter()])
/// ```
public protocol SummaryAnalyzer: Sendable {
  /// Consumes one packet: its position, time and addresses (`packet`) and its decode (`decoded`, read only).
  /// Damaged frames (failed CRC, truncated or malformed BACnet: `packet.damaged`) arrive too; findings should not
  /// rest on them.
  mutating func consume(_ packet: AnalysisPacket, _ decoded: DecodedPacket)
  /// The findings as of now (the engine sorts all findings by check name). Check names should be `section.name`
  /// in a section of their own so they do not collide with the built-in ones.
  func findings(_ configuration: SummaryConfiguration) -> [Finding]
  /// The report sections as of now, printed after the built-in ones.
  func sections(_ configuration: SummaryConfiguration) -> [ReportSection]
}

extension SummaryEngine {
  /// The built-in analyzers a ``SummaryEngine`` can run; traffic and decode-quality counting always run (they
  /// give the report its totals and notices), the rest only when chosen.
  public struct Analyzers: OptionSet, Sendable, Hashable {
    /// The bits.
    public let rawValue: UInt16
    /// Creates a set from its bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Traffic totals, rates, protocol mix, top talkers, histogram (section `traffic`).
    public static let traffic = Analyzers(rawValue: 1 << 0)
    /// The device inventory and the duplicate-instance/address checks (`devices`, `duplicates.*`).
    public static let devices = Analyzers(rawValue: 1 << 1)
    /// Routers, network numbers, BBMDs, foreign devices, hop counts, broadcast sources (`networks`, `bbmd.*`).
    public static let networks = Analyzers(rawValue: 1 << 2)
    /// Who-Is/I-Am, Who-Has/I-Have and storms (`discovery`).
    public static let discovery = Analyzers(rawValue: 1 << 3)
    /// Confirmed request timing, retries, errors, segmentation, max-APDU (`requests`).
    public static let requests = Analyzers(rawValue: 1 << 4)
    /// MS/TP token passing, reply latency and line quality (`mstp`).
    public static let mstp = Analyzers(rawValue: 1 << 5)
    /// Truncated, malformed and proprietary frames (`decode_quality`, `decode.*`).
    public static let decodeQuality = Analyzers(rawValue: 1 << 6)
    /// Writes and device management: DCC, reinitialize, time synchronization (`operations`).
    public static let operations = Analyzers(rawValue: 1 << 7)
    /// Every built-in analyzer (what `optigo-pcap summarize` runs).
    public static let all: Analyzers = [.traffic, .devices, .networks, .discovery, .requests, .mstp, .decodeQuality,
                                        .operations]
  }
}
