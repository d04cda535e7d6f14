import Foundation
import Testing
@testable import optigo_pcap
import OptigoTestSupport

/// Several files at once (`summarize -j`, `info -j`): the same output, in input order, and the same errors and exit
/// status as one file at a time.
@Suite struct ParallelFilesTests {
  @Test("ParallelFiles.map returns every result in index order whatever the number of workers")
  func mapKeepsOrder() {
    for jobs in [1, 2, 3, 8, 100] {
      let out = ParallelFiles.map(37, jobs: jobs) { i -> Int in
        // Uneven work, so later indices often finish first.
        var x = 0
        for k in 0..<((37 - i) * 2_000) { x &+= k ^ i }
        return i * 1_000 + (x & 0)
      }
      #expect(out == (0..<37).map { $0 * 1_000 }, "jobs \(jobs)")
    }
    #expect(ParallelFiles.map(0, jobs: 4) { $0 }.isEmpty)
    #expect(ParallelFiles.defaultJobs >= 1)
  }

  /// Fixtures of several kinds, an unreadable path and a damaged file among them.
  func inputs(_ dir: URL) throws -> [String] {
    let analysis = packageRoot.appendingPathComponent("Fixtures/analysis")
    var files = ["who_is_storm.pcap", "mstp_ring.pcap", "writes_and_control.pcap", "segmented_response.pcap",
                 "duplicate_bbmd.pcap"].map { analysis.appendingPathComponent($0).path }
    var cut = try [UInt8](Data(contentsOf: URL(fileURLWithPath: files[0])))
    cut.removeLast(10)
    let damaged = dir.appendingPathComponent("cut.pcap").path
    try Data(cut).write(to: URL(fileURLWithPath: damaged))
    files.insert(dir.appendingPathComponent("missing.pcap").path, at: 2)
    files.append(damaged)
    files.append(packageRoot.appendingPathComponent("Fixtures/bacnet-ip/sample.pcap").path)
    return files
  }

  @Test("summarize and info: -j 4 prints exactly what -j 1 prints (stdout, stderr, exit status)")
  func sameAsSequential() throws {
    guard let bin = optigoPcap else {
      Issue.record("the optigo-pcap executable was not built")
      return
    }
    let dir = try FilterMergeSupport.scratch("parallel")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try inputs(dir)
    for command in [["summarize", "--json"], ["summarize"], ["info"], ["info", "--json"]] {
      let one = try run(bin, command + ["-j", "1"] + files)
      let many = try run(bin, command + ["-j", "4"] + files)
      #expect(one.status == 66, "\(command): the missing file makes the run unreadable")
      #expect(many.status == one.status, "\(command)")
      #expect(many.stdout == one.stdout, "\(command): output differs with -j 4")
      #expect(many.stderr == one.stderr, "\(command): errors differ with -j 4")
      #expect(one.stderr.contains("missing.pcap") && one.stderr.contains("cut.pcap"))
      // Input order: each file's name appears in the output in the order given.
      let named = files.filter { !$0.hasSuffix("missing.pcap") }.map { URL(fileURLWithPath: $0).lastPathComponent }
      let positions = named.compactMap { many.stdout.range(of: $0)?.lowerBound }
      #expect(positions.count == named.count && positions == positions.sorted(), "\(command): not in input order")
    }
    #expect(FilterMergeSupport.optigo(["summarize", "-j", "0", files[0]]) == 64)
    #expect(FilterMergeSupport.optigo(["info", "-j", "0", files[0]]) == 64)
  }
}
