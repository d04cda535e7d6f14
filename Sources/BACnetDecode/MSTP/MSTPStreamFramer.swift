/// What the passive framer made of a run of octets from the line.
public enum MSTPRecordKind: UInt8, Hashable, Sendable, CustomStringConvertible {
  /// A whole frame whose header CRC and (when it has data) data CRC-16 or CRC-32K check.
  case frame
  /// The preamble and a header whose CRC-8 does not check (8 octets). The length it claims is not trusted, so
  /// the octets after it are searched for the next preamble (they usually end up as ``noise``).
  case badHeaderCRC
  /// A whole frame (by its header's length) whose data CRC-16 or CRC-32K does not check.
  case badDataCRC
  /// A frame cut short: the line fell silent for longer than T_frame_abort after a preamble, or in the header
  /// or data.
  case truncated
  /// Octets that belong to no frame: line noise, the remains of a frame whose header was damaged, a lone `55`.
  case noise

  /// `frame`, `bad-header-crc`, `bad-data-crc`, `truncated`, `noise`.
  public var description: String {
    switch self {
    case .frame: "frame"
    case .badHeaderCRC: "bad-header-crc"
    case .badDataCRC: "bad-data-crc"
    case .truncated: "truncated"
    case .noise: "noise"
    }
  }
}

/// One record cut from the octet stream by ``MSTPStreamFramer``: a frame (good or bad), a truncated frame or a
/// run of noise, with its estimated timing.
public struct MSTPStreamRecord: Sendable {
  /// What the octets are.
  public var kind: MSTPRecordKind
  /// The octets exactly as received: from `55 FF` through the data CRC for frames (the LINKTYPE_BACNET_MS_TP
  /// record layout), the stray octets for noise. A view of the framer's buffer: copy it to keep it.
  public var bytes: ArraySlice<UInt8>
  /// Offset of the first octet in the whole stream fed to the framer.
  public var streamOffset: Int
  /// Estimated time the first octet started on the wire (ns since the epoch), see ``MSTPStreamFramer``.
  public var startNs: Int64
  /// Estimated time the last octet ended on the wire (ns since the epoch).
  public var endNs: Int64

  /// The frame type octet, when the record reaches it.
  public var frameType: UInt8? { bytes.count > 2 && kind != .noise ? bytes[bytes.startIndex + 2] : nil }
  /// The source station, when the record reaches it.
  public var source: UInt8? { bytes.count > 4 && kind != .noise ? bytes[bytes.startIndex + 4] : nil }
  /// The destination station, when the record reaches it.
  public var destination: UInt8? { bytes.count > 3 && kind != .noise ? bytes[bytes.startIndex + 3] : nil }
}

/// Running totals of a ``MSTPStreamFramer``: every octet fed is counted in exactly one record kind or as padding.
public struct MSTPFramerCounters: Hashable, Sendable {
  /// Octets fed.
  public var octets = 0
  /// Records of each kind, indexed by the kind's `rawValue`.
  public var records: [Int] = [0, 0, 0, 0, 0]
  /// Octets in records of each kind, indexed by the kind's `rawValue`.
  public var recordOctets: [Int] = [0, 0, 0, 0, 0]
  /// Single `FF` pad octets that directly followed a frame (clause 9.3 allows one); counted, not recorded.
  public var paddingOctets = 0

  /// Records of `kind`.
  public func count(_ kind: MSTPRecordKind) -> Int { records[Int(kind.rawValue)] }
  /// Octets in records of `kind`.
  public func octets(_ kind: MSTPRecordKind) -> Int { recordOctets[Int(kind.rawValue)] }
}

/// A passive MS/TP receiver: cuts a serial octet stream into frames the way a listener on the wire must, not
/// the way a node does.
///
/// Feed it the octets of each `read(2)` with the time the read returned (``feed(_:arrivalNs:emit:)``), and call
/// ``idle(nowNs:emit:)`` when no octet arrived for a while. It searches for the `55 FF` preamble, checks the
/// header CRC-8, reads `length` data octets plus 2 (the data CRC-16, or for COBS-encoded types 32–127 the end of
/// the encoded CRC-32K) and checks them. Unlike a node it accepts every destination, every frame type and every
/// length the header CRC vouches for (a node's acceptance rules would misreport valid traffic it does not own).
///
/// Nothing is dropped: every octet lands in exactly one ``MSTPStreamRecord`` (a frame, a frame with a bad
/// header or data CRC, a truncated frame, or noise), except a single `FF` pad octet directly after a frame, which
/// is counted in ``counters``. Concatenating the records and the pad octets in stream order gives back the input.
///
/// **Timing.** The octets of one read are assumed to have arrived back to back at the line rate, the last one
/// just before the read returned: octet *i* of an *n*-octet read at time *T* ended at *T − (n−1−i)·t*, where
/// *t* = 10 bits / baud (8N1), and never before the previous octet ended (times never run backwards). A record's
/// ``MSTPStreamRecord/startNs`` is its first octet's end minus *t*. A silence longer than T_frame_abort
/// (``frameAbortNs``, 95 ms by default as in bacnet-stack; the standard allows 60 bit times to 100 ms) between
/// two octets ends a frame in progress as ``MSTPRecordKind/truncated`` and closes a run of noise. The estimate
/// is only as good as the read times: a USB adapter that batches octets (FTDI `latency_timer`, 16 ms by default)
/// delays reads by up to that long, so set it to 1 ms for usable timestamps, and keep T_frame_abort above it.
///
/// Memory is bounded: one frame (at most 8 + 65,535 + 2 octets) or ``maximumNoiseRecord`` octets of noise.
public struct MSTPStreamFramer: Sendable {
  private enum State: Sendable {
    case idle           // searching for 0x55
    case preamble       // saw 0x55, waiting for 0xFF
    case header         // inside the 6 header octets
    case data           // inside length + 2 data octets
  }

  /// Nanoseconds one octet takes on the wire (10 bits at the line rate).
  public let octetNs: Int64
  /// The silence (ns) that aborts a frame in progress and closes a run of noise.
  public let frameAbortNs: Int64
  /// Noise octets kept in one record before it is emitted (and a new one started).
  public let maximumNoiseRecord: Int
  /// Totals so far.
  public private(set) var counters = MSTPFramerCounters()

  private var state = State.idle
  private var frame: [UInt8] = []
  private var frameStartNs: Int64 = 0
  private var frameOffset = 0
  private var dataWanted = 0
  private var noise: [UInt8] = []
  private var noiseStartNs: Int64 = 0
  private var noiseOffset = 0
  private var noiseEndNs: Int64 = 0
  private var lastEndNs: Int64 = .min
  private var justEndedFrame = false

  /// A framer for a line at `baud` (8N1).
  /// - Parameters:
  ///   - baud: the line rate in bits per second (clamped to at least 1).
  ///   - frameAbortNs: the silence that aborts a frame (default 95 ms).
  ///   - maximumNoiseRecord: octets per noise record (default 2048, at least 1).
  public init(baud: Int, frameAbortNs: Int64 = 95_000_000, maximumNoiseRecord: Int = 2048) {
    octetNs = 10_000_000_000 / Int64(max(1, baud))
    self.frameAbortNs = max(0, frameAbortNs)
    self.maximumNoiseRecord = max(1, maximumNoiseRecord)
    frame.reserveCapacity(512)
  }

  /// Feeds the octets of one read that returned at `arrivalNs`; calls `emit` for every record completed.
  public mutating func feed<E: Error>(
    _ bytes: some Collection<UInt8>, arrivalNs: Int64, emit: (MSTPStreamRecord) throws(E) -> Void
  ) throws(E) {
    let n = Int64(bytes.count)
    var i: Int64 = 0
    for b in bytes {
      var end = arrivalNs &- (n &- 1 &- i) &* octetNs
      if lastEndNs != .min {
        if end < lastEndNs { end = lastEndNs }
        if end &- octetNs &- lastEndNs > frameAbortNs { try silence(emit) }
      }
      lastEndNs = end
      try take(b, endNs: end, emit)
      i += 1
    }
  }

  /// Tells the framer the line has been quiet until `nowNs`: a frame in progress or a run of noise is emitted
  /// once the silence after its last octet exceeds ``frameAbortNs``.
  public mutating func idle<E: Error>(nowNs: Int64, emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    guard lastEndNs != .min, nowNs &- lastEndNs > frameAbortNs else { return }
    try silence(emit)
  }

  /// Emits whatever is in progress (a partial frame as ``MSTPRecordKind/truncated``, pending noise): call it at
  /// the end of the stream.
  public mutating func finish<E: Error>(emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    try silence(emit)
  }

  /// True when no partial frame or noise is pending.
  public var isIdle: Bool { state == .idle && noise.isEmpty }

  /// Octets fed but not yet in any record (a frame in progress, pending noise): with the counters, they account
  /// for every octet at any moment (`octets == recordOctets + paddingOctets + pendingOctets`).
  public var pendingOctets: Int { (state == .idle ? 0 : frame.count) + noise.count }

  // MARK: - State machine

  private mutating func silence<E: Error>(_ emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    justEndedFrame = false
    if state != .idle {
      // Noise before the frame's preamble goes out first (stream order).
      try flushNoise(emit)
      try emitFrame(.truncated, emit)
    }
    try flushNoise(emit)
  }

  private mutating func take<E: Error>(_ b: UInt8, endNs: Int64, _ emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    let offset = counters.octets
    counters.octets += 1
    let padding = justEndedFrame
    justEndedFrame = false
    switch state {
    case .idle:
      try idleOctet(b, offset: offset, endNs: endNs, padding: padding, emit)
    case .preamble:
      if b == 0xFF {
        try flushNoise(emit)
        frame.append(b)
        state = .header
      } else {
        // The pending 55 was noise; this octet may start a new preamble.
        state = .idle
        try addNoise(0x55, offset: frameOffset, endNs: frameStartNs &+ octetNs, emit)
        try idleOctet(b, offset: offset, endNs: endNs, padding: false, emit)
      }
    case .header:
      frame.append(b)
      if frame.count == 8 {
        let h = frame[2..<7]
        guard MSTPChecksums.headerCRC(h) == frame[7] else {
          try emitFrame(.badHeaderCRC, emit)
          return
        }
        let length = Int(frame[5]) << 8 | Int(frame[6])
        if length == 0 {
          try emitFrame(.frame, emit)
          justEndedFrame = true
        } else {
          dataWanted = length + 2
          state = .data
        }
      }
    case .data:
      frame.append(b)
      dataWanted -= 1
      if dataWanted == 0 {
        let field = frame[8...]
        let ok: Bool
        if (32...127).contains(frame[2]) {
          ok = MSTPChecksums.checkExtendedField(field).isCorrect
        } else {
          var crc: UInt16 = 0xFFFF
          for x in field { crc = MSTPChecksums.dataCRCStep(x, crc) }
          ok = crc == 0xF0B8
        }
        try emitFrame(ok ? .frame : .badDataCRC, emit)
        justEndedFrame = true
      }
    }
  }

  /// An octet seen while searching for a preamble: a `55` starts one, a pad `FF` right after a frame is counted,
  /// anything else is noise. (Also the octet after a lone `55`, already counted.)
  private mutating func idleOctet<E: Error>(
    _ b: UInt8, offset: Int, endNs: Int64, padding: Bool, _ emit: (MSTPStreamRecord) throws(E) -> Void
  ) throws(E) {
    if b == 0x55 {
      state = .preamble
      frame.removeAll(keepingCapacity: true)
      frame.append(b)
      frameStartNs = endNs &- octetNs
      frameOffset = offset
    } else if padding && b == 0xFF {
      counters.paddingOctets += 1
    } else {
      try addNoise(b, offset: offset, endNs: endNs, emit)
    }
  }

  private mutating func addNoise<E: Error>(_ b: UInt8, offset: Int, endNs: Int64, _ emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    if noise.isEmpty {
      noiseStartNs = endNs &- octetNs
      noiseOffset = offset
    }
    noise.append(b)
    noiseEndNs = endNs
    if noise.count >= maximumNoiseRecord { try flushNoise(emit) }
  }

  private mutating func flushNoise<E: Error>(_ emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    guard !noise.isEmpty else { return }
    count(.noise, noise.count)
    let r = MSTPStreamRecord(kind: .noise, bytes: noise[...], streamOffset: noiseOffset, startNs: noiseStartNs, endNs: noiseEndNs)
    noise.removeAll(keepingCapacity: true)
    try emit(r)
  }

  private mutating func emitFrame<E: Error>(_ kind: MSTPRecordKind, _ emit: (MSTPStreamRecord) throws(E) -> Void) throws(E) {
    state = .idle
    count(kind, frame.count)
    let r = MSTPStreamRecord(kind: kind, bytes: frame[...], streamOffset: frameOffset, startNs: frameStartNs,
                             endNs: max(lastEndNs, frameStartNs &+ octetNs))
    frame.removeAll(keepingCapacity: true)
    try emit(r)
  }

  private mutating func count(_ kind: MSTPRecordKind, _ octets: Int) {
    counters.records[Int(kind.rawValue)] += 1
    counters.recordOctets[Int(kind.rawValue)] += octets
  }
}
