#if canImport(FoundationEssentials)
  internal import FoundationEssentials
#else
  internal import Foundation
#endif
import PcapKit
import _CaptureInternals

/// How a file reaches its new name.
public enum TransferMethod: String, Codable, Hashable, Sendable {
  /// An atomic rename on one file system (never replacing an existing name).
  case rename
  /// Copy to a temporary file beside the destination, fsync, verify the digest, rename into place, and (for a
  /// move) then remove the original.
  case copy
}

/// One line of the journal (the `--map` file): JSON, one object per line.
///
/// A run writes, in order: one `begin` record; for each file an `intent` record (fsync'd before anything is
/// renamed or copied), then `done` or `failed`; ``ArchiveRecovery`` adds `done` (resume) and `undone` (undo)
/// records. Records of one file share `run` and `seq`. Paths are absolute.
///
/// ```
/// {"inputs":["/data"],"keep":false,"naming":"random","op":"begin","recursive":false,"run":"5f0c…","version":1}
/// {"digest":"9a1e…","from":"/data/site-a.pcapng","keep":false,"method":"rename","op":"intent","run":"5f0c…","seq":1,"size":7212,"to":"/data/3b6f….pcapng"}
/// {"op":"done","run":"5f0c…","seq":1}
/// ```
public struct JournalRecord: Codable, Hashable, Sendable {
  /// The record types.
  public struct Operation: RawRepresentable, Codable, Hashable, Sendable {
    /// The name written in the `op` field.
    public var rawValue: String
    /// Creates an operation from its name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Decodes the operation from its name (any name: unknown ones are rejected by validation).
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    /// Encodes the operation as its name.
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.singleValueContainer()
      try c.encode(rawValue)
    }
    /// A run started.
    public static let begin = Operation(rawValue: "begin")
    /// A file is about to be renamed or copied (written and fsync'd before the first change).
    public static let intent = Operation(rawValue: "intent")
    /// The change of the intent with the same `run`/`seq` is complete and durable.
    public static let done = Operation(rawValue: "done")
    /// The change was not made (the reason is in `error`); anything temporary was removed.
    public static let failed = Operation(rawValue: "failed")
    /// The change was reversed: the file is back under its old name.
    public static let undone = Operation(rawValue: "undone")
  }

  /// Journal format version written in `begin` records.
  public static let formatVersion = 1

  /// Record type.
  public var op: Operation
  /// Identifier of the run (128 random bits, hex); also part of temporary file names.
  public var run: String
  /// The file's sequence number within the run (intent, done, failed, undone).
  public var seq: Int?
  /// Original absolute path (intent).
  public var from: String?
  /// New absolute path (intent).
  public var to: String?
  /// Temporary path used while copying (intent, copy method).
  public var temp: String?
  /// How the file is moved (intent).
  public var method: TransferMethod?
  /// True when the original stays (intent, copy method with `--copy`).
  public var keep: Bool?
  /// The file's size in bytes (intent).
  public var size: Int64?
  /// The file's content digest, hex (intent).
  public var digest: String?
  /// Why the change failed (failed).
  public var error: String?
  /// Journal format version (begin).
  public var version: Int?
  /// The digest of the original when the new file's content differs from it (intent, `--scrub-metadata`).
  public var source: String?
  /// True when the new file is the scrubbed form of the original (intent; begin: the run scrubs).
  public var scrubbed: Bool?
  /// The run's absolute input paths (begin), so a resume can carry on with the files not reached yet.
  public var inputs: [String]?
  /// The run's naming scheme (begin).
  public var naming: CaptureNaming?
  /// The run's output directory, absolute (begin); nil for in place.
  public var output: String?
  /// Whether the run walked directories recursively (begin).
  public var recursive: Bool?

  /// Creates a record.
  public init(
    op: Operation, run: String, seq: Int? = nil, from: String? = nil, to: String? = nil, temp: String? = nil,
    method: TransferMethod? = nil, keep: Bool? = nil, size: Int64? = nil, digest: String? = nil,
    error: String? = nil, version: Int? = nil, inputs: [String]? = nil, naming: CaptureNaming? = nil,
    output: String? = nil, recursive: Bool? = nil, source: String? = nil, scrubbed: Bool? = nil
  ) {
    self.op = op
    self.run = run
    self.seq = seq
    self.from = from
    self.to = to
    self.temp = temp
    self.method = method
    self.keep = keep
    self.size = size
    self.digest = digest
    self.error = error
    self.version = version
    self.inputs = inputs
    self.naming = naming
    self.output = output
    self.recursive = recursive
    self.source = source
    self.scrubbed = scrubbed
  }
}

/// The append-only, fsync'd journal that links old names to new ones (`--map`).
///
/// Created with mode 0600 and never over an existing file. ``append(_:)`` writes one whole line with a single
/// `write(2)` and then `fsync(2)`s, so once it returns the record survives a crash; a line torn by a crash
/// (no final newline) was never acknowledged and is dropped when the journal is reopened.
public final class ArchiveJournal {
  /// Where the journal lives (absolute).
  public let path: String
  private let fileSystem: any ArchiveFileSystem
  private var file: OpenFile?

  /// The largest journal ``read(at:fileSystem:)`` accepts, and the longest line.
  public static let maximumSize = 1 << 30
  /// The longest line accepted.
  public static let maximumLineLength = 1 << 16

  private init(path: String, fileSystem: any ArchiveFileSystem, file: OpenFile) {
    self.path = path
    self.fileSystem = fileSystem
    self.file = file
  }

  /// Creates a new journal; fails if `path` exists.
  ///
  /// The file gets mode 0600 whatever the umask, and its directory is fsync'd so the journal itself survives a crash.
  public static func create(at path: String, fileSystem: any ArchiveFileSystem) throws(ArchiveError) -> ArchiveJournal {
    let file: OpenFile
    do throws(ArchiveError) {
      file = try fileSystem.createNew(path, permissions: 0o600)
    } catch  where error.code == .exists {
      throw ArchiveError(
        code: .journal, path: path, errno: error.errno,
        message: "the map exists already; use --resume or --undo with it, or choose a new name")
    }
    do throws(ArchiveError) {
      try fileSystem.lockExclusively(file)
      try fileSystem.setPermissions(file, 0o600)
      try fileSystem.synchronize(file)
      try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: path))
    } catch {
      fileSystem.closeQuietly(file)
      throw error
    }
    return ArchiveJournal(path: path, fileSystem: fileSystem, file: file)
  }

  /// Opens an existing journal to append to it, returning the records it holds.
  ///
  /// A torn last line (no newline: the process died while writing it, before it was acknowledged) is cut off.
  public static func open(at path: String, fileSystem: any ArchiveFileSystem) throws(ArchiveError) -> (
    journal: ArchiveJournal, records: [JournalRecord]
  ) {
    let file = try fileSystem.openForAppending(path)
    let records: [JournalRecord]
    do throws(ArchiveError) {
      // Lock first, then read: what is read cannot change underneath.
      try fileSystem.lockExclusively(file)
      let (loaded, validLength, totalLength) = try load(at: path, fileSystem: fileSystem)
      records = loaded
      if validLength < totalLength {
        try fileSystem.truncate(file, to: Int64(validLength))
        try fileSystem.synchronize(file)
      }
    } catch {
      fileSystem.closeQuietly(file)
      throw error
    }
    return (ArchiveJournal(path: path, fileSystem: fileSystem, file: file), records)
  }

  /// Reads every complete record of a journal without opening it for writing.
  public static func read(at path: String, fileSystem: any ArchiveFileSystem) throws(ArchiveError) -> [JournalRecord] {
    try load(at: path, fileSystem: fileSystem).records
  }

  private static func load(at path: String, fileSystem: any ArchiveFileSystem) throws(ArchiveError) -> (
    records: [JournalRecord], validLength: Int, totalLength: Int
  ) {
    let file = try fileSystem.openForReading(path)
    defer { fileSystem.closeQuietly(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try fileSystem.read(file, into: &buffer)
      if n == 0 { break }
      guard bytes.count + n <= maximumSize else {
        throw ArchiveError(code: .journal, path: path, offset: bytes.count, message: "the map is larger than 1 GiB")
      }
      bytes += buffer[0..<n]
    }
    let decoder = JSONDecoder()
    var records: [JournalRecord] = []
    var lineStart = 0
    var lineNumber = 0
    while let newline = bytes[lineStart...].firstIndex(of: 0x0A) {
      lineNumber += 1
      let line = bytes[lineStart..<newline]
      guard line.count <= maximumLineLength else {
        throw ArchiveError(
          code: .journal, path: path, offset: lineStart, message: "line \(lineNumber) is longer than 64 KiB")
      }
      if !line.isEmpty {
        let record: JournalRecord
        do {
          record = try decoder.decode(JournalRecord.self, from: Data(line))
        } catch {
          throw ArchiveError(
            code: .journal, path: path, offset: lineStart,
            message: "line \(lineNumber) is not a journal record (\(Self.reason(error)))")
        }
        try validate(record, path: path, offset: lineStart, line: lineNumber)
        records.append(record)
      }
      lineStart = newline + 1
    }
    return (records, lineStart, bytes.count)
  }

  private static func reason(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    case DecodingError.dataCorrupted: return "not valid JSON"
    default: return "undecodable"
    }
  }

  private static func validate(_ r: JournalRecord, path: String, offset: Int, line: Int) throws(ArchiveError) {
    func bad(_ what: String) -> ArchiveError {
      ArchiveError(code: .journal, path: path, offset: offset, message: "line \(line): \(r.op.rawValue) record \(what)")
    }
    switch r.op {
    case .begin:
      guard let v = r.version else { throw bad("has no version") }
      guard v == JournalRecord.formatVersion else { throw bad("has unsupported version \(v)") }
    case .intent:
      guard r.seq != nil, let from = r.from, let to = r.to, let method = r.method, r.digest != nil, r.size != nil
      else { throw bad("lacks seq, from, to, method, size or digest") }
      guard isNormalAbsolute(from), isNormalAbsolute(to) else {
        throw bad("has a path that is not absolute and normal")
      }
      // Recovery removes one of two names that hold the same file; they must be two different names.
      guard from != to else { throw bad("names the same path twice") }
      if method == .copy {
        guard let temp = r.temp, isNormalAbsolute(temp), temp != from, temp != to else {
          throw bad("of a copy has no separate absolute temp path")
        }
      }
    case .done, .failed, .undone:
      guard r.seq != nil else { throw bad("has no seq") }
    default:
      throw bad("has an unknown type")
    }
  }

  /// True for "/a/b": absolute, no empty, "." or ".." component, no trailing slash.
  static func isNormalAbsolute(_ path: String) -> Bool {
    guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/") else { return false }
    return !path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).contains {
      $0.isEmpty || $0 == "." || $0 == ".."
    }
  }

  /// Appends one record and flushes it to stable storage before returning.
  public func append(_ record: JournalRecord) throws(ArchiveError) {
    guard let file else {
      throw ArchiveError(code: .journal, path: path, message: "the map was closed")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var line: [UInt8]
    do {
      line = Array(try encoder.encode(record))
    } catch {
      throw ArchiveError(code: .journal, path: path, message: "cannot encode a record")
    }
    line.append(0x0A)
    try fileSystem.write(file, line[...])
    try fileSystem.synchronize(file)
  }

  /// Closes the journal; later appends fail.
  public func close() throws(ArchiveError) {
    guard let file else { return }
    self.file = nil
    try fileSystem.close(file)
  }

  deinit {
    if let file { fileSystem.closeQuietly(file) }
  }
}

@available(*, unavailable)
extension ArchiveJournal: Sendable {}
