// System calls behind AtomicOutputFile: the only file under Output/ that touches raw memory (C strings and a
// `stat` buffer handed to the kernel for the duration of one call).
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A file's identity on its file system: equal for two paths that reach the same file (hard links, symbolic
/// links, `./a` and `a`).
struct FileIdentity: Hashable, Sendable {
  var device: UInt64
  var inode: UInt64
}

enum OutputSystemCalls {
  static func errorText(_ code: Int32) -> String { unsafe String(cString: strerror(code)) }

  /// The identity of the file `path` names (following symbolic links), or nil when it does not exist / cannot be
  /// examined.
  static func identity(of path: String) -> FileIdentity? {
    var info = stat()
    guard unsafe stat(path, &info) == 0 else { return nil }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  /// The identity of an open descriptor.
  static func identity(of fd: Int32) -> FileIdentity? {
    var info = stat()
    guard unsafe fstat(fd, &info) == 0 else { return nil }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
  }

  /// True when `path` exists and is a directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    guard unsafe stat(path, &info) == 0 else { return false }
    return info.st_mode & S_IFMT == S_IFDIR
  }

  /// Creates `path` exclusively for writing; returns the descriptor or the errno.
  static func createExclusive(_ path: String) -> (fd: Int32, error: Int32) {
    let fd = unsafe open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    return fd >= 0 ? (fd, 0) : (-1, errno)
  }

  /// `fsync(2)`; returns the errno on failure.
  static func fsync(_ fd: Int32) -> Int32? { Glibc.fsync(fd) == 0 ? nil : errno }

  /// Flushes a directory's entries (after a rename), best effort.
  static func syncDirectory(_ path: String) {
    let fd = unsafe open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      _ = Glibc.fsync(fd)
      _ = Glibc.close(fd)
    }
  }

  /// `close(2)`; returns the errno on failure.
  @discardableResult
  static func close(_ fd: Int32) -> Int32? { Glibc.close(fd) == 0 ? nil : errno }

  /// `rename(2)`; returns the errno on failure.
  static func rename(_ from: String, _ to: String) -> Int32? { unsafe Glibc.rename(from, to) == 0 ? nil : errno }

  /// `unlink(2)`, ignoring failures.
  static func unlink(_ path: String) { _ = unsafe Glibc.unlink(path) }

  /// The process id, to make temporary names unlikely to collide.
  static func processID() -> Int32 { getpid() }
}
