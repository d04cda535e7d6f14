/// Something the capture writers push bytes to: a file (``FileSink``), memory (``MemorySink``), or a wrapper
/// (an atomic temp-file-and-rename sink, a network stream).
public protocol ByteSink {
  /// Appends `bytes` to the output.
  /// - Throws: a ``CaptureError`` (``CaptureError/Code/ioError``) when the output cannot be written.
  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError)
}

extension ByteSink {
  /// Appends a whole array.
  public mutating func write(_ bytes: [UInt8]) throws(CaptureError) { try write(bytes[...]) }
}

/// A ``ByteSink`` collecting everything written into an array.
public struct MemorySink: ByteSink, Sendable {
  /// Everything written so far.
  public var bytes: [UInt8] = []
  /// An empty sink.
  public init() {}
  /// Appends `bytes` to ``bytes``.
  public mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) { self.bytes.append(contentsOf: bytes) }
}
