import PcapKit
import _CaptureInternals

/// The primitive operations shared by a run (``CaptureArchiver``) and recovery (``ArchiveRecovery``): digesting a
/// file, and copying one with verification. Reads and writes go through bounded buffers, so memory does not grow
/// with file size.
struct ArchiveTransfer {
  let fileSystem: any ArchiveFileSystem
  let makeDigest: ContentDigestFactory
  let chunkSize: Int
  let hook: ArchiveFaultHook?

  func step(_ s: ArchiveStep) throws(ArchiveError) {
    try hook?(s)
  }

  /// The digest and size of a file, read in chunks.
  func digest(ofFileAt path: String) throws(ArchiveError) -> (digest: [UInt8], size: Int64) {
    let file = try fileSystem.openForReading(path)
    defer { fileSystem.closeQuietly(file) }
    var digest = makeDigest()
    var buffer = [UInt8](repeating: 0, count: chunkSize)
    var size: Int64 = 0
    while true {
      let n = try fileSystem.read(file, into: &buffer)
      if n == 0 { break }
      digest.update(buffer[0..<n])
      size += Int64(n)
    }
    return (digest.finalize(), size)
  }

  /// True when the file at `path` exists and has the given hex digest.
  func matches(_ path: String, digestHex: String) throws(ArchiveError) -> Bool {
    hexString(try digest(ofFileAt: path).digest) == digestHex
  }

  /// Copies `source` to a new file `temp` (which must not exist), fsyncs it, gives it `permissions`, and reads it
  /// back: both the bytes read from the source and the bytes read back must have `expectedDigest`. On any
  /// failure (other than a simulated crash) the temporary file is removed and the error rethrown.
  func copyVerified(
    from source: String, to temp: String, expectedDigest: String, permissions: UInt32
  ) throws(ArchiveError) {
    let input = try fileSystem.openForReading(source)
    defer { fileSystem.closeQuietly(input) }
    try writeVerified(
      source: source, to: temp, expectedDigest: expectedDigest, permissions: permissions,
      readBackFailure: "the copy does not read back identically; not moved"
    ) { (output) throws(ArchiveError) -> [UInt8] in
      var digest = makeDigest()
      var buffer = [UInt8](repeating: 0, count: chunkSize)
      while true {
        let n = try fileSystem.read(input, into: &buffer)
        if n == 0 { break }
        digest.update(buffer[0..<n])
        try fileSystem.write(output, buffer[0..<n])
        try step(.copying)
      }
      return digest.finalize()
    }
  }

  /// Creates `temp` (which must not exist), lets `fill` write it and return the digest of what it wrote, then
  /// gives it `permissions`, fsyncs and closes it, and checks that both what was written and what reads back have
  /// `expectedDigest` (the first proves `source` did not change since it was examined). On any failure (other
  /// than a simulated crash) `temp` is removed and the error rethrown.
  private func writeVerified(
    source: String, to temp: String, expectedDigest: String, permissions: UInt32, readBackFailure: String,
    fill: (OpenFile) throws(ArchiveError) -> [UInt8]
  ) throws(ArchiveError) {
    let output = try fileSystem.createNew(temp, permissions: 0o600)
    var outputOpen = true
    do throws(ArchiveError) {
      let written = try fill(output)
      try fileSystem.setPermissions(output, permissions)
      try fileSystem.synchronize(output)
      outputOpen = false
      try fileSystem.close(output)
      guard hexString(written) == expectedDigest else {
        throw ArchiveError(
          code: .verificationFailed, path: source, message: "the file changed after it was examined; not moved")
      }
      guard try matches(temp, digestHex: expectedDigest) else {
        throw ArchiveError(code: .verificationFailed, path: temp, message: readBackFailure)
      }
    } catch {
      if error.code == .interrupted { throw error }
      if outputOpen { fileSystem.closeQuietly(output) }
      try? fileSystem.removeFile(temp)
      throw error
    }
  }

  /// Digest, size and report of the scrubbed form of a file, without writing it anywhere.
  func scrubDigest(of path: String, kind: CaptureFileKind) throws(ArchiveError) -> (
    digest: [UInt8], size: Int64, report: ScrubReport
  ) {
    var sink = DigestSink(digest: makeDigest())
    do {
      let report = try CaptureScrubbing.scrub(fileAt: path, kind: kind, into: &sink)
      return (sink.digest.finalize(), sink.count, report)
    } catch {
      throw Self.damaged(error, path: path)
    }
  }

  static func damaged(_ error: CaptureError, path: String) -> ArchiveError {
    ArchiveError(
      code: error.code == .ioError ? .io : .damagedCapture, path: path, offset: error.offset,
      message: "cannot rewrite without metadata: \(error.message) (\(error.code))")
  }

  /// Writes the scrubbed form of `source` to a new file `temp`, fsyncs it, gives it `permissions` and reads it
  /// back: both what was written and what reads back must have `expectedDigest` (the dry pass's), which also
  /// proves the source did not change in between. On failure (other than a simulated crash) `temp` is removed.
  func scrubVerified(
    from source: String, kind: CaptureFileKind, to temp: String, expectedDigest: String, permissions: UInt32
  ) throws(ArchiveError) {
    try writeVerified(
      source: source, to: temp, expectedDigest: expectedDigest, permissions: permissions,
      readBackFailure: "the rewritten file does not read back identically"
    ) { (output) throws(ArchiveError) -> [UInt8] in
      let sink = ArchiveFileSink(
        fileSystem: fileSystem, file: output, digest: makeDigest(), bufferSize: chunkSize, hook: hook)
      var writer = sink
      do throws(CaptureError) {
        _ = try CaptureScrubbing.scrub(fileAt: source, kind: kind, into: &writer)
        try sink.flush()
      } catch {
        throw sink.failure ?? Self.damaged(error, path: source)
      }
      return sink.finalizeDigest()
    }
  }

  /// Removes `path` if it exists (a leftover temporary file); returns true if it did.
  @discardableResult
  func removeIfPresent(_ path: String) throws(ArchiveError) -> Bool {
    guard try fileSystem.status(of: path) != nil else { return false }
    try fileSystem.removeFile(path)
    try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: path))
    return true
  }
}
