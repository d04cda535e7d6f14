import Foundation
import OptigoTestSupport

/// Two network namespaces joined by a veth pair (`vA` in the first, `vB` in the second), IPv6 off so the kernel
/// sends nothing of its own; removed on deinit. Nil where `ip netns` is unavailable (not root, no iproute2, no
/// namespaces), with the reason in ``unavailableReason``.
final class NetworkNamespacePair {
  nonisolated(unsafe) static var unavailableReason = ""
  nonisolated(unsafe) static var counter = 0
  let a: String
  let b: String
  static let ip = tool("ip")

  init?() {
    guard getuid() == 0 else {
      Self.unavailableReason = "not root"
      return nil
    }
    guard let ip = Self.ip else {
      Self.unavailableReason = "ip (iproute2) is not installed"
      return nil
    }
    Self.counter += 1
    let tag = "\(getpid())x\(Self.counter)x\(UInt32.random(in: 0...UInt32.max) % 100_000)"
    a = "pcA\(tag)"
    b = "pcB\(tag)"
    let steps: [[String]] = [
      ["netns", "add", a], ["netns", "add", b],
      ["link", "add", "vA", "netns", a, "type", "veth", "peer", "name", "vB", "netns", b],
    ]
    for s in steps {
      guard let r = try? CaptureTestSupport.run(ip, s), r.status == 0 else {
        Self.unavailableReason = "ip \(s.joined(separator: " ")) failed (no network namespaces here?)"
        cleanup()
        return nil
      }
    }
    for (ns, dev) in [(a, "vA"), (b, "vB")] {
      _ = try? CaptureTestSupport.run(ip, ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      _ = try? CaptureTestSupport.run(ip, ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.\(dev).disable_ipv6=1"])
      _ = try? CaptureTestSupport.run(ip, ["-n", ns, "link", "set", dev, "up"])
    }
  }

  func cleanup() {
    guard let ip = Self.ip else { return }
    _ = try? CaptureTestSupport.run(ip, ["netns", "del", a])
    _ = try? CaptureTestSupport.run(ip, ["netns", "del", b])
  }

  deinit { cleanup() }

  /// Runs a command in namespace `ns` to completion.
  @discardableResult
  func run(in ns: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try CaptureTestSupport.run(Self.ip!, ["netns", "exec", ns] + arguments)
  }

  /// Starts a command in namespace `ns`; its output is collected by a `BackgroundProcess`. The test runner's
  /// blocked signals are inherited by children: a Python shim clears the mask before exec, so SIGTERM acts.
  func start(in ns: String, _ arguments: [String]) throws -> BackgroundProcess {
    let python = tool("python3") ?? "/usr/bin/python3"
    let shim = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"
    return try BackgroundProcess(Self.ip!, ["netns", "exec", ns, python, "-c", shim] + arguments)
  }
}

/// A running process whose standard output and error are collected; waits for a line, signals, waits for exit.
final class BackgroundProcess: @unchecked Sendable {
  let process = Process()
  let lock = NSLock()
  var outText = ""
  var errText = ""

  init(_ path: String, _ arguments: [String]) throws {
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    out.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self, !d.isEmpty else { return }
      self.lock.withLock { self.outText += String(decoding: d, as: UTF8.self) }
    }
    err.fileHandleForReading.readabilityHandler = { [weak self] h in
      let d = h.availableData
      guard let self, !d.isEmpty else { return }
      self.lock.withLock { self.errText += String(decoding: d, as: UTF8.self) }
    }
    try process.run()
  }

  var stdout: String { lock.withLock { outText } }
  var stderr: String { lock.withLock { errText } }

  /// Waits (at most `seconds`) until standard error contains `text`.
  func waitForError(containing text: String, seconds: Double = 30) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
      if stderr.contains(text) { return true }
      if !process.isRunning { return stderr.contains(text) }
      usleep(20_000)
    }
    return false
  }

  /// Sends `signal` to the process (the `ip netns exec` wrapper execs the command, so the pid is the command's).
  func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

  /// Waits (at most `seconds`) for the exit; the status, or nil after a timeout (the process is then killed).
  func wait(seconds: Double = 30) -> Int32? {
    let end = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < end { usleep(20_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)  // never leave a capture running after a failed test
      return nil
    }
    usleep(50_000)  // let the readability handlers collect the last output
    return process.terminationStatus
  }
}
