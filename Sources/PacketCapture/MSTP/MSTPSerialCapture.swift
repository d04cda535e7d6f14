public import PcapKit
public import BACnetDecode

/// What auto-baud tried and found.
public struct MSTPAutoBaudReport: Sendable, CustomStringConvertible {
  /// One rate tried: octets read and records of each kind at that rate.
  public struct Attempt: Sendable {
    /// The rate.
    public var baud: Int
    /// Octets read while listening at it.
    public var octets: Int
    /// Valid frames.
    public var validFrames: Int
    /// Bad, truncated and noise records.
    public var badRecords: Int
  }
  /// The rate locked on, nil when none was found before the timeout.
  public var baud: Int?
  /// Every listening period, in order.
  public var attempts: [Attempt] = []
  /// `"locked on 38400 baud after 4 valid frames (tried 115200, 76800, 57600, 38400)"` or why none was found.
  public var description: String {
    let tried = attempts.map { "\($0.baud): \($0.octets) octets, \($0.validFrames) valid, \($0.badRecords) bad" }
    if let b = baud, let last = attempts.last {
      return "locked on \(b) baud after \(last.validFrames) valid frames (tried \(tried.joined(separator: "; ")))"
    }
    if attempts.allSatisfy({ $0.octets == 0 }) { return "the line is silent at every rate (tried \(attempts.count) periods)" }
    return "no rate gave valid MS/TP frames (\(tried.joined(separator: "; ")))"
  }
}

/// MS/TP capture from a serial line: a ``SerialPort``, its ``SerialReader`` thread and a passive
/// ``MSTPStreamFramer``.
///
/// ```swift
/// let capture = try MSTPSerialCapture(device: "/dev/ttyUSB0", baud: 38400)
/// var writer = try MSTPRecordWriter(sink: output.sink, format: .pcapng, device: capture.device, baud: capture.baud)
/// while !stopping, try capture.poll(timeoutMs: 50, emit: { r throws(CaptureError) in try writer.write(r) }) {}
/// try capture.finish { r throws(CaptureError) in try writer.write(r) }
/// ```
public final class MSTPSerialCapture {
  /// Bacnet-stack's auto-baud order: fastest first.
  public static let autoBaudOrder = SerialPort.mstpRates.reversed() as [Int]

  /// The device path.
  public var device: String { port.path }
  /// The line rate in use.
  public var baud: Int { port.baud }
  /// The framer (its counters are the capture's totals).
  public private(set) var framer: MSTPStreamFramer
  /// The auto-baud report, when the rate was detected.
  public private(set) var autoBaud: MSTPAutoBaudReport?
  private let port: SerialPort
  private let reader: SerialReader
  private var pending: [MSTPStreamRecord] = []

  /// Opens `device` at `baud` and starts reading.
  /// - Parameter frameAbortNs: the silence that aborts a frame (see ``MSTPStreamFramer``).
  public init(device: String, baud: Int, frameAbortNs: Int64 = 95_000_000) throws(CaptureError) {
    port = try SerialPort(path: device, baud: baud)
    reader = try SerialReader(fileDescriptor: port.fileDescriptor)
    framer = MSTPStreamFramer(baud: baud, frameAbortNs: frameAbortNs)
  }

  /// Opens `device` and finds its rate: listens at each of `rates` in turn (fastest first, as bacnet-stack
  /// does) for up to `dwellNs`, and locks on the first rate that gives `lockAfter` valid frames. The frames
  /// read while locking are kept: ``poll(timeoutMs:emit:)`` delivers them first.
  /// - Throws: ``CaptureError/Code/noMSTPTraffic`` when no rate locks within `timeoutNs` (the message says
  ///   whether the line was silent or noisy at every rate), or the errors of ``SerialPort``.
  public init(
    device: String, autoBaudAmong rates: [Int] = MSTPSerialCapture.autoBaudOrder, lockAfter: Int = 4,
    dwellNs: Int64 = 5_000_000_000, timeoutNs: Int64 = 60_000_000_000, frameAbortNs: Int64 = 95_000_000,
    progress: (String) -> Void = { _ in }
  ) throws(CaptureError) {
    let rates = rates.isEmpty ? Self.autoBaudOrder : rates
    port = try SerialPort(path: device, baud: rates[0])
    reader = try SerialReader(fileDescriptor: port.fileDescriptor)
    framer = MSTPStreamFramer(baud: rates[0], frameAbortNs: frameAbortNs)
    var report = MSTPAutoBaudReport()
    let deadline = SerialSystemCalls.monotonicNs() &+ timeoutNs
    var index = 0
    while SerialSystemCalls.monotonicNs() < deadline {
      let rate = rates[index % rates.count]
      index += 1
      try port.setBaud(rate)
      _ = reader.take(timeoutMs: 0)  // octets read at the previous rate
      var f = MSTPStreamFramer(baud: rate, frameAbortNs: frameAbortNs)
      var kept: [MSTPStreamRecord] = []
      var attempt = MSTPAutoBaudReport.Attempt(baud: rate, octets: 0, validFrames: 0, badRecords: 0)
      let end = min(deadline, SerialSystemCalls.monotonicNs() &+ dwellNs)
      while SerialSystemCalls.monotonicNs() < end, attempt.validFrames < lockAfter, reader.endReason == nil {
        let left = max(1, min(50, (end &- SerialSystemCalls.monotonicNs()) / 1_000_000))
        for c in reader.take(timeoutMs: Int32(left)) {
          attempt.octets += c.bytes.count
          f.feed(c.bytes, arrivalNs: c.arrivalNs) { r in
            if r.kind == .frame { attempt.validFrames += 1 } else { attempt.badRecords += 1 }
            kept.append(r)
          }
        }
      }
      report.attempts.append(attempt)
      progress("auto-baud: \(rate) baud: \(attempt.octets) octets, \(attempt.validFrames) valid frames, \(attempt.badRecords) bad records")
      if attempt.validFrames >= lockAfter {
        report.baud = rate
        framer = f
        pending = kept
        autoBaud = report
        return
      }
      if let why = reader.endReason {
        throw CaptureError(.ioError, offset: nil, "\(device): the line ended during auto-baud: \(why)")
      }
    }
    autoBaud = report
    throw CaptureError(.noMSTPTraffic, offset: nil, "\(device): auto-baud found no rate within \(timeoutNs / 1_000_000_000) s: \(report)")
  }

  deinit { reader.stop() }

  /// Waits up to `timeoutMs` for octets, frames them and emits the records completed (and a frame or noise
  /// ended by silence). Returns false once the line has ended (read error, hang-up) and everything read was
  /// framed; call ``finish(emit:)`` then.
  public func poll<E: Error>(timeoutMs: Int32, emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) -> Bool {
    if !pending.isEmpty {
      let p = pending
      pending = []
      for r in p { try emit(r) }
    }
    let chunks = reader.take(timeoutMs: timeoutMs)
    for c in chunks { try framer.feed(c.bytes, arrivalNs: c.arrivalNs, emit: emit) }
    try framer.idle(nowNs: SerialSystemCalls.realtimeNs(), emit: emit)
    return !(chunks.isEmpty && reader.endReason != nil)
  }

  /// Stops the reading thread and emits what is left (queued octets, a partial frame as truncated, noise).
  public func finish<E: Error>(emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    reader.stop()
    while true {
      let chunks = reader.take(timeoutMs: 0)
      if chunks.isEmpty { break }
      for c in chunks { try framer.feed(c.bytes, arrivalNs: c.arrivalNs, emit: emit) }
    }
    try framer.finish(emit: emit)
  }

  /// Why the line ended, nil while it is open.
  public var lineEndReason: String? { reader.endReason }
  /// Octets lost because the consumer fell more than the reader's queue behind (counted, never silent).
  public var overflowOctets: Int { reader.overflowOctets }
  /// Reads that returned data.
  public var reads: Int { reader.reads }
}

extension CaptureError.Code {
  /// Auto-baud found no rate giving valid MS/TP frames before its timeout.
  public static let noMSTPTraffic = Self(rawValue: "no-mstp-traffic")
}
