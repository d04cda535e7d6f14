import PcapKit
import _CaptureInternals

/// The real file system, through POSIX calls.
///
/// Renames use `renameat2(RENAME_NOREPLACE)`. Where the kernel or file system lacks it, the fallback is
/// `link(2)` + `unlink(2)` (the link fails if the name is taken). Where hard links are not supported either, the
/// new name is first reserved with an empty file created `O_EXCL`, and `rename(2)` then replaces only that
/// placeholder; an interrupted run can leave the empty placeholder, which ``ArchiveRecovery`` recognises.
public struct PosixFileSystem: ArchiveFileSystem {
  /// Which no-replace rename mechanism to start from (tests exercise each fallback on a file system that
  /// supports all of them).
  package enum RenameStrategy: Sendable {
    /// `renameat2(RENAME_NOREPLACE)`, then the fallbacks as needed.
    case automatic
    /// Start with `link(2)` + `unlink(2)`.
    case linkThenUnlink
    /// Only the reserved-placeholder method.
    case placeholder
  }

  private let strategy: RenameStrategy

  /// Creates the file system accessor.
  public init() { strategy = .automatic }

  /// Creates an accessor whose renames start from `strategy` (tests).
  package init(renameStrategy: RenameStrategy) { strategy = renameStrategy }

  /// `lstat(2)`; nil for ENOENT and ENOTDIR.
  public func status(of path: String) throws(ArchiveError) -> FileStatus? {
    guard let raw = Syscalls.lstatus(path) else {
      let e = Syscalls.lastErrno
      if e == 2 || e == 20 { return nil }  // ENOENT, ENOTDIR
      throw .system(e, path: path, action: "lstat")
    }
    return Self.status(raw)
  }

  static func status(_ raw: RawStatus) -> FileStatus {
    let type = raw.mode & Syscalls.typeMask
    let kind: FileStatus.Kind =
      type == Syscalls.regularType
      ? .regular : type == Syscalls.directoryType ? .directory : type == Syscalls.symlinkType ? .symbolicLink : .other
    return FileStatus(
      kind: kind, device: raw.device, inode: raw.inode, size: raw.size, permissions: raw.mode & Syscalls.permissionMask)
  }

  /// `opendir(3)`/`readdir(3)`.
  public func contents(ofDirectory path: String) throws(ArchiveError) -> (names: [String], undecodable: Int) {
    guard let listing = Syscalls.listDirectory(path) else {
      throw .system(Syscalls.lastErrno, path: path, action: "read directory")
    }
    return listing
  }

  /// `open(O_RDONLY | O_NOFOLLOW | O_CLOEXEC)`.
  public func openForReading(_ path: String) throws(ArchiveError) -> OpenFile {
    let fd = Syscalls.openFile(path, flags: Syscalls.readOnlyFlags, mode: 0)
    guard fd >= 0 else { throw .system(Syscalls.lastErrno, path: path, action: "open") }
    return OpenFile(descriptor: fd, path: path)
  }

  /// `open(O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)`.
  public func createNew(_ path: String, permissions: UInt32) throws(ArchiveError) -> OpenFile {
    let fd = Syscalls.openFile(path, flags: Syscalls.createExclusiveFlags, mode: permissions)
    guard fd >= 0 else { throw .system(Syscalls.lastErrno, path: path, action: "create") }
    return OpenFile(descriptor: fd, path: path)
  }

  /// `open(O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)`.
  public func openForAppending(_ path: String) throws(ArchiveError) -> OpenFile {
    let fd = Syscalls.openFile(path, flags: Syscalls.appendFlags, mode: 0)
    guard fd >= 0 else { throw .system(Syscalls.lastErrno, path: path, action: "open for appending") }
    return OpenFile(descriptor: fd, path: path)
  }

  /// `read(2)`, retried on EINTR.
  public func read(_ file: OpenFile, into buffer: inout [UInt8]) throws(ArchiveError) -> Int {
    let n = Syscalls.readFile(file.descriptor, into: &buffer)
    guard n >= 0 else { throw .system(Syscalls.lastErrno, path: file.path, action: "read") }
    return n
  }

  /// `write(2)` until every byte is written, retried on EINTR.
  public func write(_ file: OpenFile, _ bytes: ArraySlice<UInt8>) throws(ArchiveError) {
    guard Syscalls.writeAll(file.descriptor, bytes) else {
      throw .system(Syscalls.lastErrno, path: file.path, action: "write")
    }
  }

  /// `fsync(2)`.
  public func synchronize(_ file: OpenFile) throws(ArchiveError) {
    guard Syscalls.syncFile(file.descriptor) == 0 else {
      throw .system(Syscalls.lastErrno, path: file.path, action: "fsync")
    }
  }

  /// `ftruncate(2)`.
  public func truncate(_ file: OpenFile, to length: Int64) throws(ArchiveError) {
    guard Syscalls.truncateFile(file.descriptor, length) == 0 else {
      throw .system(Syscalls.lastErrno, path: file.path, action: "truncate")
    }
  }

  /// `flock(LOCK_EX | LOCK_NB)`; the lock goes with the descriptor (and with the process, if it dies).
  ///
  /// A lock that is taken is retried for about two seconds before the map is reported in use: a lock released by
  /// `close(2)` stays held while any child process forked in that instant has not reached `exec` yet (its copy of
  /// the descriptor shares the open file, `O_CLOEXEC` or not), so a service that spawns processes would otherwise
  /// see its own, already closed, journal as busy.
  public func lockExclusively(_ file: OpenFile) throws(ArchiveError) {
    var waited: UInt32 = 0
    var delay: UInt32 = 1
    while Syscalls.lockExclusive(file.descriptor) != 0 {
      let e = Syscalls.lastErrno
      guard e == 11 else {  // EWOULDBLOCK
        if e == 4 { continue }  // EINTR
        throw .system(e, path: file.path, action: "flock")
      }
      guard waited < Self.lockPatienceMilliseconds else {
        throw ArchiveError(code: .journal, path: file.path, errno: e, message: "the map is in use by another run")
      }
      Syscalls.pause(milliseconds: delay)
      waited += delay
      delay = min(delay * 2, 100)
    }
  }

  /// How long ``lockExclusively(_:)`` waits for a lock that is taken.
  static let lockPatienceMilliseconds: UInt32 = 2000

  /// `fchmod(2)`.
  public func setPermissions(_ file: OpenFile, _ permissions: UInt32) throws(ArchiveError) {
    guard Syscalls.changeMode(file.descriptor, permissions) == 0 else {
      throw .system(Syscalls.lastErrno, path: file.path, action: "chmod")
    }
  }

  /// `close(2)`.
  public func close(_ file: OpenFile) throws(ArchiveError) {
    guard Syscalls.closeFile(file.descriptor) == 0 else {
      throw .system(Syscalls.lastErrno, path: file.path, action: "close")
    }
  }

  /// `renameat2(RENAME_NOREPLACE)`, else `link` + `unlink`, else a reserved placeholder replaced by `rename`.
  public func renameWithoutReplacing(_ from: String, to: String) throws(ArchiveError) {
    if strategy == .automatic {
      if Syscalls.renameNoReplace(from, to) == 0 { return }
      let e = Syscalls.lastErrno
      // ENOSYS: no renameat2; EINVAL: the file system does not support RENAME_NOREPLACE. Anything else is final.
      guard e == 38 || e == 22 else { throw .system(e, path: to, action: "rename \(from)") }
    }
    if strategy != .placeholder {
      if Syscalls.hardLink(from, to) == 0 {
        guard Syscalls.removeFile(from) == 0 else {
          throw .system(Syscalls.lastErrno, path: from, action: "unlink after link")
        }
        return
      }
      let linkError = Syscalls.lastErrno
      // EPERM / EOPNOTSUPP / EMLINK: no hard links here. Anything else (EEXIST first) is final.
      guard linkError == 1 || linkError == 95 || linkError == 31 else {
        throw .system(linkError, path: to, action: "link \(from)")
      }
    }
    // Reserve the name with O_EXCL, then let rename(2) replace only that placeholder of ours.
    let placeholder = try createNew(to, permissions: 0o600)
    try close(placeholder)
    guard Syscalls.plainRename(from, to) == 0 else {
      let renameError = Syscalls.lastErrno
      _ = Syscalls.removeFile(to)
      throw .system(renameError, path: to, action: "rename \(from)")
    }
  }

  /// `unlink(2)`.
  public func removeFile(_ path: String) throws(ArchiveError) {
    guard Syscalls.removeFile(path) == 0 else { throw .system(Syscalls.lastErrno, path: path, action: "unlink") }
  }

  /// `open(O_DIRECTORY)` + `fsync(2)`; a file system that cannot sync directories (EINVAL) is accepted.
  public func synchronizeDirectory(_ path: String) throws(ArchiveError) {
    let fd = Syscalls.openFile(path, flags: Syscalls.directoryFlags, mode: 0)
    guard fd >= 0 else { throw .system(Syscalls.lastErrno, path: path, action: "open directory") }
    defer { _ = Syscalls.closeFile(fd) }
    guard Syscalls.syncFile(fd) == 0 else {
      let e = Syscalls.lastErrno
      if e == 22 { return }  // EINVAL: this file system cannot sync directories; its renames are synchronous
      throw .system(e, path: path, action: "fsync directory")
    }
  }

  /// `mkdir(2)`.
  public func makeDirectory(_ path: String, permissions: UInt32) throws(ArchiveError) {
    guard Syscalls.makeDirectory(path, permissions) == 0 else {
      throw .system(Syscalls.lastErrno, path: path, action: "mkdir")
    }
  }

  /// `realpath(3)`.
  public func resolve(_ path: String) throws(ArchiveError) -> String {
    guard let resolved = Syscalls.resolvedPath(path) else {
      throw .system(Syscalls.lastErrno, path: path, action: "resolve path")
    }
    return resolved
  }

  /// `getcwd(3)`.
  public func currentDirectory() throws(ArchiveError) -> String {
    guard let cwd = Syscalls.currentDirectory() else {
      throw .system(Syscalls.lastErrno, path: ".", action: "getcwd")
    }
    return cwd
  }
}
