// The POSIX calls of PcapKit and CaptureArchive (zlib lives in Zlib.swift; PcapKit's signal handling in its
// Internals/SignalCleanup.swift). Every call that passes a pointer is marked `unsafe` here, so PcapKit's IO/ and
// Output/ and all of CaptureArchive are safe Swift: buffers are Swift arrays whose bounds are checked before each call, descriptors are plain integers owned by their callers.
#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Result of `lstat(2)`: the fields the archive engine looks at.
package struct RawStatus {
  package var device: UInt64
  package var inode: UInt64
  package var size: Int64
  package var mode: UInt32
  /// Last modification, seconds since the epoch.
  package var modified: Int64 = 0

  package init(device: UInt64, inode: UInt64, size: Int64, mode: UInt32, modified: Int64 = 0) {
    self.device = device
    self.inode = inode
    self.size = size
    self.mode = mode
    self.modified = modified
  }
}

/// A file's identity on its file system: equal for two paths that reach the same file (hard links, symbolic
/// links, `./a` and `a`). The one device/inode identity of PcapKit and CaptureArchive.
package struct FileIdentity: Hashable, Sendable {
  package var device: UInt64
  package var inode: UInt64

  package init(device: UInt64, inode: UInt64) {
    self.device = device
    self.inode = inode
  }

  package init(_ status: RawStatus) { self.init(device: status.device, inode: status.inode) }
}

/// Thin wrappers over the system calls used by ``FileSource``, ``FileSink``, ``AtomicOutputFile`` and
/// ``PosixFileSystem``; each returns -1 / nil and leaves `errno` set on failure.
package enum Syscalls {
  package static var lastErrno: Int32 { errno }

  package static func errorText(_ code: Int32) -> String {
    guard let text = unsafe strerror(code) else { return "error \(code)" }
    return unsafe String(cString: text)
  }

  package static func lstatus(_ path: String) -> RawStatus? {
    var st = stat()
    guard unsafe lstat(path, &st) == 0 else { return nil }
    return RawStatus(
      device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode),
      modified: Int64(st.st_mtim.tv_sec))
  }

  /// `stat(2)`: like ``lstatus(_:)`` but follows symbolic links.
  package static func status(_ path: String) -> RawStatus? {
    var st = stat()
    guard unsafe stat(path, &st) == 0 else { return nil }
    return RawStatus(
      device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode),
      modified: Int64(st.st_mtim.tv_sec))
  }

  package static func fstatus(_ fd: Int32) -> RawStatus? {
    var st = stat()
    guard unsafe fstat(fd, &st) == 0 else { return nil }
    return RawStatus(
      device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode),
      modified: Int64(st.st_mtim.tv_sec))
  }

  package static func openFile(_ path: String, flags: Int32, mode: UInt32) -> Int32 {
    unsafe open(path, flags | O_CLOEXEC, mode_t(mode))
  }

  package static func closeFile(_ fd: Int32) -> Int32 { close(fd) }

  /// Reads up to `buffer.count` bytes into the start of `buffer`, retrying on EINTR.
  package static func readFile(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
    readFile(fd, into: &buffer, at: 0, count: buffer.count)
  }

  /// Reads up to `count` bytes into `buffer[index...]`, retrying on EINTR; -1 with errno set on failure.
  package static func readFile(_ fd: Int32, into buffer: inout [UInt8], at index: Int, count: Int) -> Int {
    precondition(index >= 0 && count >= 0 && index + count <= buffer.count)
    while true {
      let n = unsafe buffer.withUnsafeMutableBytes { raw in
        unsafe read(fd, raw.baseAddress.map { unsafe $0 + index }, count)
      }
      if n < 0 && errno == EINTR { continue }
      return n
    }
  }

  /// Writes all of `bytes`, retrying on EINTR and short writes; returns false with errno set on failure.
  package static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
    var rest = bytes
    while !rest.isEmpty {
      let n = unsafe rest.withUnsafeBytes { raw in unsafe write(fd, raw.baseAddress, raw.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return false
      }
      if n == 0 {
        errno = EIO
        return false
      }
      rest = rest.dropFirst(n)
    }
    return true
  }

  package static func syncFile(_ fd: Int32) -> Int32 { fsync(fd) }
  package static func changeMode(_ fd: Int32, _ mode: UInt32) -> Int32 { fchmod(fd, mode_t(mode)) }
  package static func seekToEnd(_ fd: Int32) -> Int64 { Int64(lseek(fd, 0, SEEK_END)) }
  package static func seek(_ fd: Int32, to offset: Int64) -> Int64 { Int64(lseek(fd, off_t(offset), SEEK_SET)) }

  package static func removeFile(_ path: String) -> Int32 { unsafe unlink(path) }
  package static func removeDirectory(_ path: String) -> Int32 { unsafe rmdir(path) }
  package static func hardLink(_ from: String, _ to: String) -> Int32 { unsafe link(from, to) }
  package static func plainRename(_ from: String, _ to: String) -> Int32 { unsafe rename(from, to) }
  package static func makeDirectory(_ path: String, _ mode: UInt32) -> Int32 { unsafe mkdir(path, mode_t(mode)) }

  #if os(Linux)
    private typealias RenameAt2 =
      @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's `renameat2` (2.28+), looked up at run time because Swift's Glibc module does not declare it.
    private static let renameAt2: RenameAt2? = {
      guard let handle = unsafe dlopen(nil, RTLD_NOW), let symbol = unsafe dlsym(handle, "renameat2") else {
        return nil
      }
      return unsafe unsafeBitCast(symbol, to: RenameAt2.self)
    }()
  #endif

  /// `renameat2(…, RENAME_NOREPLACE)`: 0, or -1 with errno (EEXIST if `to` exists; ENOSYS when the call is
  /// unavailable; EINVAL when the file system does not support the flag).
  package static func renameNoReplace(_ from: String, _ to: String) -> Int32 {
    #if os(Linux)
      guard let call = unsafe renameAt2 else {
        errno = ENOSYS
        return -1
      }
      return unsafe call(AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */)
    #elseif canImport(Darwin)
      return unsafe renamex_np(from, to, UInt32(RENAME_EXCL))
    #else
      errno = ENOSYS
      return -1
    #endif
  }

  /// Names in a directory (without "." and ".."); names that are not valid UTF-8 are counted, not returned.
  package static func listDirectory(_ path: String) -> (names: [String], undecodable: Int)? {
    guard let dir = unsafe opendir(path) else { return nil }
    defer { unsafe _ = closedir(dir) }
    var names: [String] = []
    var undecodable = 0
    while true {
      errno = 0
      guard let entry = unsafe readdir(dir) else {
        if errno != 0 { return nil }
        break
      }
      let name: String? = unsafe withUnsafePointer(to: &entry.pointee.d_name) { tuple in
        unsafe tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
          unsafe String(validatingCString: $0)
        }
      }
      guard let name else {
        undecodable += 1
        continue
      }
      if name == "." || name == ".." { continue }
      names.append(name)
    }
    return (names, undecodable)
  }

  package static func resolvedPath(_ path: String) -> String? {
    guard let resolved = unsafe realpath(path, nil) else { return nil }
    defer { unsafe free(resolved) }
    return unsafe String(validatingCString: resolved)
  }

  package static func currentDirectory() -> String? {
    guard let cwd = unsafe getcwd(nil, 0) else { return nil }
    defer { unsafe free(cwd) }
    return unsafe String(validatingCString: cwd)
  }

  /// Seconds since the epoch.
  package static func now() -> Int64 { Int64(time(nil)) }

  /// The process id, to make temporary names unlikely to collide.
  package static func processID() -> Int32 { getpid() }

  package static let plainReadFlags = O_RDONLY
  package static let createTruncateFlags = O_WRONLY | O_CREAT | O_TRUNC
  package static let createNewFlags = O_WRONLY | O_CREAT | O_EXCL
  package static let readOnlyFlags = O_RDONLY | O_NOFOLLOW
  package static let directoryFlags = O_RDONLY | O_DIRECTORY
  package static let createExclusiveFlags = createNewFlags | O_NOFOLLOW
  package static let appendFlags = O_WRONLY | O_APPEND | O_NOFOLLOW
  package static let readWriteFlags = O_RDWR | O_NOFOLLOW
  package static let typeMask: UInt32 = UInt32(S_IFMT)
  package static let regularType: UInt32 = UInt32(S_IFREG)
  package static let directoryType: UInt32 = UInt32(S_IFDIR)
  package static let symlinkType: UInt32 = UInt32(S_IFLNK)
  package static let permissionMask: UInt32 = 0o7777
}

extension Syscalls {
  package static func truncateFile(_ fd: Int32, _ length: Int64) -> Int32 { ftruncate(fd, off_t(length)) }
  /// `flock(LOCK_EX | LOCK_NB)`: 0, or -1 with EWOULDBLOCK when another open file holds the lock.
  package static func lockExclusive(_ fd: Int32) -> Int32 { flock(fd, LOCK_EX | LOCK_NB) }

  /// Sleeps for `milliseconds` (no pointer passed to the C library; `usleep` restarts are not needed here).
  package static func pause(milliseconds: UInt32) { _ = usleep(milliseconds * 1000) }
}
