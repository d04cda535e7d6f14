import BACnetDecode
import Foundation
import PcapKit
import Testing

@testable import BACnetAnalysis

/// A caller's own analyzer: counts confirmed requests per service, with a finding of its own.
struct ConfirmedRequestCounter: SummaryAnalyzer {
  var requests = 0
  var firstFrame: Int?

  mutating func consume(_ packet: AnalysisPacket, _ decoded: DecodedPacket) {
    guard !packet.damaged, let a = decoded.apdu, a.pduType.rawValue == 0 else { return }
    requests += 1
    if firstFrame == nil { firstFrame = packet.frame }
  }

  func findings(_ configuration: SummaryConfiguration) -> [Finding] {
    [Finding(check: "site.confirmed_requests", status: requests > 1 ? .warn : .ok, frames: firstFrame.map { [$0] } ?? [],
             message: "\(requests) confirmed request(s)")]
  }

  func sections(_ configuration: SummaryConfiguration) -> [ReportSection] {
    [ReportSection(key: "site", title: "Site checks", facts: [("confirmed_requests", .n(requests))])]
  }
}

@Suite("SummaryEngine composed of chosen and added analyzers")
struct ComposedEngineTests {
  static func run(_ fixture: String, _ engine: SummaryEngine) -> SummaryReport {
    var engine = engine
    var pipeline = BACnetPipeline()
    let path = SummarySupport.fixtures.appendingPathComponent(fixture).path
    guard var reader = try? CaptureReader(path: path) else { return engine.report(captures: []) }
    while let p = try? reader.nextPacket() { engine.consume(pipeline.decode(p)) }
    return engine.report(captures: [])
  }

  @Test("two built-in analyzers and one added: only their findings and sections, the same verdicts as the full engine")
  func subsetPlusOwn() throws {
    let full = SummarySupport.fixture("retried_request.pcap")
    let engine = SummaryEngine(analyzers: [.requests, .discovery], adding: [ConfirmedRequestCounter()])
    let r = Self.run("retried_request.pcap", engine)
    let checks = Set(r.findings.map(\.check))
    #expect(checks.allSatisfy { $0.hasPrefix("requests.") || $0.hasPrefix("discovery.") || $0.hasPrefix("site.") })
    #expect(checks.contains("requests.retries") && checks.contains("discovery.who_is_storm"))
    #expect(r.sections.map(\.key) == ["discovery", "requests", "site"])
    for f in r.findings where !f.check.hasPrefix("site.") { #expect(f == full.finding(f.check), "\(f.check)") }
    let own = try #require(r.finding("site.confirmed_requests"))
    #expect(own.status == .warn && own.message == "2 confirmed request(s)" && own.frames == [1])
    #expect(r.section("site")?.facts.first?.1 == .int(2))
    #expect(r.devices.rows.isEmpty)
    #expect(r.packets == full.packets)
  }

  @Test("the default engine runs every built-in analyzer")
  func defaultIsAll() {
    #expect(SummaryEngine().analyzers == .all)
    let none = Self.run("retried_request.pcap", SummaryEngine(analyzers: []))
    #expect(none.findings.isEmpty && none.sections.isEmpty)
  }
}

@Suite("Sendable choices of BACnetAnalysis")
struct AnalysisSendabilityTests {
  static func requireSendable<T: Sendable>(_: T.Type) -> Bool { true }

  @Test("pipeline, engine, thresholds, decodes and reports may cross tasks")
  func sendable() async {
    #expect(Self.requireSendable(BACnetPipeline.self) && Self.requireSendable(SummaryEngine.self))
    #expect(Self.requireSendable(SummaryThresholds.self) && Self.requireSendable(DecodedPacket.self))
    #expect(Self.requireSendable(SummaryReport.self) && Self.requireSendable((any SummaryAnalyzer).self))
    // A pipeline and an engine built here, moved into a task that reads the stream.
    let pipeline = BACnetPipeline(), engine = SummaryEngine(analyzers: [.requests], adding: [ConfirmedRequestCounter()])
    let report = await Task.detached {
      var pipeline = pipeline, engine = engine
      let path = SummarySupport.fixtures.appendingPathComponent("retried_request.pcap").path
      if var reader = try? CaptureReader(path: path) {
        while let p = try? reader.nextPacket() { engine.consume(pipeline.decode(p)) }
      }
      return engine.report(captures: [])
    }.value
    #expect(report.finding("requests.retries")?.status == .warn)
  }
}
