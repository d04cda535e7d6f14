/// An output file that appears at its path only when complete: bytes go to a temporary file beside the target,
/// which ``commit()`` flushes to disk (`fsync`) and renames over the target in one atomic step.
///
/// If the process fails before ``commit()`` (an error, a thrown exception, the object simply dropped), the
/// temporary file is removed and the target is left exactly as it was. The path `"-"` means standard output,
/// which cannot be made atomic: bytes are written straight through.
///
/// ```swift
/// let output = try AtomicOutputFile(path: "kept.pcapng", inputs: ["all.pcapng"])
/// var sink = output.sink            // a buffered FileSink on the temporary file
/// try writeEverything(to: &sink)
/// try output.commit()               // or drop `output`: the target is untouched
/// ```
///
/// The constructor refuses an output that *is* one of the inputs — compared by device and inode, so
/// `./a.pcap`, a hard link or a symbolic link to an input are all caught — because truncating it would destroy
/// the data being read.
public final class AtomicOutputFile {
  /// The target path (`"-"` for standard output).
  public let path: String
  /// The temporary file being written, nil for standard output or once committed / discarded.
  public private(set) var temporaryPath: String?
  /// The buffered sink writing to the temporary file (or standard output).
  public let sink: FileSink
  /// True once ``commit()`` succeeded.
  public private(set) var isCommitted = false

  /// Opens a temporary file beside `path`.
  ///
  /// - Parameters:
  ///   - path: the final output path, or `"-"` for standard output.
  ///   - inputs: the input paths of the job (`"-"` entries are ignored); the output may not be any of them.
  ///   - bufferSize: bytes the sink buffers before a `write(2)`.
  ///   - permissions: the mode the temporary file (and so the output) is created with, before the umask.
  /// - Throws: ``CaptureError/Code/outputIsInput`` when `path` is one of `inputs`; ``CaptureError/Code/ioError``
  ///   when the target is a directory or the temporary file cannot be created.
  public init(
    path: String, inputs: [String] = [], bufferSize: Int = FileSink.defaultBufferSize, permissions: UInt32 = 0o644
  ) throws(CaptureError) {
    self.path = path
    if path == "-" {
      temporaryPath = nil
      sink = FileSink(fileDescriptor: 1, closeWhenDone: false, bufferSize: bufferSize)
      return
    }
    if let target = OutputSystemCalls.identity(of: path) {
      for input in inputs where input != "-" {
        if OutputSystemCalls.identity(of: input) == target {
          throw CaptureError(.outputIsInput, offset: nil, "output \(path) is the input \(input); refusing to overwrite it")
        }
      }
      if OutputSystemCalls.isDirectory(path) {
        throw CaptureError(.ioError, offset: nil, "output \(path) is a directory")
      }
    }
    let (directory, name) = AtomicOutputFile.split(path)
    var lastError: Int32 = 0
    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
      let candidate = directory + "/." + name + ".tmp-\(Syscalls.processID())-" + suffix
      let created = OutputSystemCalls.createExclusive(candidate, permissions: permissions)
      if created.fd >= 0 {
        temporaryPath = candidate
        sink = FileSink(fileDescriptor: created.fd, closeWhenDone: true, bufferSize: bufferSize)
        return
      }
      lastError = created.error
      if lastError != 17 { break }  // EEXIST: try another name; anything else is final
    }
    throw CaptureError(
      .ioError, offset: nil,
      "cannot create a temporary file in \(directory) for \(path): \(Syscalls.errorText(lastError))")
  }

  deinit { discard() }

  /// Flushes the sink, forces the data to disk, and renames the temporary file over the target.
  ///
  /// For standard output it only flushes. Calling it twice is harmless.
  /// - Throws: ``CaptureError/Code/ioError`` if any step fails; the temporary file is then removed and the target
  ///   is untouched.
  public func commit() throws(CaptureError) {
    if isCommitted { return }
    guard let temporaryPath else {
      if path == "-" {
        try sink.flush()
        isCommitted = true
        return
      }
      throw CaptureError(.invalidArgument, offset: nil, "output \(path) was already discarded")
    }
    do {
      try sink.synchronize()
      try sink.close()
    } catch {
      discard()
      throw error
    }
    if let e = OutputSystemCalls.rename(temporaryPath, path) {
      discard()
      throw CaptureError(.ioError, offset: nil, "cannot rename into \(path): \(Syscalls.errorText(e))")
    }
    self.temporaryPath = nil
    isCommitted = true
    OutputSystemCalls.syncDirectory(AtomicOutputFile.split(path).directory)
  }

  /// Abandons the output: closes and removes the temporary file, leaving the target untouched. Harmless after
  /// ``commit()``.
  public func discard() {
    guard let temporaryPath else { return }
    try? sink.close()
    _ = Syscalls.removeFile(temporaryPath)
    self.temporaryPath = nil
  }

  /// `("dir", "name")` for `"dir/name"`; `(".", "name")` for a bare name; `("/", …)` under the root.
  static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }

  /// True when `a` and `b` name the same existing file (same device and inode).
  public static func sameFile(_ a: String, _ b: String) -> Bool {
    guard let x = OutputSystemCalls.identity(of: a) else { return false }
    return OutputSystemCalls.identity(of: b) == x
  }
}

@available(*, unavailable)
extension AtomicOutputFile: Sendable {}

extension CaptureError.Code {
  /// The output path names one of the input files (same device and inode).
  public static let outputIsInput = Self(rawValue: "output-is-input")
  /// A port list (`--ports`) that does not parse: a port above 65535, a reversed range, an empty item.
  public static let invalidPortList = Self(rawValue: "invalid-port-list")
}
