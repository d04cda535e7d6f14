// The C library and the CPacketCapture shim as PacketCapture's Swift code sees them: every call that passes a
// pointer is here and marked `unsafe`; the rest of the target is safe Swift over plain integers and arrays. The
// mapped ring itself is read only through ``MappedRing`` (Linux/MappedRing.swift).
internal import CPacketCapture
#if canImport(Glibc)
  internal import Glibc
#endif

enum SystemCalls {
  static func errorText(_ code: Int32) -> String {
    guard let text = unsafe strerror(code) else { return "error \(code)" }
    return unsafe String(cString: text)
  }

  /// `CLOCK_REALTIME` in nanoseconds since the epoch.
  static func realtimeNanoseconds() -> Int128 {
    var ts = timespec()
    _ = unsafe clock_gettime(CLOCK_REALTIME, &ts)
    return Int128(ts.tv_sec) * 1_000_000_000 + Int128(ts.tv_nsec)
  }

  /// `CLOCK_MONOTONIC` in nanoseconds.
  static func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    _ = unsafe clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
  }

  /// Process CPU time (user + system) in nanoseconds.
  static func processCPUNanoseconds() -> Int64 {
    var ts = timespec()
    _ = unsafe clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
  }

  /// `"Linux 6.1.0-18-amd64"` from uname(2); empty on failure.
  static func operatingSystem() -> String {
    var u = utsname()
    guard unsafe uname(&u) == 0 else { return "" }
    func field<T>(_ value: inout T) -> String {
      unsafe withUnsafeBytes(of: &value) { raw in
        let bytes = unsafe raw.prefix { $0 != 0 }
        return unsafe String(decoding: bytes, as: UTF8.self)
      }
    }
    return field(&u.sysname) + " " + field(&u.release)
  }

  /// Free bytes for unprivileged users on `path`'s file system; -1 when unknown.
  static func freeBytes(_ path: String) -> Int64 {
    let n = unsafe cpc_free_bytes(path)
    return n < 0 ? -1 : n
  }

  /// Starts `arguments[0]` (PATH search) with `arguments`; the pid or -errno.
  static func spawn(_ arguments: [String]) -> Int32 {
    var cStrings: [UnsafeMutablePointer<CChar>?] = unsafe arguments.map { unsafe strdup($0) }
    unsafe cStrings.append(nil)
    defer { for unsafe p in unsafe cStrings { unsafe free(p) } }
    return unsafe cStrings.withUnsafeBufferPointer { unsafe cpc_spawn($0.baseAddress) }
  }

  /// The exit status (or 128 + signal) of `pid` when it has finished, nil while it runs.
  static func reap(_ pid: Int32) -> Int32? {
    var status: Int32 = 0
    let r = unsafe cpc_reap(pid, &status)
    if r == 0 { return nil }
    if r < 0 { return -1 }
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
  }

  static func sleep(milliseconds: UInt32) { _ = usleep(milliseconds * 1000) }

  /// poll(2) for input on `descriptors`; returns which are ready, or nil with the errno on failure (EINTR → all false).
  static func pollInput(_ descriptors: [Int32], timeoutMilliseconds: Int32) -> (ready: [Bool], error: Int32) {
    var ready = [Int32](repeating: 0, count: descriptors.count)
    let n = unsafe descriptors.withUnsafeBufferPointer { fds in
      unsafe ready.withUnsafeMutableBufferPointer { r in
        unsafe cpc_poll_input(fds.baseAddress, r.baseAddress, Int32(fds.count), timeoutMilliseconds)
      }
    }
    if n < 0 { return ([Bool](repeating: false, count: descriptors.count), n == -EINTR ? 0 : -n) }
    return (ready.map { $0 != 0 }, 0)
  }

  /// Reads and discards what is waiting on a non-blocking descriptor; returns the last byte read, if any.
  static func drainByte(_ fd: Int32) -> UInt8? {
    var buffer = [UInt8](repeating: 0, count: 64)
    var last: UInt8?
    while true {
      let n = unsafe buffer.withUnsafeMutableBytes { unsafe read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { return last }
      last = buffer[n - 1]
    }
  }

  /// A non-blocking close-on-exec pipe (read end, write end), or nil.
  static func makePipe() -> (Int32, Int32)? {
    var fds: [Int32] = [-1, -1]
    let r = unsafe fds.withUnsafeMutableBufferPointer { unsafe cpc_make_pipe($0.baseAddress) }
    return r == 0 ? (fds[0], fds[1]) : nil
  }

  /// Writes one byte (to wake a poll); errors ignored (a full pipe already wakes it).
  static func writeByte(_ fd: Int32, _ byte: UInt8) {
    var b = byte
    _ = unsafe write(fd, &b, 1)
  }

  static func closeDescriptor(_ fd: Int32) { _ = close(fd) }

  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  /// Writes a whole string to a descriptor (standard error for status lines), best effort.
  static func writeText(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let n = unsafe bytes.withUnsafeBytes { unsafe write(fd, $0.baseAddress, $0.count) }
      if n <= 0 { return }
      bytes = bytes.dropFirst(n)
    }
  }

  /// The whole content of a small file (sysfs), or nil.
  static func readSmallFile(_ path: String) -> String? {
    let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { _ = close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = unsafe buffer.withUnsafeMutableBytes { unsafe read(fd, $0.baseAddress, $0.count) }
    guard n >= 0 else { return nil }
    return String(decoding: buffer[0..<n], as: UTF8.self)
  }

  /// Names in a directory (sysfs listing), without "." and "..".
  static func directoryNames(_ path: String) -> [String] {
    guard let dir = unsafe opendir(path) else { return [] }
    defer { unsafe _ = closedir(dir) }
    var names: [String] = []
    while let entry = unsafe readdir(dir) {
      let name = unsafe withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        unsafe String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  static let eperm: Int32 = EPERM
  static let eacces: Int32 = EACCES
  static let enomem: Int32 = ENOMEM
}

extension SystemCalls {
  /// Installs the SIGTERM/SIGINT/SIGHUP handlers; the descriptor to poll, or -errno.
  static func installStopSignals() -> Int32 { cpc_stop_signals_install() }
  /// Restores the default signal actions.
  static func restoreStopSignals() { cpc_stop_signals_restore() }
}

extension SystemCalls {
  /// Addresses per interface name from getifaddrs(3), as `address/prefix` text (IPv4 and IPv6 only).
  static func interfaceAddresses() -> [String: [String]] {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard unsafe getifaddrs(&list) == 0 else { return [:] }
    defer { unsafe freeifaddrs(list) }
    var out: [String: [String]] = [:]
    var cursor = unsafe list
    while let entry = unsafe cursor {
      defer { unsafe cursor = entry.pointee.ifa_next }
      guard let addr = unsafe entry.pointee.ifa_addr, let namePointer = unsafe entry.pointee.ifa_name else { continue }
      let name = unsafe String(cString: namePointer)
      let family = unsafe Int32(addr.pointee.sa_family)
      var text = [CChar](repeating: 0, count: 64)
      var prefix = 0
      if family == AF_INET {
        let ok = unsafe addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
          var a = unsafe sin.pointee.sin_addr
          return unsafe inet_ntop(AF_INET, &a, &text, 64) != nil
        }
        guard ok else { continue }
        if let mask = unsafe entry.pointee.ifa_netmask {
          prefix = unsafe mask.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
            unsafe Int($0.pointee.sin_addr.s_addr.nonzeroBitCount)
          }
        }
      } else if family == AF_INET6 {
        let ok = unsafe addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
          var a = unsafe sin.pointee.sin6_addr
          return unsafe inet_ntop(AF_INET6, &a, &text, 64) != nil
        }
        guard ok else { continue }
        if let mask = unsafe entry.pointee.ifa_netmask {
          prefix = unsafe mask.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { m in
            unsafe withUnsafeBytes(of: m.pointee.sin6_addr) { raw in unsafe raw.reduce(0) { $0 + $1.nonzeroBitCount } }
          }
        }
      } else {
        continue
      }
      let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      out[name, default: []].append("\(address)/\(prefix)")
    }
    return out
  }
}
