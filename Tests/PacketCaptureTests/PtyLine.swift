import CSerialPort
import Foundation
import Glibc

/// A pseudo-terminal pair standing in for an RS-485 line: the test writes the line's octets into the master
/// side; the capture opens the slave by name. The test keeps its own slave descriptor to watch the slave's input
/// queue and read the rate the capture set (termios2 is shared by every opener of the slave).
final class PtyLine: @unchecked Sendable {
  let master: Int32
  let slave: Int32
  let slaveName: String

  /// Whether pseudo-terminals can be opened here (a container without /dev/ptmx or devpts cannot): the pty
  /// tests skip with this reason only then.
  static let available: Bool = {
    var m: Int32 = -1, s: Int32 = -1
    guard openpty(&m, &s, nil, nil, nil) == 0 else { return false }
    close(m)
    close(s)
    return true
  }()

  init() throws {
    var m: Int32 = -1, s: Int32 = -1
    guard openpty(&m, &s, nil, nil, nil) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    master = m
    slave = s
    slaveName = String(cString: ttyname(s))
  }

  deinit {
    close(master)
    close(slave)
  }

  /// The rate the slave side is set to (what the capture asked for).
  var receiverBaud: Int {
    var b: UInt32 = 0
    return optigo_serial_input_baud(slave, &b) == 0 ? Int(b) : 0
  }

  /// Octets waiting in the slave's input queue (not yet read by the capture).
  var unread: Int {
    var n: Int32 = 0
    return ioctl(slave, UInt(FIONREAD), &n) == 0 ? Int(n) : 0
  }

  func write(_ bytes: [UInt8]) {
    var rest = bytes[...]
    while !rest.isEmpty {
      let n = rest.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EAGAIN || errno == EINTR { usleep(1000); continue }
        return
      }
      rest = rest.dropFirst(n)
    }
  }

  /// Waits until the capture has read everything written (bounded).
  func waitUntilRead(timeout: TimeInterval = 20) {
    let end = Date().addingTimeInterval(timeout)
    while unread > 0, Date() < end { usleep(2000) }
  }

  static func sleep(ns: Int64) {
    guard ns > 0 else { return }
    var t = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
    var rest = timespec()
    while nanosleep(&t, &rest) != 0 && errno == EINTR { t = rest }
  }

  /// Replays events at the line's pace: each write is followed by its air time at `baud`; split points pause
  /// 1 ms (a frame in several reads); a zero gap joins an event to the next one (several frames in one read).
  func replay(_ events: [WireEvent], baud: Int, transform: ([UInt8]) -> [UInt8] = { $0 }) {
    let octetNs = 10_000_000_000 / Int64(baud)
    var pending: [UInt8] = []
    func flush(_ pause: Int64) {
      if !pending.isEmpty { write(transform(pending)) }
      PtyLine.sleep(ns: Int64(pending.count) * octetNs + pause)
      pending = []
    }
    for e in events {
      var last = 0
      for cut in e.splits + [e.bytes.count] where cut > last {
        pending += e.bytes[last..<cut]
        last = cut
        if cut < e.bytes.count { flush(1_000_000) }
      }
      if e.gapAfterNs > 0 { flush(e.gapAfterNs) }
    }
    flush(0)
  }
}
