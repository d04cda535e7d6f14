/// Something a ``CaptureReader`` pulls bytes from: a file, a pipe, a decompressor, or live bytes fed by a daemon.
///
/// The reader calls ``read(into:at:count:)`` only when its buffer runs dry, asking for large chunks (1 MiB by
/// default), so a source's cost is per chunk, never per packet.
public protocol ByteSource {
  /// Reads up to `count` bytes into `buffer[index ..< index + count]` (the range is always valid).
  ///
  /// - Returns: the number of bytes stored, 1…`count`; 0 only at the end of the input. A source that has fewer
  ///   bytes ready (a pipe) may return fewer than `count`; the reader asks again.
  /// - Throws: a ``CaptureError`` (typically ``CaptureError/Code/ioError``) when the input cannot be read.
  mutating func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int
}

/// A ``ByteSource`` over bytes already in memory (tests, embedded captures, a daemon's received data).
public struct MemorySource: ByteSource, Sendable {
  /// The bytes to hand out.
  public let bytes: [UInt8]
  /// How many have been handed out.
  public private(set) var position = 0
  /// If non-zero, no read returns more than this many bytes (exercises the reader's refill logic in tests).
  public var maxReadSize: Int

  /// A source that returns `bytes` and then reports the end of input.
  /// - Parameters:
  ///   - bytes: the capture's bytes.
  ///   - maxReadSize: cap on each read (0 = no cap).
  public init(_ bytes: [UInt8], maxReadSize: Int = 0) {
    self.bytes = bytes
    self.maxReadSize = maxReadSize
  }

  /// Copies the next bytes into `buffer`.
  public mutating func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    var n = min(count, bytes.count - position)
    if maxReadSize > 0 { n = min(n, maxReadSize) }
    if n <= 0 { return 0 }
    buffer.replaceSubrange(index..<(index + n), with: bytes[position..<(position + n)])
    position += n
    return n
  }
}
