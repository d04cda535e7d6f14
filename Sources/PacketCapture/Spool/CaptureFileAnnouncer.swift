public import PcapKit

/// Tells someone (an uploader) that a file is complete. Called once per file, after the file is in place.
public protocol CaptureFileAnnouncer: AnyObject {
  /// Announces one completed file.
  func announce(_ file: CompletedCaptureFile) throws(CaptureError)
  /// Called once when the capture ends, after the last announcement (wait for hooks still running).
  func finish()
}

/// Prints each completed file's path as one line on a descriptor (standard output by default), flushed at once,
/// like dumpcap's `-b printname:stdout`.
public final class LineAnnouncer: CaptureFileAnnouncer {
  let sink: FileSink

  /// Announces on `fileDescriptor` (1 = standard output).
  public init(fileDescriptor: Int32 = 1) {
    sink = FileSink(fileDescriptor: fileDescriptor, closeWhenDone: false, bufferSize: 4096)
  }

  /// Writes `path` and a newline.
  public func announce(_ file: CompletedCaptureFile) throws(CaptureError) {
    try sink.write(file.path + "\n")
    try sink.flush()
  }

  /// Nothing to wait for.
  public func finish() {}
}

/// Runs a command for each completed file: `/bin/sh -c COMMAND optigo-pcap-hook PATH`, so the command sees the path
/// as `$1`. Hooks run concurrently with the capture (a slow uploader never stalls the ring); ``finish()`` waits
/// for the ones still running.
public final class CommandAnnouncer: CaptureFileAnnouncer {
  /// The shell command.
  public let command: String
  var running: [Int32] = []
  /// Exit statuses of finished hooks that failed (non-zero), with the file they were given.
  public private(set) var failures: [(path: String, status: Int32)] = []
  var pathByPID: [Int32: String] = [:]

  /// A hook running `command`.
  public init(command: String) { self.command = command }

  /// Starts the hook for `file`.
  public func announce(_ file: CompletedCaptureFile) throws(CaptureError) {
    reap(blocking: false)
    let pid = SystemCalls.spawn(["/bin/sh", "-c", command, "optigo-pcap-hook", file.path])
    guard pid > 0 else {
      throw CaptureError(.ioError, offset: nil, "cannot start the hook command: \(SystemCalls.errorText(-pid))")
    }
    running.append(pid)
    pathByPID[pid] = file.path
  }

  /// Waits for every hook still running.
  public func finish() { reap(blocking: true) }

  func reap(blocking: Bool) {
    while !running.isEmpty {
      var still: [Int32] = []
      for pid in running {
        if let status = SystemCalls.reap(pid) {
          if status != 0 { failures.append((pathByPID[pid] ?? "?", status)) }
          pathByPID[pid] = nil
        } else {
          still.append(pid)
        }
      }
      running = still
      if !blocking || running.isEmpty { return }
      SystemCalls.sleep(milliseconds: 10)
    }
  }
}

/// Calls a closure for each completed file (for a daemon that queues uploads itself).
public final class HandlerAnnouncer: CaptureFileAnnouncer {
  let handler: (CompletedCaptureFile) -> Void

  /// Announces through `handler` (called on the capture thread: keep it short).
  public init(_ handler: @escaping (CompletedCaptureFile) -> Void) { self.handler = handler }

  /// Calls the handler.
  public func announce(_ file: CompletedCaptureFile) throws(CaptureError) { handler(file) }

  /// Nothing to wait for.
  public func finish() {}
}
