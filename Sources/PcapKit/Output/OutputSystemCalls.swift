// File-system questions and steps behind AtomicOutputFile, in safe Swift over ``Syscalls`` (the system calls
// themselves live in Internals/Syscalls.swift).
import _CaptureInternals

enum OutputSystemCalls {
  /// The identity of the file `path` names (following symbolic links), or nil when it does not exist / cannot be
  /// examined.
  static func identity(of path: String) -> FileIdentity? { Syscalls.status(path).map(FileIdentity.init) }

  /// True when `path` exists and is a directory.
  static func isDirectory(_ path: String) -> Bool {
    guard let status = Syscalls.status(path) else { return false }
    return status.mode & Syscalls.typeMask == Syscalls.directoryType
  }

  /// Creates `path` exclusively for writing; returns the descriptor or the errno.
  static func createExclusive(_ path: String, permissions: UInt32 = 0o644) -> (fd: Int32, error: Int32) {
    let fd = Syscalls.openFile(path, flags: Syscalls.createNewFlags, mode: permissions)
    return fd >= 0 ? (fd, 0) : (-1, Syscalls.lastErrno)
  }

  /// Flushes a directory's entries (after a rename), best effort.
  static func syncDirectory(_ path: String) {
    let fd = Syscalls.openFile(path, flags: Syscalls.directoryFlags, mode: 0)
    if fd >= 0 {
      _ = Syscalls.syncFile(fd)
      _ = Syscalls.closeFile(fd)
    }
  }

  /// `rename(2)`; returns the errno on failure.
  static func rename(_ from: String, _ to: String) -> Int32? {
    Syscalls.plainRename(from, to) == 0 ? nil : Syscalls.lastErrno
  }
}
