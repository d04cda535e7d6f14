// Salvage of classic pcap records that damage cuts in the middle of a file, for LenientCaptureReader: a record
// whose header is plausible but whose data runs into the next plausible record (a corrupted captured length, or
// damage over its end) is kept with its captured length cut to the bytes before that record; and a record whose
// successor's header is damaged is taken when the lengths chain exactly onto the record the scan found.

/// The pcap record at the start of the damage being scanned past, while its header is plausible apart from its
/// captured length: its header and, as the scan advances, the bytes after it (up to what the header allows).
struct PcapCut {
  /// Absolute offset of the record.
  var offset: Int
  var header: [UInt8]
  var seconds: Int64
  var fraction: UInt32
  var claimedLength: Int
  var originalLength: Int
  /// Data bytes collected so far (the bytes after the header, in file order).
  var data: [UInt8] = []
  /// Absolute offset up to which data was collected.
  var collectedEnd: Int
  /// Absolute offset where the data the header allows ends (no more is collected).
  var limitEnd: Int
}

extension LenientCaptureReader {
  /// The record at `from` (the read position) as a cut candidate: its fraction is below one second, its original
  /// length plausible, its timestamp near the last record delivered. Nil otherwise.
  mutating func pcapCutCandidate(at from: Int) throws(CaptureError) -> PcapCut? {
    let h = reader.pcapHeaderLength
    guard reader.offset == from, try reader.ensure(h) else { return nil }
    let c = header(at: reader.start)
    let iface = reader.ifaces[0]
    guard c.fraction < iface.resolution.unitsPerSecond, c.capturedLength > 0, c.originalLength > 0,
          c.originalLength <= 1 << 24 else { return nil }
    if let last = lastSeconds, abs(c.seconds - last) > Self.resyncWindowSeconds { return nil }
    let want = min(c.capturedLength, c.originalLength, iface.maxCapturedLength)
    return PcapCut(offset: from, header: Array(reader.buf[reader.start..<(reader.start + h)]), seconds: c.seconds,
                   fraction: UInt32(truncatingIfNeeded: c.fraction), claimedLength: c.capturedLength,
                   originalLength: c.originalLength, collectedEnd: from + h, limitEnd: from + h + want)
  }

  /// Copies the cut record's bytes before absolute offset `x` that are still buffered (call before the read
  /// position moves past them). Each byte is copied once, so the work stays linear in the scan.
  mutating func collectCut(upTo x: Int) {
    guard let lo = cut?.collectedEnd, let limit = cut?.limitEnd, lo < limit else { return }
    let hi = min(x, limit, reader.base + reader.end)
    guard hi > lo else { return }
    guard lo >= reader.base else {
      cut?.limitEnd = lo  // the bytes are gone: keep what was collected
      return
    }
    cut?.data.append(contentsOf: reader.buf[(lo - reader.base)..<(hi - reader.base)])
    cut?.collectedEnd = hi
  }

  /// Takes the cut record of the damage at `from` when the next plausible record (or the end of the input) is at
  /// `next`: it is handed out next, with its captured length cut to the bytes before `next` (never more than its
  /// header's captured and original lengths), and the damage is recorded — the kept record as patched or
  /// truncated, the bytes after it up to `next` as skipped.
  /// - Returns: false when there is no such record (then `from..<next` is all damage, for the caller to record).
  mutating func takeCut(from: Int, next: Int, reason: CaptureError) -> Bool {
    defer { cut = nil }
    collectCut(upTo: next)
    guard let c = cut, c.offset == from else { return false }
    let h = c.header.count
    let keep = min(next - from - h, c.data.count)
    guard keep > 0 else { return false }
    // The record after it must be near it in time too (a header of garbage seldom is).
    if reader.end - reader.start >= h, abs(header(at: reader.start).seconds - c.seconds) > Self.resyncWindowSeconds {
      return false
    }
    var record = c.header
    record.replaceSubrange(8..<12, with: Self.bytes32(UInt32(keep), reader.order))
    record += c.data[0..<keep]
    pendingPlaceholder = .packet(reader.pcapPacket(
      in: record, at: 0, capturedLength: keep, seconds: UInt32(truncatingIfNeeded: c.seconds), fraction: c.fraction,
      originalLength: c.originalLength, fileOffset: from))
    if keep < min(c.claimedLength, c.originalLength) {
      truncatedPackets += 1
      note(DamagedRegion(offset: from, length: h + keep, reason: reason, action: .truncatedPacket))
    } else {
      note(DamagedRegion(offset: from + 8, length: 4, reason: reason, action: .patched))
    }
    if from + h + keep < next {
      note(DamagedRegion(offset: from + h + keep, length: next - from - h - keep, reason: reason))
    }
    reader.isFinished = false
    return true
  }

  /// A record that chains on (see ``pcapCandidate(at:)``) starting inside the data of the pcap record at the read
  /// position, whose successor does not fit: damage cut the record there, and the scan that follows resumes at it
  /// (``resyncTarget``). Each position is examined once in the whole file (``pcapExaminedThrough``).
  mutating func chainedRecordInside(capturedLength: Int) throws(CaptureError) -> Int? {
    let h = reader.pcapHeaderLength
    let at = reader.offset
    var rel = max(h + 1, pcapExaminedThrough + 1 - at)
    while rel < h + capturedLength {
      scanSteps += 1
      pcapExaminedThrough = at + rel
      switch try pcapCandidate(at: rel) {
      case .chained:
        resyncTarget = at + rel
        return at + rel
      case .endOfInput:
        return nil
      case .single, .implausible:
        rel += 1
      }
    }
    return nil
  }

  /// Records a pcap scan examined whose lengths are plausible, by where they end, for ``bridge(to:_:)``.
  struct ScanChains {
    /// End offset → the record's start, its seconds, and whether it fits the last good record on its own.
    var ends: [Int: (start: Int, seconds: Int64, fits: Bool)] = [:]
    static let cap = 4096
  }

  /// Records the header examined at absolute `p` (buffered `rel` bytes past the read position) in `chains`.
  func noteChain(_ chains: inout ScanChains, at p: Int, rel: Int) {
    let h = reader.pcapHeaderLength
    guard reader.end - reader.start >= rel + h else { return }
    let c = header(at: reader.start + rel)
    guard c.capturedLength > 0, c.capturedLength <= reader.ifaces[0].maxCapturedLength,
          c.originalLength >= c.capturedLength, c.originalLength <= 1 << 24 else { return }
    if chains.ends.count >= ScanChains.cap {
      chains.ends = chains.ends.filter { $0.key > p }  // records ending before here can no longer lead anywhere
      if chains.ends.count >= ScanChains.cap { return }
    }
    let fitsAlone = fits(c, after: confirmedSeconds) && (lastSeconds.map { fits(c, after: $0) } ?? true)
    chains.ends[p + h + c.capturedLength] = (p, c.seconds, fitsAlone)
  }

  /// A record start before the chained record at absolute `q` (the read position) that the scan saw: a record
  /// fitting the last good one on its own and in time with `q`, whose successor's header is damaged (so the scan
  /// passed it) but has lengths that lead exactly to `q`. Only while its bytes are still buffered (a scan that
  /// refilled the buffer in between has dropped them). Nil when there is none.
  func bridge(to q: Int, _ chains: ScanChains) -> Int? {
    guard let b = chains.ends[q], let s = chains.ends[b.start], s.fits, s.start >= reader.base,
          reader.offset == q, reader.end - reader.start >= reader.pcapHeaderLength,
          abs(header(at: reader.start).seconds - s.seconds) <= Self.resyncWindowSeconds else { return nil }
    return s.start
  }
}
