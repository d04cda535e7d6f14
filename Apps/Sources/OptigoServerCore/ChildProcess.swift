public import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Limits of one analysis child process. The child applies the memory and CPU limits to itself (`setrlimit`)
/// before it opens the capture; the parent kills it at the wall-clock limit.
public struct AnalysisLimits: Sendable {
  /// Address-space limit (`RLIMIT_AS`), bytes.
  public var memoryBytes: Int
  /// CPU-time limit (`RLIMIT_CPU`), seconds.
  public var cpuSeconds: Int
  /// Wall-clock limit, seconds (the parent sends SIGKILL).
  public var wallSeconds: Double
  /// Largest report accepted on standard output.
  public var maximumReportBytes: Int

  /// The defaults: 2 GiB, 10 CPU minutes, 15 wall minutes, 64 MiB of report.
  public init(memoryBytes: Int = 2 << 30, cpuSeconds: Int = 600, wallSeconds: Double = 900,
              maximumReportBytes: Int = 64 << 20) {
    self.memoryBytes = memoryBytes
    self.cpuSeconds = cpuSeconds
    self.wallSeconds = wallSeconds
    self.maximumReportBytes = maximumReportBytes
  }

  /// Applies the memory and CPU limits to the calling process (the child calls it first thing).
  public static func applyToSelf(memoryBytes: Int, cpuSeconds: Int) -> Bool {
    var memory = rlimit(rlim_cur: rlim_t(memoryBytes), rlim_max: rlim_t(memoryBytes))
    var cpu = rlimit(rlim_cur: rlim_t(cpuSeconds), rlim_max: rlim_t(cpuSeconds + 1))
    #if canImport(Glibc)
      return setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory) == 0
        && setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &cpu) == 0
    #else
      return setrlimit(RLIMIT_AS, &memory) == 0 && setrlimit(RLIMIT_CPU, &cpu) == 0
    #endif
  }
}

/// How a child process ended.
public struct ChildOutcome: Sendable {
  /// Exit status, nil when killed by a signal.
  public var exitStatus: Int32?
  /// The signal that killed it, nil when it exited.
  public var signal: Int32?
  /// True when the parent killed it at the wall-clock limit.
  public var timedOut: Bool
  /// Standard output (nil when larger than the cap).
  public var output: [UInt8]?
  /// The end of standard error (at most 4 KiB).
  public var errorTail: String

  /// A one-line account for the job's error.
  public var account: String {
    if timedOut { return "killed at the wall-clock limit" }
    if let signal {
      let name = [SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGXCPU: "SIGXCPU (CPU-time limit)", SIGABRT: "SIGABRT",
                  SIGTRAP: "SIGTRAP (trap: memory exhausted or a runtime check)", SIGILL: "SIGILL (trap)",
                  SIGBUS: "SIGBUS"][signal] ?? "signal \(signal)"
      return "killed by \(name)" + (errorTail.isEmpty ? "" : ": " + errorTail.suffix(300))
    }
    return "exited with status \(exitStatus ?? -1)" + (errorTail.isEmpty ? "" : ": " + errorTail.suffix(300))
  }
}

/// Runs a child process with standard output and error in private temporary files (no pipe to fill), bounded
/// by a wall-clock limit, without blocking a thread while it runs; killed when the calling task is cancelled.
public enum ChildProcess {
  /// Runs `executable` with `arguments`; `whileRunning` is polled every `pollInterval` and may ask for the
  /// child to be killed (a lost lease).
  public static func run(
    executable: String, arguments: [String], wallSeconds: Double, maximumOutputBytes: Int,
    pollInterval: Duration = .seconds(1), whileRunning: @escaping @Sendable () async -> Bool = { true }
  ) async throws -> ChildOutcome {
    let base = NSTemporaryDirectory() + "optigo-child-\(UUID().uuidString)"
    let outPath = base + ".out"
    let errPath = base + ".err"
    for path in [outPath, errPath] {
      guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
        throw BlobError.io("cannot create \(path)")
      }
    }
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    let (ended, continuation) = AsyncStream.makeStream(of: Void.self)
    process.terminationHandler = { _ in
      continuation.yield()
      continuation.finish()
    }
    try process.run()
    try? out.close()
    try? err.close()
    let pid = process.processIdentifier
    let start = ContinuousClock.now
    var timedOut = false
    let watcher = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: pollInterval)
        if Task.isCancelled { break }
        let over = ContinuousClock.now - start > .seconds(wallSeconds)
        let keep = over ? false : await whileRunning()
        if over || !keep {
          kill(pid, SIGKILL)
          return over
        }
      }
      return false
    }
    // Cancelled (the server stopping): the child goes at once.
    await withTaskCancellationHandler {
      for await _ in ended {}
    } onCancel: {
      kill(pid, SIGKILL)
    }
    // A cancelled task's stream ends at once: wait for the killed child itself (milliseconds).
    while process.isRunning { usleep(10_000) }
    watcher.cancel()
    timedOut = await watcher.value
    let reason = process.terminationReason
    let status = process.terminationStatus
    let size = (try? FileManager.default.attributesOfItem(atPath: outPath)[.size] as? Int) ?? 0
    let output = size <= maximumOutputBytes ? FileManager.default.contents(atPath: outPath).map { Array($0) } : nil
    let errorData = FileManager.default.contents(atPath: errPath) ?? Data()
    let tail = String(decoding: errorData.suffix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return ChildOutcome(
      exitStatus: reason == .exit ? status : nil, signal: reason == .uncaughtSignal ? status : nil,
      timedOut: timedOut, output: output, errorTail: tail)
  }
}
