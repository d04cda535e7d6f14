public import Foundation
import Logging
import SQLiteNIO
public import ServiceLifecycle

/// The in-process worker of the embedded mode: claims jobs, runs each analysis in a child process
/// (`optigo-server analyze`, limited by ``AnalysisLimits``) so that a hostile capture can at worst kill the
/// child, heartbeats the lease while it runs, stores the JSON report, and removes expired uploads between jobs.
public struct AnalysisWorker: Service {
  let queue: any JobQueue
  let database: ServerDatabase
  let blobs: any BlobStore
  let uploads: UploadService
  /// The `optigo-server` executable run as the child.
  let executable: String
  let limits: AnalysisLimits
  /// This worker's name in the jobs table.
  public let name: String
  let lease: Duration
  let idlePoll: Duration
  let retryAfter: Duration
  let doorbell: Doorbell

  /// A worker; `doorbell` nudges it when a job is queued (otherwise it polls every `idlePoll`).
  public init(
    queue: any JobQueue, database: ServerDatabase, blobs: any BlobStore, uploads: UploadService, executable: String,
    limits: AnalysisLimits, name: String = "embedded-\(ProcessInfo.processInfo.processIdentifier)",
    lease: Duration = .seconds(60), idlePoll: Duration = .seconds(2), retryAfter: Duration = .seconds(5),
    doorbell: Doorbell
  ) {
    self.queue = queue
    self.database = database
    self.blobs = blobs
    self.uploads = uploads
    self.executable = executable
    self.limits = limits
    self.name = name
    self.lease = lease
    self.idlePoll = idlePoll
    self.retryAfter = retryAfter
    self.doorbell = doorbell
  }

  public func run() async throws {
    let logger = Logger(label: "optigo-server.worker")
    try await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          _ = try await uploads.expireAbandoned()
          if try await runOne() { continue }
        } catch {
          logger.error("worker: \(error)")
        }
        await doorbell.wait(upTo: idlePoll)
      }
    }
  }

  /// Claims and runs one job; false when none was ready.
  public func runOne() async throws -> Bool {
    guard let job = try await queue.claim(worker: name, lease: lease) else { return false }
    guard let objectID = try await database.query(
      "SELECT object_id FROM captures WHERE id = ? AND org_id = ?", [.text(job.captureID), .int(job.organisation)]
    ).first?.string("object_id") else {
      try await queue.fail(job, worker: name, error: "the capture's row is missing", retryAfter: retryAfter)
      return true
    }
    let path = try await blobs.readablePath(objectID: objectID)
    let queue = self.queue
    let name = self.name
    let lease = self.lease
    let outcome = try await ChildProcess.run(
      executable: executable,
      arguments: ["analyze", "--memory-limit", "\(limits.memoryBytes)", "--cpu-seconds", "\(limits.cpuSeconds)", path],
      wallSeconds: limits.wallSeconds, maximumOutputBytes: limits.maximumReportBytes,
      pollInterval: .seconds(max(1, min(10, lease.seconds / 4))),
      whileRunning: { (try? await queue.heartbeat(job, worker: name, lease: lease)) ?? false })
    // Stopping: the child was killed; the job is left running, and claimed again once its lease has run out.
    if Task.isCancelled { return true }
    if outcome.exitStatus == 0, let output = outcome.output, let text = String(validating: output, as: UTF8.self),
      (try? JSONSerialization.jsonObject(with: Data(output))) != nil
    {
      _ = try await queue.complete(job, worker: name, reportJSON: text)
    } else {
      let why = outcome.exitStatus == 0
        ? (outcome.output == nil ? "the report exceeds \(limits.maximumReportBytes) bytes" : "the report is not JSON")
        : outcome.account
      try await queue.fail(job, worker: name, error: "attempt \(job.attempt): \(why)", retryAfter: retryAfter)
    }
    return true
  }
}

/// Wakes an idle worker when a job is queued; a wait also ends after its timeout.
public actor Doorbell {
  private var pending = false
  private var waiter: CheckedContinuation<Void, Never>?

  /// A doorbell nobody has rung.
  public init() {}

  /// Wakes the waiting worker, or the next one to wait.
  public func ring() {
    if let waiter {
      self.waiter = nil
      waiter.resume()
    } else {
      pending = true
    }
  }

  /// Returns when rung, or after `timeout`.
  func wait(upTo timeout: Duration) async {
    if pending {
      pending = false
      return
    }
    let timer = Task {
      guard (try? await Task.sleep(for: timeout)) != nil else { return }
      await self.ring()
    }
    await withCheckedContinuation { waiter = $0 }
    timer.cancel()
    pending = false
  }
}
