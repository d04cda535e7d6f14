import PcapKit
import BACnetDecode

/// The summary analyzer: consumes decoded packets one at a time and produces a ``SummaryReport``.
///
/// Usable on a file, on several files merged into one timeline, or on a live stream: call ``consume(_:)`` for
/// every packet in order, then ``report(captures:)`` (as often as wanted; it does not disturb the state).
/// Memory is bounded by the devices, servers and outstanding requests seen — each table has a cap in
/// ``SummaryConfiguration``, and refusals are counted in the report's `limits` — never by the number of packets.
///
/// ```swift
/// var engine = SummaryEngine()
/// var pipeline = BACnetPipeline()
/// var reader = try CaptureReader(path: "site.pcap")
/// while let p = try reader.nextPacket() { engine.consume(pipeline.decode(p)) }
/// print(engine.report(captures: []).text)
/// ```
public struct SummaryEngine: Sendable {
  /// The thresholds and limits in use.
  public let configuration: SummaryConfiguration
  var traffic: TrafficAnalyzer
  var devices: DeviceAnalyzer
  var networks: NetworkAnalyzer
  var discovery: DiscoveryAnalyzer
  var requests: RequestAnalyzer
  var mstp: MSTPAnalyzer
  var quality: DecodeQualityAnalyzer
  var operations: OperationsAnalyzer

  /// Creates an engine with the given thresholds and limits.
  public init(configuration: SummaryConfiguration = SummaryConfiguration()) {
    self.configuration = configuration
    traffic = TrafficAnalyzer(config: configuration)
    devices = DeviceAnalyzer(config: configuration)
    networks = NetworkAnalyzer(config: configuration)
    discovery = DiscoveryAnalyzer(config: configuration)
    requests = RequestAnalyzer(config: configuration)
    mstp = MSTPAnalyzer(config: configuration)
    quality = DecodeQualityAnalyzer(config: configuration)
    operations = OperationsAnalyzer(config: configuration)
  }

  /// Consumes one packet decoded by ``BACnetPipeline``. The decode is only read (never copied whole): the
  /// analyzers take the header fields they need as scalars.
  public mutating func consume(_ d: DecodedPacket) {
    let p = AnalysisPacket(d)
    let c = MessageContext(p, d)
    traffic.consume(p, c)
    quality.consume(p, d, c)
    if d.carrier == .mstp { mstp.consume(p, d) }
    guard let c else { return }
    devices.consume(p, d, c)
    networks.consume(p, d, c)
    discovery.consume(p, d, c)
    requests.consume(p, d, c)
    operations.consume(p, d, c)
  }

  /// The report as of now. Requests still open are judged against the last timestamp seen.
  public func report(captures: [CaptureFacts]) -> SummaryReport {
    var r = requests
    r.finish()
    let c = configuration
    var findings = discovery.findings(c) + devices.findings(c) + networks.findings(c) + r.findings(c)
      + mstp.findings(c) + quality.findings(c) + operations.findings(c)
    findings.sort { a, b in a.check < b.check }
    var sections = [traffic.section(topN: c.topN), networks.section(), discovery.section(), r.section(), operations.section()]
    if !mstp.isEmpty { sections.append(mstp.section()) }
    sections.append(quality.section())
    let limits: [(String, ReportValue)] = [
      ("max_devices", .n(c.maxDevices)), ("devices_dropped", .n(devices.dropped)),
      ("max_outstanding_requests", .n(c.maxOutstandingRequests)), ("requests_dropped", .n(r.pendingDropped)),
      ("max_table_rows", .n(c.maxTableRows)), ("talkers_dropped", .n(traffic.talkersDropped)),
      ("routers_dropped", .n(networks.routersDropped)), ("discovery_sources_dropped", .n(discovery.dropped)),
      ("error_rows_dropped", .n(r.errorTableDropped)), ("writes_dropped", .n(operations.writesDropped)),
      ("device_management_rows_dropped", .n(operations.controlsDropped)), ("evidence_frames_per_finding", .n(c.evidenceLimit)),
    ]
    var thresholds: [(String, ReportValue)] = []
    for t in SummaryConfiguration.thresholds { thresholds.append((t.name, .double(c[t.name]))) }
    return SummaryReport(captures: captures, packets: traffic.packets, bytes: traffic.bytes,
                         firstTimeNs: traffic.firstNs, lastTimeNs: traffic.lastNs,
                         devices: devices.table(), sections: sections, findings: findings,
                         thresholds: thresholds, limits: limits)
  }
}
