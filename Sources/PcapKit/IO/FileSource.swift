import _CaptureInternals

/// A ``ByteSource`` reading a file descriptor (a regular file, a pipe, standard input) with plain `read(2)` calls.
///
/// A class because it owns the descriptor: the descriptor is closed when the last reference goes away (unless it
/// was borrowed, as for standard input).
public final class FileSource: ByteSource {
  let fd: Int32
  let ownsDescriptor: Bool
  /// The path it was opened from (`"-"` for standard input), for messages.
  public let path: String

  /// Opens `path` for reading; `"-"` means standard input.
  /// - Throws: ``CaptureError/Code/ioError`` with the system's reason when the file cannot be opened.
  public init(path: String) throws(CaptureError) {
    self.path = path
    if path == "-" {
      fd = 0
      ownsDescriptor = false
    } else {
      fd = try SystemIO.openForReading(path)
      ownsDescriptor = true
    }
  }

  /// Reads from an already-open descriptor.
  /// - Parameters:
  ///   - fileDescriptor: the descriptor.
  ///   - closeWhenDone: whether to close it on deinit.
  public init(fileDescriptor: Int32, closeWhenDone: Bool) {
    fd = fileDescriptor
    ownsDescriptor = closeWhenDone
    path = "fd \(fileDescriptor)"
  }

  deinit { if ownsDescriptor { _ = Syscalls.closeFile(fd) } }

  /// Reads with `read(2)`, retrying on `EINTR`.
  public func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    try SystemIO.read(fd, into: &buffer, at: index, count: count)
  }
}
