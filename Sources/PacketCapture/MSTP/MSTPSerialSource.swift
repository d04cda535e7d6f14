public import PcapKit
public import BACnetDecode

/// What auto-baud tried and found.
public struct MSTPAutoBaudReport: Sendable, CustomStringConvertible {
  /// One listening period at one rate.
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
  /// `"locked on 38400 baud after 4 valid frames (…)"`, or why no rate was found (silent or noisy line).
  public var description: String {
    let tried = attempts.map { "\($0.baud): \($0.octets) octets, \($0.validFrames) valid, \($0.badRecords) bad" }
    if let b = baud, let last = attempts.last {
      return "locked on \(b) baud after \(last.validFrames) valid frames (\(tried.joined(separator: "; ")))"
    }
    if attempts.allSatisfy({ $0.octets == 0 }) { return "the line was silent at every rate (\(attempts.count) listening periods)" }
    return "no rate gave valid MS/TP frames (\(tried.joined(separator: "; ")))"
  }
}

extension MSTPRecordKind {
  /// The `epb_flags` marking a record of this kind (nil for a good frame): inbound, plus the link-layer error
  /// bit CRC error (24) for bad header or data CRCs, packet too short (26) for a truncated frame, preamble
  /// error (30) for noise.
  public var captureFlags: PacketFlags? {
    switch self {
    case .frame: nil
    case .badHeaderCRC, .badDataCRC: PacketFlags(rawValue: 1 | 1 << 24)
    case .truncated: PacketFlags(rawValue: 1 | 1 << 26)
    case .noise: PacketFlags(rawValue: 1 | 1 << 30)
    }
  }

  /// The EPB comment marking a record of this kind (nil for a good frame).
  public var captureComment: String? {
    switch self {
    case .frame: nil
    case .badHeaderCRC: "MS/TP bad header CRC"
    case .badDataCRC: "MS/TP bad data CRC"
    case .truncated: "MS/TP truncated frame (line silent)"
    case .noise: "MS/TP noise: stray octets outside any frame"
    }
  }

  /// The kind a captured record was marked as, from its EPB comment (nil: not one of these markings).
  public init?(captureComment: String) {
    guard let k = [MSTPRecordKind.badHeaderCRC, .badDataCRC, .truncated, .noise].first(where: { $0.captureComment == captureComment })
    else { return nil }
    self = k
  }
}

/// A ``PacketSource`` capturing BACnet MS/TP from a serial line (an RS-485 adapter): a ``SerialPort``, its
/// ``SerialReader`` thread and a passive `MSTPStreamFramer` (BACnetDecode), feeding the same ``CaptureSpool`` and
/// ``CaptureRunner`` as IP capture.
///
/// Each record (frame, bad frame, truncated frame, noise) becomes one LINKTYPE_BACNET_MS_TP (165) packet, from
/// `55 FF` through the data CRC, timestamped at its estimated first octet; bad ones carry
/// `MSTPRecordKind.captureFlags` and `MSTPRecordKind.captureComment` in pcapng. The interface has snap
/// length 65535, as `mstpcap` writes.
///
/// ```swift
/// let source = try MSTPSerialSource(device: "/dev/ttyUSB0", baud: 38400)
/// let spool = try CaptureSpool(configuration: config, interfaces: [source.interface], announcer: LineAnnouncer(),
///                              start: SystemClock.now())
/// let end = try CaptureRunner(sources: [source], spool: spool).run()
/// ```
public final class MSTPSerialSource: PacketSource {
  /// Bacnet-stack's auto-baud order: fastest first.
  public static let autoBaudOrder: [Int] = SerialPort.mstpRates.reversed()

  /// The interface: the device, link type 165, snap length 65535, the rate in the description.
  public let interface: CaptureInterface
  /// The line rate in use.
  public var baud: Int { port.baud }
  /// True when the driver delivers octets at once (see ``SerialPort/lowLatency``).
  public var lowLatency: Bool { port.lowLatency }
  /// The framer's totals: records of each kind, octets, padding.
  public var counters: MSTPFramerCounters { framer.counters }
  /// Octets read but not yet in a record: a frame in progress or noise awaiting T_frame_abort of silence. After
  /// a stop (signal, request, duration) they were on the line but are not in the files; the line's end (a hang-up)
  /// flushes them as a truncated frame or noise.
  public var pendingOctets: Int { framer.pendingOctets }
  /// The auto-baud report, when the rate was detected.
  public private(set) var autoBaud: MSTPAutoBaudReport?
  private var framer: MSTPStreamFramer
  private let port: SerialPort
  private let reader: SerialReader
  private var pending: [MSTPStreamRecord] = []
  private var closed = false

  /// Opens `device` at `baud` and starts its reading thread.
  /// - Parameters:
  ///   - device: the serial device, e.g. `/dev/ttyUSB0`.
  ///   - baud: the line rate.
  ///   - frameAbortNs: the silence that aborts a frame (see `MSTPStreamFramer` in BACnetDecode).
  /// - Throws: the errors of ``SerialPort`` and ``SerialReader``.
  public init(device: String, baud: Int, frameAbortNs: Int64 = 95_000_000) throws(CaptureError) {
    port = try SerialPort(path: device, baud: baud)
    reader = try SerialReader(fileDescriptor: port.fileDescriptor)
    framer = MSTPStreamFramer(baud: baud, frameAbortNs: frameAbortNs)
    interface = Self.describe(device, baud)
  }

  /// Opens `device` and finds its rate: listens at each of `rates` in turn (fastest first, as bacnet-stack does)
  /// for up to `dwellNs`, cycling until `timeoutNs`, and locks on the first rate that gives `lockAfter` valid
  /// frames. The records read while locking are kept and delivered first.
  /// - Parameters:
  ///   - device: the serial device.
  ///   - rates: the rates to try, in order (default: fastest first).
  ///   - lockAfter: valid frames that lock a rate.
  ///   - dwellNs: how long to listen at each rate.
  ///   - timeoutNs: when to give up.
  ///   - frameAbortNs: the silence that aborts a frame.
  ///   - progress: called after each listening period with a line of text.
  /// - Throws: `CaptureError.Code.noMSTPTraffic` when no rate locks within `timeoutNs` (the message tells a
  ///   silent line from a noisy one), or the errors of ``SerialPort``.
  public init(
    device: String, autoBaudAmong rates: [Int] = MSTPSerialSource.autoBaudOrder, lockAfter: Int = 4,
    dwellNs: Int64 = 5_000_000_000, timeoutNs: Int64 = 60_000_000_000, frameAbortNs: Int64 = 95_000_000,
    progress: (String) -> Void = { _ in }
  ) throws(CaptureError) {
    let rates = rates.isEmpty ? Self.autoBaudOrder : rates
    port = try SerialPort(path: device, baud: rates[0])
    reader = try SerialReader(fileDescriptor: port.fileDescriptor)
    var report = MSTPAutoBaudReport()
    let deadline = SerialSystemCalls.monotonicNs() &+ timeoutNs
    var index = 0
    var locked: (MSTPStreamFramer, [MSTPStreamRecord])?
    while locked == nil, SerialSystemCalls.monotonicNs() < deadline {
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
      progress("auto-baud: \(rate) baud: \(attempt.octets) octets, \(attempt.validFrames) valid frames, \(attempt.badRecords) other records")
      if attempt.validFrames >= lockAfter {
        report.baud = rate
        locked = (f, kept)
      } else if let why = reader.endReason {
        throw CaptureError(.ioError, offset: nil, "\(device): the line ended during auto-baud: \(why)")
      }
    }
    autoBaud = report
    guard let (f, kept) = locked else {
      throw CaptureError(.noMSTPTraffic, offset: nil,
                         "\(device): auto-baud found no rate within \(timeoutNs / 1_000_000_000) s: \(report)")
    }
    framer = f
    pending = kept
    interface = Self.describe(device, port.baud)
  }

  private static func describe(_ device: String, _ baud: Int) -> CaptureInterface {
    CaptureInterface(name: device, description: "BACnet MS/TP on RS-485 at \(baud) baud 8N1", linkType: .bacnetMSTP,
                     snapLength: 65535)
  }

  deinit { reader.stop() }

  /// The reading thread's wake-up pipe: readable when octets are queued or the line ended.
  public var descriptor: Int32 { reader.wakeDescriptor }

  /// Frames what the reading thread queued (and a frame or noise ended by T_frame_abort of silence) and delivers
  /// every record. Returns false once the line has ended (hang-up, read error) and everything was delivered.
  public func drain(_ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
    if !pending.isEmpty {
      let p = pending
      pending = []
      for (i, r) in p.enumerated() where !(try deliver(Self.captured(r))) {
        pending = Array(p[(i + 1)...])
        return true
      }
    }
    // The idle check's "now" is taken before the queue is emptied: octets read after it cannot be mistaken for
    // octets that arrived after a silence.
    let now = SerialSystemCalls.realtimeNs()
    let chunks = reader.take(timeoutMs: 0)
    var stopped = false
    let emit = { (r: MSTPStreamRecord) throws(CaptureError) -> Void in
      if stopped {
        self.pending.append(r)
      } else if !(try deliver(Self.captured(r))) {
        stopped = true
      }
    }
    for c in chunks { try framer.feed(c.bytes, arrivalNs: c.arrivalNs, emit: emit) }
    if reader.endReason != nil, chunks.isEmpty {
      try framer.finish(emit: emit)
      return !pending.isEmpty
    }
    try framer.idle(nowNs: now, emit: emit)
    return true
  }

  static func captured(_ r: MSTPStreamRecord) -> CapturedFrame {
    CapturedFrame(timestamp: CaptureTimestamp(nanosecondsSinceEpoch: Int128(r.startNs)), data: r.bytes,
                  flags: r.kind.captureFlags, comment: r.kind.captureComment)
  }

  /// Records framed (`isb_filteraccept`: every record, good or bad, is kept) and reads lost to a full queue
  /// (`isb_osdrop`).
  public func status() -> SourceStatus {
    let records = UInt64(framer.counters.records.reduce(0, +))
    return SourceStatus(counters: InterfaceCounters(filterAccepted: records, osDropped: UInt64(reader.overflowReads)))
  }

  /// Why the line ended, nil while it is open.
  public var lineEndReason: String? { reader.endReason }
  /// Why the source ended: "DEVICE: line ended: …" once the line ended, nil while it is open.
  public var endReason: String? { reader.endReason.map { "\(interface.name): line ended: \($0)" } }
  /// Octets read but lost because the capture loop fell a whole queue behind (counted, never silent).
  public var overflowOctets: Int { reader.overflowOctets }
  /// Reads that returned data.
  public var reads: Int { reader.reads }

  /// Stops the reading thread and closes the line.
  public func close() {
    guard !closed else { return }
    closed = true
    reader.stop()
    port.close()
  }
}

extension CaptureError.Code {
  /// Auto-baud found no rate giving valid MS/TP frames before its timeout.
  public static let noMSTPTraffic = Self(rawValue: "no-mstp-traffic")
}
