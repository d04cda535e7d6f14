import PcapKit
import _CaptureInternals

/// A ``ByteSink`` that only digests and counts what is written (the dry pass of a scrub, which decides the
/// content name before anything is written to disk).
struct DigestSink: ByteSink {
  var digest: any ContentDigest
  var count: Int64 = 0

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    digest.update(bytes)
    count += Int64(bytes.count)
  }
}

/// A ``ByteSink`` writing through an ``ArchiveFileSystem`` into an open file, buffered, digesting what it writes.
///
/// A file-system failure (say ENOSPC) or a simulated crash cannot travel through `ByteSink`'s `CaptureError`, so
/// it is kept in ``failure`` and a generic I/O error is thrown; the engine reports the kept one.
final class ArchiveFileSink: ByteSink {
  let fileSystem: any ArchiveFileSystem
  let file: OpenFile
  let hook: ArchiveFaultHook?
  private var buffer: [UInt8] = []
  private let bufferSize: Int
  private(set) var digest: any ContentDigest
  private(set) var count: Int64 = 0
  private(set) var failure: ArchiveError?

  init(
    fileSystem: any ArchiveFileSystem, file: OpenFile, digest: any ContentDigest, bufferSize: Int,
    hook: ArchiveFaultHook?
  ) {
    self.fileSystem = fileSystem
    self.file = file
    self.digest = digest
    self.bufferSize = max(1, bufferSize)
    self.hook = hook
    buffer.reserveCapacity(self.bufferSize)
  }

  func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    digest.update(bytes)
    count += Int64(bytes.count)
    var rest = bytes
    while !rest.isEmpty {
      let n = min(rest.count, bufferSize - buffer.count)
      buffer += rest.prefix(n)
      rest = rest.dropFirst(n)
      if buffer.count == bufferSize { try flush() }
    }
  }

  /// Writes out what is buffered.
  func flush() throws(CaptureError) {
    guard failure == nil else { throw CaptureError(.ioError, offset: nil, "output failed") }
    guard !buffer.isEmpty else { return }
    do throws(ArchiveError) {
      try fileSystem.write(file, buffer[...])
      buffer.removeAll(keepingCapacity: true)
      try hook?(.copying)
    } catch {
      failure = error
      throw CaptureError(.ioError, offset: nil, error.message)
    }
  }

  /// The digest of everything written (call once, after the last write).
  func finalizeDigest() -> [UInt8] { digest.finalize() }
}

/// A ``ByteSink`` that gzip-compresses into another sink (one member, header without name or time).
struct GzipSink<Inner: ByteSink>: ByteSink {
  var inner: Inner
  private let deflater: GzipDeflater

  init?(wrapping inner: Inner) {
    guard let deflater = GzipDeflater() else { return nil }
    self.inner = inner
    self.deflater = deflater
  }

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    guard let out = deflater.compress(bytes, finish: false) else {
      throw CaptureError(.ioError, offset: nil, "gzip compression failed")
    }
    if !out.isEmpty { try inner.write(out[...]) }
  }

  /// Ends the gzip member (trailer with CRC and size).
  mutating func finish() throws(CaptureError) {
    guard let out = deflater.compress([], finish: true) else {
      throw CaptureError(.ioError, offset: nil, "gzip compression failed")
    }
    if !out.isEmpty { try inner.write(out[...]) }
  }
}
