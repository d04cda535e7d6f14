// Every system call of the serial source that passes a pointer is here and marked `unsafe`; the rest of
// Serial/ and MSTP/ is safe Swift over Swift arrays.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSerialPort

enum SerialSystemCalls {
  /// `strerror` text.
  static func errorText(_ code: Int32) -> String {
    guard let text = unsafe strerror(code) else { return "error \(code)" }
    return unsafe String(cString: text)
  }

  /// Opens a tty non-blocking (descriptor or negative errno).
  static func open(_ path: String) -> Int32 { unsafe optigo_serial_open(path) }

  /// Raw 8N1 at `baud` (0 or negative errno).
  static func configure(_ fd: Int32, baud: Int) -> Int32 {
    guard baud > 0, baud <= Int(UInt32.max) else { return -EINVAL }
    return optigo_serial_configure(fd, UInt32(baud))
  }

  /// Asks for low-latency delivery (ASYNC_LOW_LATENCY): 0 or a negative errno.
  static func requestLowLatency(_ fd: Int32) -> Int32 { optigo_serial_low_latency(fd) }

  /// The input baud rate the line reports.
  static func inputBaud(_ fd: Int32) -> Int? {
    var b: UInt32 = 0
    return unsafe optigo_serial_input_baud(fd, &b) == 0 ? Int(b) : nil
  }

  /// Discards unread input.
  static func discardInput(_ fd: Int32) { _ = optigo_serial_discard_input(fd) }

  static func close(_ fd: Int32) { _ = Glibc.close(fd) }

  /// `CLOCK_REALTIME` in nanoseconds since the epoch.
  static func realtimeNs() -> Int64 { clockNs(CLOCK_REALTIME) }
  /// `CLOCK_MONOTONIC` in nanoseconds.
  static func monotonicNs() -> Int64 { clockNs(CLOCK_MONOTONIC) }

  private static func clockNs(_ clock: clockid_t) -> Int64 {
    var ts = timespec()
    _ = unsafe clock_gettime(clock, &ts)
    return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
  }

  /// Waits until one of `fds` is readable (or hung up) or `timeoutMs` passes (-1: forever). Returns the
  /// `revents` of each descriptor (all 0 on timeout), or nil when poll fails with something other than EINTR.
  static func poll(_ fds: [Int32], timeoutMs: Int32) -> [Int16]? {
    var p = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let n = unsafe p.withUnsafeMutableBufferPointer { b in unsafe Glibc.poll(b.baseAddress, nfds_t(b.count), timeoutMs) }
    if n < 0 { return errno == EINTR ? fds.map { _ in 0 } : nil }
    return p.map(\.revents)
  }

  /// `read(2)` into `buffer` from index 0: the count, or a negative errno.
  static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
    let n = unsafe buffer.withUnsafeMutableBytes { raw in unsafe Glibc.read(fd, raw.baseAddress, raw.count) }
    return n < 0 ? -Int(errno) : n
  }

  /// Writes one octet (a wake-up on a pipe); failures are ignored (the pipe is non-blocking and one pending
  /// octet is enough).
  static func poke(_ fd: Int32) {
    var b: UInt8 = 1
    _ = unsafe Glibc.write(fd, &b, 1)
  }

  /// A non-blocking, close-on-exec pipe (read end, write end), or nil.
  static func pipe() -> (read: Int32, write: Int32)? {
    var fds: [Int32] = [-1, -1]
    let r = unsafe fds.withUnsafeMutableBufferPointer { b in unsafe optigo_serial_pipe(b.baseAddress) }
    return r == 0 ? (fds[0], fds[1]) : nil
  }

  /// Empties a non-blocking pipe.
  static func drain(_ fd: Int32) {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(fd, into: &buffer) > 0 {}
  }
}
