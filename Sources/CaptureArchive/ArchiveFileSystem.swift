import PcapKit
import _CaptureInternals

/// What the archive engine learns about a path from `lstat(2)` (symbolic links are not followed).
public struct FileStatus: Hashable, Sendable {
  /// The kind of file system object.
  public enum Kind: Hashable, Sendable {
    /// A regular file.
    case regular
    /// A directory.
    case directory
    /// A symbolic link (never followed).
    case symbolicLink
    /// Anything else: device, socket, FIFO.
    case other
  }

  /// The object's kind.
  public var kind: Kind
  /// The device (file system) it lives on.
  public var device: UInt64
  /// Its inode number on that device.
  public var inode: UInt64
  /// Its size in bytes.
  public var size: Int64
  /// Its permission bits (`0o7777` mask).
  public var permissions: UInt32

  /// Creates a status.
  public init(kind: Kind, device: UInt64, inode: UInt64, size: Int64, permissions: UInt32) {
    self.kind = kind
    self.device = device
    self.inode = inode
    self.size = size
    self.permissions = permissions
  }

  /// True when both statuses describe the same file (same device and inode).
  public func isSameFile(as other: FileStatus) -> Bool { identity == other.identity }

  /// The device and inode (the identity PcapKit's output checks compare too).
  var identity: FileIdentity { FileIdentity(device: device, inode: inode) }
}

/// An open file of an ``ArchiveFileSystem``: an opaque descriptor plus the path it was opened with (for errors).
public struct OpenFile: Hashable, Sendable {
  /// The descriptor number (meaningful only to the file system that returned it).
  public var descriptor: Int32
  /// The path it was opened with.
  public var path: String

  /// Creates a handle.
  public init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
  }
}

/// The file operations the archive engine needs, so tests (and unusual deployments) can substitute a layer that
/// fails on purpose: a full disk, a read-only directory, a rename that crosses file systems.
///
/// Every method throws ``ArchiveError`` with the path and `errno`. ``PosixFileSystem`` is the real implementation.
public protocol ArchiveFileSystem: Sendable {
  /// `lstat(2)`: the status of `path` without following a final symbolic link, or nil if it does not exist.
  func status(of path: String) throws(ArchiveError) -> FileStatus?
  /// The names in a directory (no "." or ".."), and how many names were skipped because they are not UTF-8.
  func contents(ofDirectory path: String) throws(ArchiveError) -> (names: [String], undecodable: Int)
  /// Opens an existing regular file for reading, refusing a symbolic link.
  func openForReading(_ path: String) throws(ArchiveError) -> OpenFile
  /// Creates a new file for writing with the given permissions; fails with ``ArchiveError/Code/exists`` if the
  /// name is taken (`O_CREAT | O_EXCL`, never follows a link).
  func createNew(_ path: String, permissions: UInt32) throws(ArchiveError) -> OpenFile
  /// Opens an existing file for appending (the journal on resume), refusing a symbolic link.
  func openForAppending(_ path: String) throws(ArchiveError) -> OpenFile
  /// Reads up to `buffer.count` bytes into the start of `buffer`; returns how many (0 at the end).
  func read(_ file: OpenFile, into buffer: inout [UInt8]) throws(ArchiveError) -> Int
  /// Writes all of `bytes` at the file's position.
  func write(_ file: OpenFile, _ bytes: ArraySlice<UInt8>) throws(ArchiveError)
  /// `fsync(2)`: flushes the file's data and metadata to stable storage.
  func synchronize(_ file: OpenFile) throws(ArchiveError)
  /// Takes an exclusive advisory lock on the open file, failing at once with ``ArchiveError/Code/journal`` if
  /// another open file holds it (so two runs never append to one journal). The default does nothing.
  func lockExclusively(_ file: OpenFile) throws(ArchiveError)
  /// Cuts the file to `length` bytes (used to drop a journal line torn by a crash).
  func truncate(_ file: OpenFile, to length: Int64) throws(ArchiveError)
  /// Sets the file's permission bits.
  func setPermissions(_ file: OpenFile, _ permissions: UInt32) throws(ArchiveError)
  /// Closes the file; errors on close are reported because they can mean lost writes.
  func close(_ file: OpenFile) throws(ArchiveError)
  /// Renames `from` to `to` atomically, failing with ``ArchiveError/Code/exists`` rather than replacing `to`.
  func renameWithoutReplacing(_ from: String, to: String) throws(ArchiveError)
  /// Removes a file (never a directory).
  func removeFile(_ path: String) throws(ArchiveError)
  /// Flushes a directory's entries (after a rename, create or unlink in it) to stable storage.
  func synchronizeDirectory(_ path: String) throws(ArchiveError)
  /// Creates a directory with the given permissions (its parent must exist).
  func makeDirectory(_ path: String, permissions: UInt32) throws(ArchiveError)
  /// The absolute path with every symbolic link and "."/".." resolved.
  func resolve(_ path: String) throws(ArchiveError) -> String
  /// The process's working directory.
  func currentDirectory() throws(ArchiveError) -> String
}

extension ArchiveFileSystem {
  /// No lock (for file systems without one); ``PosixFileSystem`` uses `flock(2)`.
  public func lockExclusively(_ file: OpenFile) throws(ArchiveError) {}

  /// Closes `file`, ignoring any error (used on paths that already failed).
  func closeQuietly(_ file: OpenFile) { try? close(file) }
}
