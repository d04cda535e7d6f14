import Foundation
import Testing
import PcapKit
import BACnetDecode
@testable import BACnetAnalysis
import OptigoTestSupport

/// Paths, tools and a one-call summary for the analyzer tests.
enum SummarySupport {
  /// The package root (three levels above this file).
  static let packageRoot = OptigoTestSupport.packageRoot
  /// `Fixtures/analysis`.
  static let fixtures = packageRoot.appendingPathComponent("Fixtures/analysis")
  /// `../shared/captures`, nil when absent.
  static var captures: URL? {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/captures")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// Runs a program and returns (status, standard output); output goes through a temporary file.
  static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("summ-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: out) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    p.standardOutput = try FileHandle(forWritingTo: out)
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
  }

  /// Every capture file under `dir` (recursively), sorted.
  static func files(under dir: URL, extensions: Set<String> = ["pcap", "pcapng", "gz"]) -> [URL] {
    let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
    var out: [URL] = []
    while let u = e?.nextObject() as? URL {
      if extensions.contains(u.pathExtension) { out.append(u) }
    }
    return out.sorted { $0.path < $1.path }
  }

  /// Summarizes one file with the library (facts, pipeline, engine), as the CLI does.
  static func summarize(_ path: String, configuration: SummaryConfiguration = SummaryConfiguration(),
                        pipeline pc: BACnetPipeline.Configuration = BACnetPipeline.Configuration(),
                        name: String? = nil) -> SummaryReport {
    var facts = CaptureFacts(file: name ?? path)
    var engine = SummaryEngine(configuration: configuration)
    var pipeline = BACnetPipeline(configuration: pc)
    do {
      var reader = try CaptureReader(path: path)
      facts.noteReader(reader)
      while let r = try reader.next() {
        facts.observe(r)
        if case .packet(let p) = r { engine.consume(pipeline.decode(p)) }
      }
    } catch {
      facts.error = error.description
    }
    return engine.report(captures: [facts])
  }

  /// Summarizes a fixture of `Fixtures/analysis`.
  static func fixture(_ name: String, configuration: SummaryConfiguration = SummaryConfiguration(),
                      pipeline pc: BACnetPipeline.Configuration = BACnetPipeline.Configuration()) -> SummaryReport {
    summarize(fixtures.appendingPathComponent(name).path, configuration: configuration, pipeline: pc, name: name)
  }

  /// Every fixture of `Fixtures/analysis`, by file name.
  static var fixtureNames: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).filter { $0.hasSuffix(".pcap") }.sorted()
  }

  /// Every warn/fail finding as `check status [frames]`, sorted.
  static func nonOK(_ r: SummaryReport) -> [String] {
    r.findings.filter { $0.status == .warn || $0.status == .fail }.map { "\($0.check) \($0.status) \($0.frames)" }.sorted()
  }

  /// The facts of a section by key.
  static func facts(_ r: SummaryReport, _ section: String) -> [String: ReportValue] {
    Dictionary(uniqueKeysWithValues: (r.section(section)?.facts ?? []).map { ($0.0, $0.1) })
  }

  /// The rows of a table as dictionaries keyed by column.
  static func rows(_ t: ReportTable) -> [[String: ReportValue]] {
    t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.columns, $0)) }
  }
}
