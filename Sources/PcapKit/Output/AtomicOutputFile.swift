import _CaptureInternals

/// An output file that appears at its path only when complete: bytes go to a temporary file beside the target,
/// which ``commit()`` renames over the target in one atomic step — flushed to disk first (`fsync`) when its
/// ``Durability`` asks for it.
///
/// If the process fails before ``commit()`` (an error, a thrown exception, the object simply dropped), the
/// temporary file is removed and the target is left exactly as it was. The temporary file is registered with
/// ``InterruptCleanup``, so once a tool has called ``InterruptCleanup/install()`` a SIGINT, SIGTERM or SIGHUP removes
/// it too; its name (see ``TemporaryFileNames``) keeps capture discovery from ever taking it for a capture. The
/// path `"-"` means standard output, which cannot be made atomic: bytes are written straight through.
///
/// ```swift
/// let output = try AtomicOutputFile(path: "kept.pcapng", inputs: ["all.pcapng"])
/// var sink = output.sink            // a buffered FileSink on the temporary file
/// try writeEverything(to: &sink)
/// try output.commit()               // or drop `output`: the target is untouched
/// ```
///
/// ## Durability: when an output is forced to disk
///
/// One rule for the whole project: **an output is `fsync`'d when it replaces or removes the only copy of
/// data**, and otherwise only renamed into place.
///
/// * ``Durability/renamed`` — outputs *derived from inputs that still exist* (`filter`, `merge`, `repair -w`,
///   report files): never half-visible (a crash leaves the old target or nothing), but not forced to disk; after
///   a power loss the target may be empty or old and the command can simply be run again. Waiting for the disk
///   would otherwise dominate these commands' wall time. The CLI's `--sync` asks for ``Durability/synchronized``.
/// * ``Durability/synchronized`` — the file's data and then its directory are `fsync`'d around the rename. Used
///   wherever the input goes away or is overwritten: in-place anonymize/scrub (the archive's copy → fsync →
///   verify → rename path and its journal), the capture spool and the upload journal. It is this type's default.
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
  /// The temporary file's slot in the interrupt-cleanup table (nil when it did not fit, or for standard output).
  private var cleanupSlot: Int?
  /// Whether ``commit()`` forces the data to disk before the rename.
  public let durability: Durability
  /// True once ``commit()`` has `fsync`'d the file (tests read it).
  package private(set) var wasSynchronized = false

  /// How far ``commit()`` goes to make the output survive a crash of the machine (see the rule above).
  public enum Durability: Sendable {
    /// Temporary file renamed into place, not forced to disk: for outputs whose inputs still exist.
    case renamed
    /// `fsync` of the file before the rename and of its directory after: for outputs that replace the only copy.
    case synchronized
  }

  /// Opens a temporary file beside `path`.
  ///
  /// - Parameters:
  ///   - path: the final output path, or `"-"` for standard output.
  ///   - inputs: the input paths of the job (`"-"` entries are ignored); the output may not be any of them.
  ///   - bufferSize: bytes the sink buffers before a `write(2)`.
  ///   - durability: whether ``commit()`` forces the data to disk (default ``Durability/synchronized``).
  ///   - permissions: the mode the temporary file (and so the output) is created with, before the umask.
  /// - Throws: ``CaptureError/Code/outputIsInput`` when `path` is one of `inputs`; ``CaptureError/Code/ioError``
  ///   when the target is a directory or the temporary file cannot be created.
  public init(
    path: String, inputs: [String] = [], bufferSize: Int = FileSink.defaultBufferSize,
    durability: Durability = .synchronized, permissions: UInt32 = 0o644
  ) throws(CaptureError) {
    self.path = path
    self.durability = durability
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
      let candidate = ArchivePaths.join(directory, TemporaryFileNames.temporaryName(
        for: name, processID: Syscalls.processID(), random: UInt64.random(in: 0...UInt64.max)))
      // Registered before it exists, so no signal can come between creating and registering it.
      let slot = SignalCleanup.register(candidate)
      let created = OutputSystemCalls.createExclusive(candidate, permissions: permissions)
      if created.fd >= 0 {
        temporaryPath = candidate
        cleanupSlot = slot
        sink = FileSink(fileDescriptor: created.fd, closeWhenDone: true, bufferSize: bufferSize)
        return
      }
      if let slot { SignalCleanup.unregister(slot) }
      lastError = created.error
      if lastError != 17 { break }  // EEXIST: try another name; anything else is final
    }
    throw CaptureError(
      .ioError, offset: nil,
      "cannot create a temporary file in \(directory) for \(path): \(Syscalls.errorText(lastError))")
  }

  deinit { discard() }

  /// Flushes the sink, forces the data to disk (``Durability/synchronized`` only), and renames the temporary file
  /// over the target.
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
      if durability == .synchronized {
        try sink.synchronize()
        wasSynchronized = true
      }
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
    releaseCleanupSlot()
    isCommitted = true
    if durability == .synchronized { OutputSystemCalls.syncDirectory(AtomicOutputFile.split(path).directory) }
  }

  /// Abandons the output: closes and removes the temporary file, leaving the target untouched. Harmless after
  /// ``commit()``.
  public func discard() {
    guard let temporaryPath else { return }
    try? sink.close()
    _ = Syscalls.removeFile(temporaryPath)
    self.temporaryPath = nil
    releaseCleanupSlot()
  }

  private func releaseCleanupSlot() {
    if let cleanupSlot { SignalCleanup.unregister(cleanupSlot) }
    cleanupSlot = nil
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
  /// A port list that does not parse. No longer thrown: ``PortSet/init(parsing:)`` throws
  /// ``PortSet/ParseError``, whose position is a place in the text rather than a byte offset in a capture.
  @available(*, deprecated, message: "PortSet(parsing:) throws PortSet.ParseError")
  public static let invalidPortList = Self(rawValue: "invalid-port-list")
}
