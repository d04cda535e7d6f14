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
///
/// A server can run a subset of the built-in analyzers and add its own (``SummaryAnalyzer``):
/// `SummaryEngine(analyzers: [.devices, .requests], adding: [MyCheck()])`.
public struct SummaryEngine: Sendable {
  /// The thresholds and limits in use.
  public let configuration: SummaryConfiguration
  /// The built-in analyzers that run.
  public let analyzers: Analyzers
  /// The analyzers added by the caller, in the order given.
  public private(set) var added: [any SummaryAnalyzer]
  // One flag per optional analyzer, read per packet (cheaper than OptionSet tests).
  let runDevices: Bool, runNetworks: Bool, runDiscovery: Bool, runRequests: Bool, runMSTP: Bool, runOperations: Bool
  var traffic: TrafficAnalyzer
  var devices: DeviceAnalyzer
  var networks: NetworkAnalyzer
  var discovery: DiscoveryAnalyzer
  var requests: RequestAnalyzer
  var mstp: MSTPAnalyzer
  var quality: DecodeQualityAnalyzer
  var operations: OperationsAnalyzer
  var reflected: ReflectedBroadcasts

  /// Creates an engine with the given thresholds and limits, running the chosen built-in analyzers (all by default)
  /// and then the `added` ones.
  public init(configuration: SummaryConfiguration = SummaryConfiguration(), analyzers: Analyzers = .all,
              adding added: [any SummaryAnalyzer] = []) {
    self.configuration = configuration
    self.analyzers = analyzers
    self.added = added
    runDevices = analyzers.contains(.devices)
    runNetworks = analyzers.contains(.networks)
    runDiscovery = analyzers.contains(.discovery)
    runRequests = analyzers.contains(.requests)
    runMSTP = analyzers.contains(.mstp)
    runOperations = analyzers.contains(.operations)
    traffic = TrafficAnalyzer(config: configuration)
    devices = DeviceAnalyzer(config: configuration)
    networks = NetworkAnalyzer(config: configuration)
    discovery = DiscoveryAnalyzer(config: configuration)
    requests = RequestAnalyzer(config: configuration)
    mstp = MSTPAnalyzer(config: configuration)
    quality = DecodeQualityAnalyzer(config: configuration)
    operations = OperationsAnalyzer(config: configuration)
    reflected = ReflectedBroadcasts(config: configuration)
  }

  /// Consumes one packet decoded by ``BACnetPipeline``. The decode is only read (never copied whole): the
  /// analyzers take the header fields they need as scalars.
  public mutating func consume(_ d: DecodedPacket) {
    let p = AnalysisPacket(d)
    let c = MessageContext(p, d)
    traffic.consume(p, c)
    quality.consume(p, d, c)
    if runMSTP, d.carrier == .mstp { mstp.consume(p, d) }
    if !added.isEmpty {
      for i in added.indices { added[i].consume(p, d) }
    }
    // Evidence quality: a damaged frame (failed CRC, truncated or malformed decode) has fed the link statistics
    // and decode quality above; nothing else may rest on it.
    guard let c, !p.damaged else { return }
    // Copies of broadcasts sent from a broadcast address belong to no device (see ReflectedBroadcasts).
    if d.carrier == .udpPort || d.carrier == .udpHeuristic, reflected.isReflected(d, frame: p.frame) { return }
    if runDevices { devices.consume(p, d, c) }
    if runNetworks { networks.consume(p, d, c) }
    if runDiscovery { discovery.consume(p, d, c) }
    if runRequests { requests.consume(p, d, c) }
    if runOperations { operations.consume(p, d, c) }
  }

  /// The report as of now. Requests still open are judged against the last timestamp seen.
  public func report(captures: [CaptureFacts]) -> SummaryReport {
    var r = requests
    r.finish()
    let c = configuration
    var findings: [Finding] = []
    if runDiscovery { findings += discovery.findings(c) }
    if runDevices { findings += devices.findings(c) }
    if runNetworks { findings += networks.findings(c) + [reflected.finding()] }
    if runRequests { findings += r.findings(c) }
    if runMSTP { findings += mstp.findings(c) }
    if analyzers.contains(.decodeQuality) { findings += quality.findings(c) }
    if runOperations { findings += operations.findings(c) }
    for i in findings.indices where findings[i].status == .ok {
      if let why = nothingToJudge(findings[i].check, r) {
        findings[i].status = .notApplicable
        findings[i].message = "n/a: " + why
      }
    }
    for a in added { findings += a.findings(c) }
    findings.sort { a, b in a.check < b.check }
    var sections: [ReportSection] = []
    if analyzers.contains(.traffic) { sections.append(traffic.section(topN: c.topN)) }
    if runNetworks { sections.append(networks.section()) }
    if runDiscovery { sections.append(discovery.section()) }
    if runRequests { sections.append(r.section()) }
    if runOperations { sections.append(operations.section()) }
    if runMSTP, !mstp.isEmpty { sections.append(mstp.section()) }
    if analyzers.contains(.decodeQuality) { sections.append(quality.section()) }
    for a in added { sections += a.sections(c) }
    let limits: [(String, ReportValue)] = [
      ("max_devices", .n(c.maxDevices)), ("devices_dropped", .n(devices.dropped)),
      ("max_outstanding_requests", .n(c.maxOutstandingRequests)), ("requests_dropped", .n(r.pendingDropped)),
      ("max_table_rows", .n(c.maxTableRows)), ("talkers_dropped", .n(traffic.talkersDropped)),
      ("routers_dropped", .n(networks.routersDropped)), ("discovery_sources_dropped", .n(discovery.dropped)),
      ("error_rows_dropped", .n(r.errorTableDropped)), ("writes_dropped", .n(operations.writesDropped)),
      ("device_management_rows_dropped", .n(operations.controlsDropped)), ("evidence_frames_per_finding", .n(c.evidenceLimit)),
    ]
    var thresholds: [(String, ReportValue)] = []
    for t in SummaryThresholds.named { thresholds.append((t.name, .double(t.value(in: c.thresholds)))) }
    var report = SummaryReport(captures: captures, packets: traffic.packets, bytes: traffic.bytes,
                               firstTimeNs: traffic.firstNs, lastTimeNs: traffic.lastNs,
                               devices: devices.table(), sections: sections, findings: findings,
                               thresholds: thresholds, limits: limits)
    report.notices = notices()
    return report
  }

  /// What the report must say first: no BACnet decoded, BACnet/IP on ports nobody configured, damaged frames.
  func notices() -> [String] {
    var out: [String] = []
    if traffic.packets > 0, quality.bacnet == 0 {
      out.append("No BACnet decoded: nothing on the BACnet/IP UDP ports (47808–47823 unless --ports/--add-ports), no "
                 + "BACnet/Ethernet (LLC 82 82 03), no MS/TP frames; checks with nothing to judge are n/a.")
    }
    let arcnet = traffic.linkTypes.filter { $0.0.rawValue == 7 || $0.0.rawValue == 129 }.reduce(0) { $0 + $1.1 }
    if arcnet > 0 {
      out.append("\(grouped(arcnet)) ARCNET frame(s): BACnet over ARCNET is not decoded; these frames are counted only.")
    }
    let ports = traffic.lookalike.filter { $0.value >= Self.lookalikeMinimum }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    for (port, n) in ports.prefix(3) {
      out.append("\(grouped(n)) packet(s) on UDP \(port) look like BACnet/IP: re-run with --add-ports \(port) to decode them.")
    }
    if quality.damaged.count > 0 {
      out.append("\(grouped(quality.damaged.count)) damaged frame(s) (failed CRC, truncated or malformed BACnet) count only "
                 + "towards link statistics and decode quality; no finding rests on them.")
    }
    return out
  }

  /// Packets on one unconfigured UDP port that must look like BACnet/IP before the report suggests that port.
  static let lookalikeMinimum = 3

  /// Why a check had nothing to judge (its status becomes n/a), or nil when it had something.
  func nothingToJudge(_ check: String, _ r: RequestAnalyzer) -> String? {
    let intact = traffic.bacnetMessages - quality.damaged.count
    if intact <= 0, !check.hasPrefix("mstp."), !check.hasPrefix("decode."), check != "duplicates.mstp_mac" {
      return quality.bacnet == 0 ? "no BACnet decoded" : "no intact BACnet message"
    }
    switch check {
    case "duplicates.device_instance", "duplicates.address", "devices.unconfigured_instance":
      return devices.announcements == 0 ? "no I-Am or I-Have seen" : nil
    case "duplicates.network_number":
      return networks.routerAnnouncements == 0 ? "no I-Am-Router-To-Network seen" : nil
    case "bbmd.forwarded_npdu", "bbmd.bvlc_nak":
      return networks.bvlcMessages == 0 ? "no BACnet/IP or BACnet/IPv6 (BVLC) message seen" : nil
    case "bbmd.duplicate":
      return networks.forwarded.isEmpty ? "no Forwarded-NPDU seen" : nil
    case "bbmd.foreign_device_reregistration":
      return networks.foreignDevices.values.allSatisfy({ $0.registrations < 2 }) ? "no foreign device registered twice" : nil
    case "networks.hop_count":
      return networks.hopCounted == 0 ? "no routed message (with a hop count) seen" : nil
    case "requests.unanswered", "requests.retries", "requests.invoke_id_reuse", "requests.late_or_unmatched",
         "requests.errors", "requests.max_apdu", "requests.segmentation", "operations.communication_control",
         "operations.reinitialize":
      return r.requests == 0 && r.responses == 0 && r.unmatched.isEmpty ? "no confirmed request seen" : nil
    case "decode.bvlc_length":
      return quality.bvlc == 0 ? "no BVLC seen" : nil
    case "decode.non_bacnet":
      return traffic.bacnetPortPackets == 0 ? "no packet on a BACnet/IP port" : nil
    case "decode.truncated":
      return traffic.packets == 0 ? "no packets" : nil
    case "decode.malformed_tags", "decode.unknown_services":
      return quality.bacnet == 0 ? "no BACnet decoded" : nil
    case "decode.proprietary":
      return quality.bacnet == 0 && mstp.isEmpty ? "no BACnet decoded" : nil
    case "mstp.token_rtt":
      return mstp.tokenRTT.count == 0 ? "no token round trip (a station passing the token twice) seen" : nil
    case "mstp.reply_latency":
      return mstp.replyLatency.count == 0 && mstp.derNoReply.isEmpty ? "no Data-Expecting-Reply answered" : nil
    default:
      return nil
    }
  }
}
