import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// Replays every input the fuzzers ever crashed on (`Fixtures/regressions/<target>/`) through the same checks as
/// the harness, with the harness's small buffers and with the defaults.
@Suite("Hostile regressions")
struct HostileRegressionTests {
  static let root = packageRoot.appendingPathComponent("Fixtures/regressions")

  static func inputs(_ target: String) -> [(String, [UInt8])] {
    let dir = root.appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasSuffix(".md") }.sorted().compactMap { n in
      (try? Data(contentsOf: dir.appendingPathComponent(n))).map { (n, [UInt8]($0)) }
    }
  }

  /// The repair harness's properties: regions in order and inside the input, linear scan, clean output.
  static func checkRepair(_ name: String, _ bytes: [UInt8], chunkSize: Int) throws {
    var options = ReaderOptions()
    options.chunkSize = chunkSize
    options.maxBlockSize = 1 << 20
    guard var lenient = try? LenientCaptureReader(bytes: bytes, options: options) else { return }
    var sink = MemorySink()
    let summary = try CaptureRepair.run(reader: &lenient, to: &sink)
    #expect(lenient.scanSteps <= 2 * bytes.count, "\(name): \(lenient.scanSteps) scan steps for \(bytes.count) bytes; \(summary.damage)")
    var last = -1
    for region in summary.damage {
      #expect(region.offset >= last, "\(name) chunk \(chunkSize): regions out of order: \(summary.damage)")
      #expect(region.length >= 0 && region.offset + region.length <= bytes.count, "\(name) chunk \(chunkSize): \(region)")
      last = region.action == .skipped ? region.offset + region.length : region.offset
    }
    guard summary.recordsWritten > 0 else { return }
    let back = readAll(sink.bytes)
    #expect(back.error == nil, "\(name) chunk \(chunkSize): repaired output: \(String(describing: back.error))")
    #expect(back.packets.count == summary.packetsWritten, "\(name) chunk \(chunkSize)")
  }

  @Test("repair regressions")
  func repair() throws {
    let inputs = Self.inputs("repair")
    try #require(!inputs.isEmpty, "Fixtures/regressions/repair is empty")
    for (name, bytes) in inputs {
      for chunk in [128, 4096, 4 << 20] { try Self.checkRepair(name, bytes, chunkSize: chunk) }
    }
  }

  /// Shared captures that crashed a fuzzer unchanged (read in place from `../shared/captures`, not copied).
  static let sharedRegressions = ["formats/shb-option-too-long.pcapng"]

  @Test("repair regressions found in the shared captures")
  func repairShared() throws {
    let present = Self.sharedRegressions.filter { FileManager.default.fileExists(atPath: sharedCaptures.appendingPathComponent($0).path) }
    guard !present.isEmpty else {
      print("skipped: ../shared/captures is absent")
      return
    }
    for name in present {
      let bytes = [UInt8](try Data(contentsOf: sharedCaptures.appendingPathComponent(name)))
      for chunk in [128, 4096, 4 << 20] { try Self.checkRepair(name, bytes, chunkSize: chunk) }
    }
  }
}
