#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes text straight to a file descriptor (standard error), unbuffered.
enum FileDescriptorWriter {
  static func write(_ string: String, to fd: Int32) {
    var bytes = Array(string.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeMutableBytes { raw in
        Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
      }
      if n <= 0 { return }
      offset += n
    }
  }
}
