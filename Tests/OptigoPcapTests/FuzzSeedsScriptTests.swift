import Foundation
import Testing
import OptigoTestSupport

/// `Fuzz/seeds.py` must derive seeds from any capture it meets, damaged or not, without stopping: `Fuzz/run.sh`
/// calls it before fuzzing starts, so a crash there means the documented command fails.
@Suite("Fuzz seed script reads damaged captures", .enabled(if: tool("python3") != nil, "python3 is not installed"))
struct FuzzSeedsScriptTests {
  static let targets = ["pcap", "pcapng", "gzip", "linklayer", "bacnet", "tags", "mstp", "mstpstream", "repair", "summarize", "ringblock", "sanitize", "select"]

  /// Captures cut inside their own headers or records, plus gzip streams that end early or are not gzip at all.
  static func writeDamagedCaptures(into dir: URL) throws {
    let pcapHeader: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 8)
      + [0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
    let record: [UInt8] = [UInt8](repeating: 0, count: 8) + [0xFF, 0xFF, 0xFF, 0x7F, 60, 0, 0, 0]
    let shb: [UInt8] = [0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0]
      + [UInt8](repeating: 0xFF, count: 8) + [28, 0, 0, 0]
    let idbShort: [UInt8] = [1, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0]
    let epbClaimingTooMuch: [UInt8] = [6, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
      + [0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0]
    let files: [String: [UInt8]] = [
      "magic-only.pcap": Array(pcapHeader.prefix(4)),
      "header-cut.pcap": Array(pcapHeader.prefix(19)),
      "record-claims-2gib.pcap": pcapHeader + record,
      "shb-cut.pcapng": Array(shb.prefix(10)),
      "idb-too-short.pcapng": shb + idbShort + epbClaimingTooMuch,
      "empty.pcap": [],
      "not-gzip.pcap.gz": [0x1F, 0x8B, 0x08, 0x00, 0x01],
      "random.cap": (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) },
    ]
    for (name, bytes) in files {
      try Data(bytes).write(to: dir.appendingPathComponent(name))
    }
  }

  @Test("every target's seeds come out of Fixtures/, ../shared/captures and damaged captures without a crash",
        arguments: targets)
  func seedsForTarget(_ target: String) throws {
    let python = try #require(tool("python3"))
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("seeds-\(target)-\(UUID().uuidString)")
    let damaged = work.appendingPathComponent("damaged")
    let out = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: damaged, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    try Self.writeDamagedCaptures(into: damaged)

    let script = packageRoot.appendingPathComponent("Fuzz/seeds.py").path
    let result = try run(python, [script, target, out.path, damaged.path])
    #expect(result.status == 0, "seeds.py \(target) failed: \(result.stderr)")
    #expect(!result.stderr.contains("Traceback"), "\(result.stderr)")
    let seeds = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
    #expect(!seeds.isEmpty, "no seeds for \(target) from Fixtures/")
  }
}
