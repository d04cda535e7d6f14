import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The partial file of one upload: bytes appended at an offset, made durable, cut back when a chunk is refused.
/// The only file of the server doing raw descriptor I/O.
struct UploadFile {
  let fd: Int32

  /// Opens (creating, mode 0600) `path` for writing at `offset`, first cutting anything beyond it (bytes of a
  /// refused or interrupted chunk).
  init(path: String, offset: Int) throws {
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw BlobError.io("cannot open an upload file: errno \(errno)") }
    guard ftruncate(fd, off_t(offset)) == 0, lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
      let code = errno
      close(fd)
      throw BlobError.io("cannot position an upload file: errno \(code)")
    }
  }

  /// Appends all of `bytes`.
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw BlobError.io("cannot write an upload file: errno \(errno)")
      }
      done += n
    }
  }

  /// Cuts the file back to `length`.
  func truncate(to length: Int) {
    _ = ftruncate(fd, off_t(length))
  }

  /// Forces the bytes to disk and closes.
  func finish() throws {
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw BlobError.io("fsync of an upload file failed: errno \(errno)") }
  }
}
