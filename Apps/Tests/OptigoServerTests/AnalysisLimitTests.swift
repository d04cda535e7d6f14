import Foundation
import OptigoServerCore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The analysis runs in a child process with CPU, memory and wall-clock limits: a capture too costly to analyse
/// kills only the child, its job ends failed with the reason, and the server goes on serving and analysing.
@Suite(.serialized) struct AnalysisLimitTests {
  @Test func aHugeCaptureIsStoppedByTheCPULimitTheJobFailsAndTheServerSurvives() async throws {
    // 300,000 packets take several CPU seconds to analyse in this (debug) build: far above a 1-second limit.
    try await ServerFixture.with(
      analysis: AnalysisLimits(memoryBytes: 1 << 30, cpuSeconds: 1, wallSeconds: 60), maximumAttempts: 1
    ) { fixture in
      let (org, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let ingest = CaptureIngest(
        database: fixture.server.database, blobs: fixture.server.app.blobs, staging: fixture.server.paths.staging,
        maximumStoredBytes: 1 << 30, maximumAttempts: 1)
      @Sendable func store(_ bytes: [UInt8]) async throws -> String {
        let path = NSTemporaryDirectory() + "optigo-limit-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let outcome = try await ingest.ingest(
          path: path, declaredSHA256: Captures.hex(Captures.sha256(bytes)), organisation: org, site: site.id,
          originalName: nil)
        guard case .accepted(let id, _) = outcome else { throw FixtureError("not accepted: \(outcome)") }
        return id
      }
      try await fixture.run { ports in
        let huge = try await store(Captures.whoIs(packets: 300_000))
        let state = try await fixture.waitForAnalysis(huge, organisation: org, seconds: 120)
        #expect(state.state == .failed && state.attempts == 1, "\(state)")
        let error = state.error ?? ""
        #expect(error.contains("SIGXCPU") || error.contains("SIGKILL"), "\(error)")
        #expect(try await fixture.server.app.catalog.report(huge, organisation: org) == nil)

        // The server still answers, and the next capture is analysed by the same worker.
        let https = try #require(ports["https"])
        let page = try #require(try await RawHTTP.send(
          port: https, head: "GET /login HTTP/1.1\r\nHost: localhost:\(https)\r\nConnection: close\r\n\r\n"))
        #expect(page.status == 200)
        let small = try await store(Captures.whoIs(packets: 100, salt: 7))
        let done = try await fixture.waitForAnalysis(small, organisation: org)
        #expect(done.state == .done, "\(done)")
      }
    }
  }

  @Test func theWallClockLimitKillsAChildThatHangs() async throws {
    let start = ContinuousClock.now
    let outcome = try await ChildProcess.run(
      executable: "/bin/sleep", arguments: ["60"], wallSeconds: 1, maximumOutputBytes: 1024,
      pollInterval: .milliseconds(200))
    #expect(outcome.timedOut)
    #expect(outcome.signal == SIGKILL)
    #expect(outcome.account == "killed at the wall-clock limit")
    #expect(ContinuousClock.now - start < .seconds(30))
  }

  @Test func aChildIsKilledWhenTheServerStops() async throws {
    let start = ContinuousClock.now
    let task = Task {
      try await ChildProcess.run(executable: "/bin/sleep", arguments: ["60"], wallSeconds: 120, maximumOutputBytes: 1024)
    }
    try await Task.sleep(for: .milliseconds(300))
    task.cancel()
    let outcome = try await task.value
    #expect(outcome.signal == SIGKILL && !outcome.timedOut)
    #expect(ContinuousClock.now - start < .seconds(30))
  }

  @Test func theChildAppliesItsMemoryAndCPULimitsBeforeReading() async throws {
    // The child's own view of its limits, read from /proc while it runs (a 300,000-packet capture keeps it busy).
    let path = NSTemporaryDirectory() + "optigo-limits-\(UUID().uuidString).pcap"
    _ = FileManager.default.createFile(atPath: path, contents: Data(Captures.whoIs(packets: 300_000)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ServerFixture.executable)
    process.arguments = ["analyze", "--memory-limit", "\(768 << 20)", "--cpu-seconds", "120", path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
    }
    var limits = ""
    for _ in 0..<200 {
      limits = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)) ?? ""
      if limits.contains("\(768 << 20)") || !process.isRunning { break }
      try await Task.sleep(for: .milliseconds(20))
    }
    let address = limits.split(separator: "\n").first { $0.hasPrefix("Max address space") } ?? ""
    let cpu = limits.split(separator: "\n").first { $0.hasPrefix("Max cpu time") } ?? ""
    #expect(address.split(separator: " ", omittingEmptySubsequences: true).contains("\(768 << 20)"), "\(address)")
    #expect(cpu.split(separator: " ", omittingEmptySubsequences: true).contains("120"), "\(cpu)")
  }
}
