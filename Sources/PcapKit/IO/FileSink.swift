import _CaptureInternals

/// A buffered ``ByteSink`` writing to a file descriptor: bytes collect in a 4 MiB buffer and go out in large
/// `write(2)` calls.
///
/// A class because it owns the descriptor and its buffer. Call ``close()`` (or at least ``flush()``) when done:
/// a sink dropped without it flushes on deinit but can no longer report a failure.
public final class FileSink: ByteSink {
  var fd: Int32
  let ownsDescriptor: Bool
  var buffer: [UInt8]
  var used = 0
  /// The path written to, for messages.
  public let path: String

  /// Default buffer size: 4 MiB.
  public static let defaultBufferSize = 4 << 20

  /// Creates (or truncates) `path` and writes to it; `"-"` means standard output.
  /// - Parameters:
  ///   - path: the output file.
  ///   - exclusive: fail if the file already exists (for temporary files).
  ///   - bufferSize: bytes buffered before a `write(2)`.
  /// - Throws: ``CaptureError/Code/ioError`` when the file cannot be created.
  public init(path: String, exclusive: Bool = false, bufferSize: Int = FileSink.defaultBufferSize) throws(CaptureError) {
    self.path = path
    if path == "-" {
      fd = 1
      ownsDescriptor = false
    } else {
      fd = try SystemIO.openForWriting(path, exclusive: exclusive)
      ownsDescriptor = true
    }
    buffer = [UInt8](repeating: 0, count: max(bufferSize, 1))
  }

  /// Writes to an already-open descriptor.
  /// - Parameters:
  ///   - fileDescriptor: the descriptor (1 for standard output).
  ///   - closeWhenDone: whether ``close()`` closes it.
  ///   - bufferSize: bytes buffered before a `write(2)`.
  public init(fileDescriptor: Int32, closeWhenDone: Bool, bufferSize: Int = FileSink.defaultBufferSize) {
    fd = fileDescriptor
    ownsDescriptor = closeWhenDone
    path = fileDescriptor == 1 ? "-" : "fd \(fileDescriptor)"
    buffer = [UInt8](repeating: 0, count: max(bufferSize, 1))
  }

  /// A sink on standard output (not closed by ``close()``).
  public static func standardOutput(bufferSize: Int = 1 << 16) -> FileSink {
    FileSink(fileDescriptor: 1, closeWhenDone: false, bufferSize: bufferSize)
  }

  deinit {
    if fd >= 0 {
      try? flush()
      if ownsDescriptor { _ = Syscalls.closeFile(fd) }
    }
  }

  /// Buffers `bytes`, writing the buffer out whenever it fills; large writes bypass the buffer.
  public func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    guard fd >= 0 else { throw CaptureError(.invalidArgument, offset: nil, "write to closed sink \(path)") }
    if bytes.count > buffer.count - used {
      try flush()
      if bytes.count >= buffer.count {
        try SystemIO.write(fd, bytes)
        return
      }
    }
    buffer.replaceSubrange(used..<(used + bytes.count), with: bytes)
    used += bytes.count
  }

  /// Appends the UTF-8 bytes of `text` (for line-oriented output).
  public func write(_ text: String) throws(CaptureError) {
    let u = text.utf8
    if u.count > buffer.count - used { try flush() }
    if u.count >= buffer.count {
      try SystemIO.write(fd, Array(u)[...])
      return
    }
    // One bulk copy (a native string's UTF-8 is contiguous), not a per-byte loop with exclusivity checks.
    buffer.replaceSubrange(used..<(used + u.count), with: u)
    used += u.count
  }

  /// Writes out everything buffered.
  public func flush() throws(CaptureError) {
    guard used > 0 else { return }
    let n = used
    used = 0
    try SystemIO.write(fd, buffer[0..<n])
  }

  /// Forces written data to stable storage (`fsync(2)`), after flushing.
  public func synchronize() throws(CaptureError) {
    try flush()
    if Syscalls.syncFile(fd) != 0 { throw CaptureError(.ioError, offset: nil, "fsync of \(path) failed") }
  }

  /// Flushes and closes the descriptor (if owned). Further writes fail.
  public func close() throws(CaptureError) {
    guard fd >= 0 else { return }
    defer {
      if ownsDescriptor { _ = Syscalls.closeFile(fd) }
      fd = -1
    }
    try flush()
  }
}
