import _CaptureInternals

/// Removes the temporary files of unfinished ``AtomicOutputFile``s when the process is interrupted.
///
/// Every ``AtomicOutputFile`` registers its temporary file here while it is open. Once ``install()`` has run (a
/// command-line tool calls it first thing), SIGINT, SIGTERM and SIGHUP unlink every registered file and end the
/// process with status 128 + the signal (130, 143, 129), as shells expect; a broken pipe (SIGPIPE, e.g. output
/// piped into `head`) ends it the same way, quietly (141). The handler only calls `unlink` and `_exit`, which are
/// async-signal-safe. A signal a shell set to be ignored (`nohup`, background jobs) stays ignored.
///
/// A library embedded in a program with its own signal handling need not call ``install()``: registration alone
/// changes nothing. A command that wants SIGINT for itself (to stop a capture and keep what it wrote) installs its
/// own handler after this one and calls ``removeRegisteredFiles()`` when it decides to give up.
public enum InterruptCleanup {
  /// Installs the signal handlers (idempotent).
  public static func install() { SignalCleanup.install() }

  /// Unlinks every registered temporary file now (what the signal handler does before exiting).
  public static func removeRegisteredFiles() {
    for path in registeredPaths { _ = Syscalls.removeFile(path) }
  }

  /// The temporary files currently registered.
  public static var registeredPaths: [String] { SignalCleanup.registeredPaths() }
}
