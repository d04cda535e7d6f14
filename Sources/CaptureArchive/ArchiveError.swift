import PcapKit
import _CaptureInternals

/// A failure of the capture archive: naming, sniffing, the journal, or a rename, move or copy.
///
/// Every error names the file it concerns, and, where the operating system gave one, the `errno` value.
/// Errors about the content of a file (a damaged journal line, a damaged pcapng block) carry the byte `offset`.
/// Equality compares ``code``, ``path`` and ``offset`` only.
public struct ArchiveError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What kind of failure this is. An open set: compare with the static members.
  public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stable, machine-readable name of the code.
    public var rawValue: String
    /// Creates a code from its name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The code's name.
    public var description: String { rawValue }

    /// The destination name is taken; nothing was replaced.
    public static let exists = Code(rawValue: "exists")
    /// A file or directory that should be there is not.
    public static let notFound = Code(rawValue: "notFound")
    /// The operating system refused access (EACCES, EPERM).
    public static let permissionDenied = Code(rawValue: "permissionDenied")
    /// The file system is mounted read-only (EROFS).
    public static let readOnlyFileSystem = Code(rawValue: "readOnlyFileSystem")
    /// The disk or quota is full (ENOSPC, EDQUOT).
    public static let noSpace = Code(rawValue: "noSpace")
    /// Any other input/output failure reported by the operating system.
    public static let io = Code(rawValue: "io")
    /// A copy did not read back with the digest of its source, or the source changed while it was copied.
    public static let verificationFailed = Code(rawValue: "verificationFailed")
    /// The file is not a pcap or pcapng capture (plain or gzip-compressed).
    public static let notACapture = Code(rawValue: "notACapture")
    /// The path is a symbolic link or another kind of non-regular file, which is never followed.
    public static let notRegularFile = Code(rawValue: "notRegularFile")
    /// The journal (map) exists already, cannot be parsed, or describes an impossible state.
    public static let journal = Code(rawValue: "journal")
    /// The file system is in a state that the journal does not explain (for example both the old and the new
    /// name hold different files); nothing was changed.
    public static let conflict = Code(rawValue: "conflict")
    /// A pcapng file could not be rewritten because its structure is damaged.
    public static let damagedCapture = Code(rawValue: "damagedCapture")
    /// The two paths are on different file systems (EXDEV); a run falls back to a verified copy.
    public static let crossDevice = Code(rawValue: "crossDevice")
    /// A run was stopped by a fault-injection hook (tests only).
    public static let interrupted = Code(rawValue: "interrupted")
  }

  /// What went wrong.
  public var code: Code
  /// The file the failure concerns, if any.
  public var path: String?
  /// Byte offset in that file (journal line start, pcapng block start), if the failure concerns its content.
  public var offset: Int?
  /// The operating system's error number, if the failure came from a system call.
  public var errno: Int32?
  /// A plain-language explanation.
  public var message: String

  /// Creates an error.
  public init(code: Code, path: String? = nil, offset: Int? = nil, errno: Int32? = nil, message: String) {
    self.code = code
    self.path = path
    self.offset = offset
    self.errno = errno
    self.message = message
  }

  /// `code: path (at byte N): message`.
  public var description: String {
    var text = "\(code)"
    if let path { text += ": \(path)" }
    if let offset { text += " at byte \(offset)" }
    return text + ": " + message
  }

  /// Errors are equal when code, path and offset are (the message and errno are not compared).
  public static func == (a: ArchiveError, b: ArchiveError) -> Bool {
    a.code == b.code && a.path == b.path && a.offset == b.offset
  }

  /// Hashes code, path and offset, consistently with `==`.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(path)
    hasher.combine(offset)
  }

  /// Maps an errno value of a failed system call on `path` to an error.
  static func system(_ errnoValue: Int32, path: String, action: String) -> ArchiveError {
    let code: Code
    switch errnoValue {
    case 17: code = .exists  // EEXIST
    case 2: code = .notFound  // ENOENT
    case 13, 1: code = .permissionDenied  // EACCES, EPERM
    case 30: code = .readOnlyFileSystem  // EROFS
    case 28, 122: code = .noSpace  // ENOSPC, EDQUOT
    case 18: code = .crossDevice  // EXDEV
    default: code = .io
    }
    return ArchiveError(
      code: code, path: path, errno: errnoValue, message: "\(action) failed: \(Syscalls.errorText(errnoValue))")
  }
}
