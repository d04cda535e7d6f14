import _CaptureInternals

/// The names of the temporary files outputs are written to, and the stale ones an interrupted run left behind.
///
/// Every temporary file the tools write is hidden and starts with `.optigo-` (``AtomicOutputFile``:
/// `.optigo-tmp-PID-RANDOM-NAME`; the archive engine: `.optigo-partial-…` and `.optigo-undo-…`). Anything that
/// discovers captures in a directory (``isTemporary(name:)``) leaves such names alone, so a half-written file never
/// turns into a capture. The names of older versions (`.NAME.tmp-PID-RANDOM`) are recognised too.
///
/// A signal removes the temporary file (see ``InterruptCleanup``), but `kill -9` or a power cut cannot: such a file
/// whose last write is older than ``staleAge`` is *stale*; ``stale(in:olderThan:now:)`` lists them so a later run
/// can report or remove them.
public enum TemporaryFileNames {
  /// The prefix of ``AtomicOutputFile``'s temporary files.
  public static let atomicOutputPrefix = ".optigo-tmp-"
  /// Seconds after its last write from which a temporary file counts as left behind (one hour).
  public static let staleAge: Int64 = 3600

  /// A temporary name for an output called `name`, unique with `random`: hidden, prefixed, and at most 255 bytes.
  static func temporaryName(for name: String, processID: Int32, random: UInt64) -> String {
    let head = atomicOutputPrefix + "\(processID)-" + String(random, radix: 36) + "-"
    var tail = Substring(name)
    while head.utf8.count + tail.utf8.count > 255, !tail.isEmpty { tail = tail.dropLast() }
    return head + tail
  }

  /// True for a file name (the last path component) any of the tools' temporary files carry.
  public static func isTemporary(name: String) -> Bool {
    if name.hasPrefix(atomicOutputPrefix) || name.hasPrefix(ArchivePaths.partialPrefix)
      || name.hasPrefix(ArchivePaths.undoPrefix)
    {
      return true
    }
    // Older versions: ".NAME.tmp-PID-RANDOM" with a decimal PID and a base-36 random part.
    guard name.hasPrefix("."), let dash = name.lastIndex(of: "-") else { return false }
    let random = name[name.index(after: dash)...], before = name[..<dash]
    guard let pidDash = before.lastIndex(of: "-") else { return false }
    let pid = before[before.index(after: pidDash)...], stem = before[..<pidDash]
    return stem.hasSuffix(".tmp") && stem.count > 5 && !pid.isEmpty && pid.allSatisfy(\.isASCIIDigit)
      && !random.isEmpty && random.allSatisfy { $0.isASCIIDigit || ("a"..."z").contains($0) }
  }

  /// A temporary file left behind in a directory.
  public struct StaleFile: Sendable, Equatable {
    /// Its path (the directory joined with its name).
    public var path: String
    /// Its size in bytes.
    public var size: Int64
    /// Seconds since its last write.
    public var age: Int64
  }

  /// The regular files in `directory` that carry a temporary name and were last written more than `age` seconds
  /// before `now`, sorted by name. An unreadable directory has none.
  public static func stale(in directory: String, olderThan age: Int64 = staleAge, now: Int64? = nil) -> [StaleFile] {
    guard let listing = Syscalls.listDirectory(directory) else { return [] }
    let clock = now ?? Syscalls.now()
    var found: [StaleFile] = []
    for name in listing.names.sorted() where isTemporary(name: name) {
      let path = ArchivePaths.join(directory, name)
      guard let st = Syscalls.lstatus(path), st.mode & Syscalls.typeMask == Syscalls.regularType else { continue }
      let elapsed = clock - st.modified
      if elapsed > age { found.append(StaleFile(path: path, size: st.size, age: elapsed)) }
    }
    return found
  }

  /// Removes a stale file; returns the error text on failure.
  public static func remove(_ file: StaleFile) -> String? {
    Syscalls.removeFile(file.path) == 0 ? nil : Syscalls.errorText(Syscalls.lastErrno)
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
