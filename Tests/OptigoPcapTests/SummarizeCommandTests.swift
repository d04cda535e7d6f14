import Foundation
import Testing
import BACnetAnalysis
import PcapKit
@testable import optigo_pcap
import OptigoTestSupport

/// `optigo-pcap summarize`: JSON validated against docs/summary.schema.json (by the built-in validator, and by
/// python3 jsonschema when installed), merged timelines, argument errors and exit statuses.
@Suite("summarize command")
struct SummarizeCommandTests {
  static let root = FilterMergeSupport.packageRoot
  static let schema = root.appendingPathComponent("docs/summary.schema.json").path
  static let fixtures = root.appendingPathComponent("Fixtures/analysis")

  static func inputs() -> [String] {
    var files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path))?.filter { $0.hasSuffix(".pcap") }
      .sorted().map { fixtures.appendingPathComponent($0).path } ?? []
    if let c = FilterMergeSupport.captures {
      for name in ["bacnet/bacnet_example.pcap", "bacnet/bacnet_services.pcap", "bacnet/bacnet_segmented_data.pcap",
                   "bacnet/bacnet_error_reject_abort.pcap", "formats/sll2.pcap", "formats/empty.pcap"] {
        let p = c.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: p) { files.append(p) }
      }
    }
    return files
  }

  static func summary(_ file: String) -> SummaryReport? {
    Summarize.summarize(file, SummaryConfiguration(), BACnetPipeline.Configuration()).0
  }

  @Test func outputFollowsTheSchema() throws {
    let validator = try SummarizeSchemaValidator(schemaPath: Self.schema)
    let files = Self.inputs()
    #expect(files.count >= 7)
    var documents: [ReportValue] = []
    for f in files {
      let r = try #require(Self.summary(f))
      let v = r.json
      let errors = validator.validate(v)
      #expect(errors.isEmpty, "\(f): \(errors.prefix(5))")
      // The text is valid JSON and holds the same top-level keys.
      let parsed = try JSONSerialization.jsonObject(with: Data(v.json.utf8)) as? [String: Any]
      #expect(parsed?["schema_version"] as? Int == SummaryReport.schemaVersion)
      #expect((parsed?["findings"] as? [Any])?.isEmpty == false)
      documents.append(v)
    }
    // The multi-file form (an array) validates too.
    #expect(validator.validate(.array(documents)).isEmpty)
    guard let python = tool("python3") else { return }
    let dir = try FilterMergeSupport.scratch("schema")
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("all.json")
    try Data(ReportValue.array(documents).json.utf8).write(to: doc)
    let script = """
      import json, sys
      try:
          import jsonschema
      except ImportError:
          print("no-jsonschema"); sys.exit(0)
      jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
      print("valid")
      """
    let r = try FilterMergeSupport.run(python, ["-c", script, Self.schema, doc.path])
    #expect(r.status == 0, "jsonschema: \(r.err)")
    let said = String(decoding: r.out, as: UTF8.self)
    #expect(said.contains("valid") || said.contains("no-jsonschema"))
  }

  @Test func validatorRejectsBrokenDocuments() throws {
    let validator = try SummarizeSchemaValidator(schemaPath: Self.schema)
    let r = try #require(Self.summary(Self.fixtures.appendingPathComponent("retried_request.pcap").path))
    guard case .object(let kv) = r.json else { Issue.record("not an object"); return }
    #expect(!validator.validate(.object(kv.filter { $0.0 != "findings" })).isEmpty)
    let badStatus = kv.map { (k, v) -> (String, ReportValue) in
      k == "findings" ? (k, .array([.object([("check", .string("x.y")), ("status", .string("maybe")), ("threshold", .object([])),
                                             ("frames", .array([])), ("frame_count", .int(0)), ("message", .string(""))])])) : (k, v)
    }
    #expect(!validator.validate(.object(badStatus)).isEmpty)
    let badVersion = kv.map { ($0.0 == "schema_version" ? ($0.0, ReportValue.int(1)) : $0) }
    #expect(!validator.validate(.object(badVersion)).isEmpty)
  }

  @Test func mergedTimelineNumbersFramesAcrossFiles() throws {
    let a = Self.fixtures.appendingPathComponent("duplicate_instance.pcap").path
    let b = Self.fixtures.appendingPathComponent("bbmd_forwarded_iam.pcap").path
    let merged = SummaryEngine.summarizeMerged([a, b])
    #expect(merged.error == nil)
    let report = try #require(merged.report)
    #expect(report.packets == 6)
    #expect(report.captures.map(\.packets) == [4, 2])
    // Each file's format comes from the merge's own reader (the file is not opened a third time for it).
    #expect(report.captures.map(\.format) == ["pcap", "pcap"] && report.captures.allSatisfy { !$0.compressed })
    // Both captures start at the same instant: `a`'s frame 1 (t 0.0) comes first (input order on ties), then `b`'s
    // forwarded I-Am (t 0.0) as merged frame 2, so `a`'s I-Ams (files' frames 3 and 4) are merged frames 4 and 5.
    #expect(report.finding("duplicates.device_instance")?.frames == [4, 5])
    #expect(report.finding("bbmd.forwarded_npdu")?.frames == [2])
    guard case .object(let kv) = report.json, case .object(let cap)? = kv.first(where: { $0.0 == "capture" })?.1 else {
      Issue.record("no capture object")
      return
    }
    #expect(cap.first { $0.0 == "files" }?.1 == .array([.string(a), .string(b)]))
  }

  @Test func argumentErrorsAndExitStatuses() throws {
    let f = Self.fixtures.appendingPathComponent("retried_request.pcap").path
    #expect(FilterMergeSupport.optigo(["summarize", "--threshold", "nonsense=1", f]) == 64)
    #expect(FilterMergeSupport.optigo(["summarize", "--threshold", "apdu_timeout_ms", f]) == 64)
    #expect(FilterMergeSupport.optigo(["summarize", "--ports", "notaport", f]) == 64)
    #expect(FilterMergeSupport.optigo(["summarize", "/nonexistent/file.pcap"]) == 66)
    let (r, error) = Summarize.summarize("/nonexistent/file.pcap", SummaryConfiguration(), BACnetPipeline.Configuration())
    #expect(r == nil)  // no report: unreadable (exit 66)
    #expect(error != nil)
  }

  @Test func damagedInputIsSummarizedUpToTheDamage() throws {
    let dir = try FilterMergeSupport.scratch("damaged")
    defer { try? FileManager.default.removeItem(at: dir) }
    var bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("who_is_storm.pcap")))
    bytes.removeLast(10)  // cut the last record short
    let path = dir.appendingPathComponent("cut.pcap").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let (r, error) = Summarize.summarize(path, SummaryConfiguration(), BACnetPipeline.Configuration())
    #expect(error != nil)  // a report and an error: damaged (exit 65)
    #expect(FilterMergeSupport.optigo(["summarize", path]) == 65)
    let report = try #require(r)
    #expect(report.packets == 60)
    #expect(report.captures.first?.error != nil)
    #expect(report.finding("discovery.who_is_storm")?.status == .fail)
  }

  @Test func textReportNamesEveryFinding() throws {
    let r = try #require(Self.summary(Self.fixtures.appendingPathComponent("mstp_ring.pcap").path))
    let text = r.text
    for f in r.findings { #expect(text.contains(f.check)) }
    #expect(text.contains("FAIL   mstp.lost_token"))
    #expect(text.contains("MS/TP stations"))
  }
}

@Suite("summarize --fail-on")
struct SummarizeFailOnTests {
  @Test func failOnSetsADistinctExitStatus() {
    let fixtures = FilterMergeSupport.packageRoot.appendingPathComponent("Fixtures/analysis")
    let warn = fixtures.appendingPathComponent("retried_request.pcap").path       // requests.retries warn
    let fail = fixtures.appendingPathComponent("unanswered_request.pcap").path    // requests.unanswered fail
    let clean = fixtures.appendingPathComponent("rpm_names.pcap").path            // nothing above ok
    #expect(FilterMergeSupport.optigo(["summarize", "--json", warn]) == 0)
    #expect(FilterMergeSupport.optigo(["summarize", "--json", "--fail-on", "warn", warn]) == 2)
    #expect(FilterMergeSupport.optigo(["summarize", "--json", "--fail-on", "fail", warn]) == 0)
    #expect(FilterMergeSupport.optigo(["summarize", "--json", "--fail-on", "fail", fail]) == 2)
    #expect(FilterMergeSupport.optigo(["summarize", "--json", "--fail-on", "warn", clean]) == 0)
    #expect(FilterMergeSupport.optigo(["summarize", "--fail-on", "warn", "--wide", "--all", "--local-time", clean]) == 0)
    #expect(FilterMergeSupport.optigo(["summarize", "--fail-on", "maybe", warn]) == 64)
    // A read error outranks the findings: the unreadable file's 66, not 2.
    #expect(FilterMergeSupport.optigo(["summarize", "--fail-on", "warn", "/nonexistent/x.pcap"]) == 66)
  }
}
