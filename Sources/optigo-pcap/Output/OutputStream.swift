import PcapKit

/// Fast buffered text output for the subcommands: bytes collect in a buffer and go to the descriptor in large
/// writes (standard output by default). Call ``flush()`` before exiting.
final class OutputStream {
  let sink: FileSink
  /// False once a write failed (e.g. a closed pipe); later writes are dropped.
  private(set) var failed = false

  /// A buffered stream on standard output.
  static func standardOutput() -> OutputStream { OutputStream(sink: FileSink.standardOutput(bufferSize: 1 << 18)) }

  init(sink: FileSink) { self.sink = sink }

  /// Appends text.
  func write(_ text: String) {
    guard !failed else { return }
    do { try sink.write(text) } catch { failed = true }
  }

  /// Appends text and a newline.
  func line(_ text: String) {
    write(text)
    write("\n")
  }

  /// Writes out everything buffered.
  func flush() {
    guard !failed else { return }
    do { try sink.flush() } catch { failed = true }
  }
}

/// Messages to standard error, unbuffered, prefixed with the tool's name.
enum Diagnostics {
  /// Writes `optigo-pcap: <message>` to standard error.
  static func error(_ message: String) {
    StandardError.line("optigo-pcap: " + message)
  }
}
