// Descriptor I/O for FileSource and FileSink: turns the raw results of ``Syscalls`` into ``CaptureError``s.
// Safe Swift only; the system calls themselves live in Internals/Syscalls.swift.
import _CaptureInternals

enum SystemIO {
  static func openForReading(_ path: String) throws(CaptureError) -> Int32 {
    let fd = Syscalls.openFile(path, flags: Syscalls.plainReadFlags, mode: 0)
    if fd < 0 {
      throw CaptureError(.ioError, offset: nil, "cannot open \(path): \(Syscalls.errorText(Syscalls.lastErrno))")
    }
    return fd
  }

  static func openForWriting(_ path: String, exclusive: Bool) throws(CaptureError) -> Int32 {
    let flags = exclusive ? Syscalls.createNewFlags : Syscalls.createTruncateFlags
    let fd = Syscalls.openFile(path, flags: flags, mode: 0o644)
    if fd < 0 {
      throw CaptureError(.ioError, offset: nil, "cannot create \(path): \(Syscalls.errorText(Syscalls.lastErrno))")
    }
    return fd
  }

  static func read(_ fd: Int32, into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    let n = Syscalls.readFile(fd, into: &buffer, at: index, count: count)
    if n < 0 { throw CaptureError(.ioError, offset: nil, "read failed: \(Syscalls.errorText(Syscalls.lastErrno))") }
    return n
  }

  static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    if !Syscalls.writeAll(fd, bytes) {
      throw CaptureError(.ioError, offset: nil, "write failed: \(Syscalls.errorText(Syscalls.lastErrno))")
    }
  }
}
