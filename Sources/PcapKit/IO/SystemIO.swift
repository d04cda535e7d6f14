// The only file in PcapKit that makes system calls on raw memory. Each `unsafe` here passes a pointer into a
// Swift array to the kernel for exactly the range the caller validated.
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

enum SystemIO {
  static func errorText(_ code: Int32) -> String {
    unsafe String(cString: strerror(code))
  }

  static func openForReading(_ path: String) throws(CaptureError) -> Int32 {
    let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw CaptureError(.ioError, offset: nil, "cannot open \(path): \(errorText(errno))") }
    return fd
  }

  static func openForWriting(_ path: String, exclusive: Bool) throws(CaptureError) -> Int32 {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
    let fd = unsafe open(path, flags, 0o644)
    if fd < 0 { throw CaptureError(.ioError, offset: nil, "cannot create \(path): \(errorText(errno))") }
    return fd
  }

  @discardableResult
  static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }

  static func read(_ fd: Int32, into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    precondition(index >= 0 && count >= 0 && index + count <= buffer.count)
    while true {
      let n = unsafe buffer.withUnsafeMutableBytes { raw in
        unsafe Glibc.read(fd, raw.baseAddress! + index, count)
      }
      if n >= 0 { return n }
      let e = errno
      if e == EINTR { continue }
      throw CaptureError(.ioError, offset: nil, "read failed: \(errorText(e))")
    }
  }

  static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    var start = bytes.startIndex
    while start < bytes.endIndex {
      let n = unsafe bytes.withUnsafeBytes { raw in
        unsafe Glibc.write(fd, raw.baseAddress! + (start - bytes.startIndex), bytes.endIndex - start)
      }
      if n < 0 {
        let e = errno
        if e == EINTR { continue }
        throw CaptureError(.ioError, offset: nil, "write failed: \(errorText(e))")
      }
      start += n
    }
  }

  static func fsync(_ fd: Int32) -> Bool { Glibc.fsync(fd) == 0 }
}
