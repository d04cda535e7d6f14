import BACnetDecode

/// A record the framer must produce for a piece of the generated line.
struct ExpectedRecord: Equatable, CustomStringConvertible {
  var kind: MSTPRecordKind
  var bytes: [UInt8]
  var description: String { "\(kind) \(bytes.prefix(12).map { String($0, radix: 16) }.joined(separator: " "))\(bytes.count > 12 ? "… (\(bytes.count))" : "")" }
}

/// One write to the line: the octets, how to split them into writes, the pause after them, and what a passive
/// receiver must make of them.
struct WireEvent {
  var bytes: [UInt8]
  var expected: [ExpectedRecord]
  /// Split points (offsets into `bytes`) where the writer pauses briefly: the frame arrives in several reads.
  var splits: [Int] = []
  /// Silence after the event (ns); 0 means the next event is written in the same write (several frames in one read).
  var gapAfterNs: Int64 = 3_000_000
}

/// What the generator knows about the ring it produced: the MS/TP facts `summarize` must report.
struct RingTruth {
  var frames = 0             // records with a header (good, bad header, bad data, truncated after the header)
  var headerCRCErrors = 0
  var lostTokens = 0
  var tokenOrder: [Int] = []
  var perStation: [Int: [Int]] = [:]   // source -> counts per MSTPAnalyzer column
  var dataCRCErrors: [Int: Int] = [:]
  var crc32KErrors: [Int: Int] = [:]
  var pfmWithoutReply = 0    // Poll-For-Master followed by a sound frame that is not its reply (a damaged one proves nothing)
}

/// Builds MS/TP frames with BACnetDecode's encoders (plain frames and COBS).
enum MSTPWire {
  static func frame(_ type: UInt8, dst: UInt8, src: UInt8, data: [UInt8] = []) -> [UInt8] {
    MSTPFrame.encode(type: MSTPFrameType(rawValue: type), destination: dst, source: src, data: data) ?? []
  }

  /// An extended (COBS) frame: encoded data, then the encoded CRC-32K; length = encoded + 5 - 2.
  static func extendedFrame(_ type: UInt8, dst: UInt8, src: UInt8, npdu: [UInt8], corruptCRC: Bool = false) -> [UInt8] {
    let enc = COBS.encode(npdu)
    var crc = MSTPChecksums.crc32K(enc)
    if corruptCRC { crc ^= 0x0100 }
    let encCRC = COBS.encode([UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
    let field = enc + encCRC
    let length = field.count - 2
    let h: [UInt8] = [type, dst, src, UInt8(length >> 8), UInt8(length & 0xFF)]
    return [0x55, 0xFF] + h + [MSTPChecksums.headerCRC(h)] + field
  }

  static let iAm: [UInt8] = [0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x00, 0xC4, 0x02, 0x00, 0x00, 0x02, 0x22, 0x01, 0xE0,
                             0x91, 0x00, 0x21, 0x0F]
  /// ReadProperty(device 20, present-value) request, invoke id 7.
  static let readPropertyRequest: [UInt8] = [0x01, 0x04, 0x00, 0x05, 0x07, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x14, 0x19, 0x4D]
  /// A ComplexACK ReadProperty carrying a `length`-octet character string (a long reply, for extended frames).
  static func readPropertyACK(invokeID: UInt8, stringLength: Int) -> [UInt8] {
    var a: [UInt8] = [0x01, 0x00, 0x30, invokeID, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x14, 0x19, 0x4D, 0x3E]
    let n = stringLength + 1
    a += [0x75, 0xFE, UInt8(n >> 8), UInt8(n & 0xFF), 0x00]
    a += (0..<stringLength).map { UInt8(0x41 + $0 % 26) }
    a += [0x3F]
    return a
  }
}

/// Generates a token ring: masters 2, 7, 11 pass the token; 7 asks slave 20 (which answers), 11 polls for
/// master 12 (nobody answers), 2 broadcasts an I-Am. Chosen cycles add extended (COBS) frames, bad header and
/// data CRCs, a bad CRC-32K, stray octets, a truncated frame, and a silence long enough to lose the token.
struct MSTPRingGenerator {
  var cycles = 8
  /// Silence that must cut a frame (above the framer's T_frame_abort).
  var truncationSilenceNs: Int64 = 600_000_000
  /// Silence that loses the token (above Tno_token, 500 ms).
  var lostTokenSilenceNs: Int64 = 800_000_000

  func events() -> [WireEvent] {
    var ev: [WireEvent] = []
    func add(_ bytes: [UInt8], _ kind: MSTPRecordKind = .frame, splits: [Int] = [], gap: Int64 = 3_000_000) {
      ev.append(WireEvent(bytes: bytes, expected: [ExpectedRecord(kind: kind, bytes: bytes)], splits: splits, gapAfterNs: gap))
    }
    for c in 0..<cycles {
      if c == 5 {
        // The token holder falls silent: the next token is seen after more than Tno_token.
        ev[ev.count - 1].gapAfterNs = lostTokenSilenceNs
      }
      add(MSTPWire.frame(0, dst: 7, src: 2), gap: c == 1 ? 0 : 3_000_000)  // c == 1: token and request in one write
      add(MSTPWire.frame(5, dst: 20, src: 7, data: MSTPWire.readPropertyRequest), splits: [3, 9])
      if c == 1 {
        // The slave answers with an extended (COBS) frame, delivered in several pieces.
        let reply = MSTPWire.extendedFrame(33, dst: 7, src: 20, npdu: MSTPWire.readPropertyACK(invokeID: 7, stringLength: 600))
        add(reply, splits: [1, 2, 5, 100, 333])
      } else if c == 6 {
        // An extended reply whose CRC-32K is wrong.
        add(MSTPWire.extendedFrame(33, dst: 7, src: 20, npdu: MSTPWire.readPropertyACK(invokeID: 7, stringLength: 520),
                                   corruptCRC: true), .badDataCRC)
      } else {
        add(MSTPWire.frame(6, dst: 7, src: 20, data: MSTPWire.readPropertyACK(invokeID: 7, stringLength: 4)))
      }
      if c == 2 {
        // A token whose header CRC is damaged, then the holder retries it correctly.
        var bad = MSTPWire.frame(0, dst: 11, src: 7)
        bad[7] ^= 0x20
        add(bad, .badHeaderCRC)
      }
      add(MSTPWire.frame(0, dst: 11, src: 7), gap: 0)
      if c == 3 {
        // Stray octets between frames (no 55, not a pad FF).
        ev.append(WireEvent(bytes: [0x13, 0x00, 0x7E], expected: [ExpectedRecord(kind: .noise, bytes: [0x13, 0x00, 0x7E])]))
      }
      add(MSTPWire.frame(1, dst: 12, src: 11), gap: 12_000_000)
      if c == 2 {
        // Data from 11 whose data CRC is damaged.
        var bad = MSTPWire.frame(6, dst: 255, src: 11, data: MSTPWire.iAm)
        bad[bad.count - 1] ^= 0x01
        add(bad, .badDataCRC)
      }
      add(MSTPWire.frame(0, dst: 2, src: 11))
      if c == 4 {
        // A frame cut after its header and 5 data octets: the line falls silent for longer than T_frame_abort.
        let full = MSTPWire.frame(6, dst: 255, src: 2, data: MSTPWire.iAm)
        let cut = Array(full.prefix(13))
        ev.append(WireEvent(bytes: cut, expected: [ExpectedRecord(kind: .truncated, bytes: cut)], gapAfterNs: truncationSilenceNs))
      }
      if c == 7 {
        // An extended broadcast that expects no reply, written together with the frame after it.
        add(MSTPWire.extendedFrame(33, dst: 255, src: 2, npdu: MSTPWire.readPropertyACK(invokeID: 9, stringLength: 700)), gap: 0)
      }
      add(MSTPWire.frame(6, dst: 255, src: 2, data: MSTPWire.iAm))
    }
    return ev
  }

  /// The stream the events make, and the records it must give, in order.
  static func flatten(_ events: [WireEvent]) -> (stream: [UInt8], records: [ExpectedRecord]) {
    var s: [UInt8] = []
    var r: [ExpectedRecord] = []
    for e in events {
      s += e.bytes
      r += e.expected
    }
    return (s, r)
  }

  /// The MS/TP facts of the ring as the generator made it (independent of the analyzer).
  static func truth(_ events: [WireEvent], tnoTokenNs: Int64 = 500_000_000) -> RingTruth {
    var t = RingTruth()
    var next: [Int: Int] = [:]
    var first: Int?
    var silenceBefore: Int64 = 0
    var started = false
    var previousType: UInt8 = 0xFF
    for e in events {
      for x in e.expected {
        guard x.bytes.count >= 8, x.kind != .noise else { continue }
        t.frames += 1
        let type = x.bytes[2], dst = Int(x.bytes[3]), src = Int(x.bytes[4])
        if x.kind == .badHeaderCRC {
          t.headerCRCErrors += 1
          previousType = 0xFF
          continue
        }
        if previousType == 1, x.kind != .badDataCRC, type != 2 { t.pfmWithoutReply += 1 }
        previousType = x.kind == .badDataCRC ? 0xFF : type
        if started, silenceBefore > tnoTokenNs, type == 0 || type == 1 { t.lostTokens += 1 }
        let col = type <= 7 ? Int(type) : type == 32 ? 8 : type == 33 ? 9 : 10
        t.perStation[src, default: Array(repeating: 0, count: 11)][col] += 1
        if x.kind == .badDataCRC {
          if type == 32 || type == 33 { t.crc32KErrors[src, default: 0] += 1 } else { t.dataCRCErrors[src, default: 0] += 1 }
        }
        if type == 0 {
          if first == nil { first = src }
          next[src] = dst
        }
      }
      if e.expected.contains(where: { $0.bytes.count >= 8 && $0.kind != .noise }) {
        started = true
        silenceBefore = 0
      }
      silenceBefore += e.gapAfterNs
    }
    if let f = first {
      var cur = f
      var seen: Set<Int> = [f]
      t.tokenOrder = [f]
      while let n = next[cur] {
        t.tokenOrder.append(n)
        if seen.contains(n) { break }
        seen.insert(n)
        cur = n
      }
    }
    return t
  }
}
