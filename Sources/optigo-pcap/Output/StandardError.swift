import PcapKit

/// The one writer to standard error: unbuffered text straight to descriptor 2 through PcapKit's `FileSink` (which
/// retries short writes and EINTR), so no command calls the C library for it. A failed write (a closed pipe) is
/// ignored: there is nowhere left to report it.
enum StandardError {
  /// Writes `text` as it is (no newline: status lines rewrite themselves with `\r`).
  static func write(_ text: String) {
    let sink = FileSink(fileDescriptor: 2, closeWhenDone: false, bufferSize: 4096)
    try? sink.write(text)
    try? sink.flush()
  }

  /// Writes one line.
  static func line(_ text: String) { write(text + "\n") }
}
