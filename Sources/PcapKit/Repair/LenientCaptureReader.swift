/// Reads a damaged capture as far as it can be trusted: where a strict ``CaptureReader`` would stop at the first
/// error, this reader records the damage as a ``DamagedRegion`` and resynchronises on the next plausible record.
///
/// ```swift
/// var reader = try LenientCaptureReader(path: "cut-by-power-loss.pcapng")
/// while let record = try reader.next() { … }           // every intact record, in file order
/// for region in reader.damage { print(region) }        // "skipped 212 bytes at 4096: trailer-mismatch …"
/// ```
///
/// **What counts as plausible.**
/// * pcapng: a known block type whose 4-aligned total length lies between the type's minimum and the caps and
///   whose trailing length agrees; a packet or statistics block must name an interface that exists, a section
///   header must carry a valid byte-order magic and major version 1. A block whose framing is intact but whose
///   content is bad (an option overrun, an unknown interface) is skipped exactly; otherwise the reader scans
///   forward byte by byte (bytes lost from the middle of a file leave the blocks after them unaligned).
/// * pcap: records are not aligned, so the scan moves byte by byte and accepts a header whose fraction is below
///   one second, whose captured length fits the snapshot length (or the largest seen) and does not exceed the
///   original length and whose timestamp is within ``resyncWindowSeconds`` of the last good record, preferring
///   one whose following header fits too (before any good record, two following headers, or failing that one).
///   Records read in sequence are checked against their neighbours (a jump in time is accepted when the record's
///   lengths agree and the next header continues from the new time, as in concatenated captures), so a zeroed
///   region or a corrupted length that still parses is caught (``CaptureError/Code/implausibleRecord``) instead of
///   being handed out as garbage packets.
/// * When the damaged pcapng block was a Section Header Block whose byte-order magic survived, a minimal one is
///   delivered in its place (a new section in that byte order); so it is when the scan meets an intact Interface
///   Description Block in the other byte order (the first block of a section whose header was destroyed).
/// * When the damaged pcapng block was an Interface Description Block, a minimal one (same link type and snapshot
///   length, microsecond resolution) is delivered in its place so later interface IDs keep their meaning.
/// * A packet whose data runs past the end of the input (no plausible record starting inside it) is kept with its
///   captured length cut to the bytes present (``DamagedRegion/Action/truncatedPacket``, counted in
///   ``truncatedPackets``), as pcapfix does: its headers are often what matters. No byte is invented; a pcapng
///   Enhanced Packet Block is rebuilt around the bytes present (zero padding, trailer, no options).
/// * So is a pcap record cut in the middle of the file: one whose header is plausible (fraction, original length,
///   timestamp near its neighbours') but whose data runs into the next plausible record — found by the scan after
///   it, or inside its own data when its successor does not fit (bytes lost from the middle of a file) — is kept
///   with its captured length cut to the bytes before that record (never more than its original length; the rest
///   is skipped). A captured length above the original length that leads past a fitting header is patched to the
///   original length. A record whose successor's header is damaged only in its time is kept when the lengths chain
///   exactly from it onto the record the scan found (while its bytes are still buffered).
/// * A pcap file header with an impossible version or reserved link-type bits, and a pcapng section header with an
///   unsupported version, are patched in the buffer (``DamagedRegion/Action/patched``) and read on.
///
/// **Bounds.** Memory stays within about twice ``ReaderOptions/maxBlockSize`` plus ``ReaderOptions/chunkSize``;
/// the work is linear in the input: each candidate position costs a constant number of field reads
/// (``scanSteps`` counts them), and every recovery moves the read position forward.
///
/// Only I/O failures are thrown; a gzip stream whose compressed data is corrupt ends the reading with a final
/// region. Not `Sendable`; records are views into the reader's buffer, valid until the next call.
public struct LenientCaptureReader {
  var reader: CaptureReader
  /// Seconds of the last pcap record delivered: the reference for records read in sequence.
  var lastSeconds: Int64?
  /// Seconds of the last pcap record its successor confirmed: the reference for resynchronisation.
  var confirmedSeconds: Int64?
  var maxCapturedSeen = 0
  var patchedOffsets: Set<Int> = []
  var pendingPlaceholder: CaptureRecord?
  var currentConfirmed = true
  /// The last position a pcap scan examined (scans never examine a position twice).
  var pcapExaminedThrough = -1
  /// The record at the start of the damage a pcap scan is moving past, kept cut if its header is plausible.
  var cut: PcapCut?
  /// A record a scan found after it resumed earlier at a bridged record: the next scan before it resumes there.
  var resyncTarget: Int?

  /// A resynchronisation candidate's timestamp must lie within this many seconds of the last good record's.
  public static let resyncWindowSeconds: Int64 = 86_400
  /// A record read in sequence whose timestamp jumps further than this from its predecessor's is implausible.
  public static let sequenceWindowSeconds: Int64 = 30 * 86_400

  /// Damage found so far, in file order (at most ``maxRecordedRegions``; ``damageCount`` counts all).
  public private(set) var damage: [DamagedRegion] = []
  /// How many damaged regions were found, including those not kept in ``damage``.
  public private(set) var damageCount = 0
  /// Total bytes skipped (patched bytes are not counted).
  public private(set) var skippedBytes = 0
  /// Candidate positions examined while resynchronising: a work counter (it never exceeds the input size).
  public internal(set) var scanSteps = 0
  /// Packets kept with their captured length cut to the bytes the input holds.
  public internal(set) var truncatedPackets = 0
  /// Most regions kept in ``damage``.
  public var maxRecordedRegions = 10_000

  /// Opens a capture file (`"-"` is standard input).
  ///
  /// A destroyed magic number is restored when the rest of the header still names the format (a pcapng byte-order
  /// magic, a pcap version 2.4 whose byte order gives the file's) and reported as a patched region.
  /// - Throws: what ``CaptureReader/init(path:options:)`` throws: the input cannot be opened, or its first bytes
  ///   are not a capture and the header names no format either (nothing can be salvaged without it).
  public init(path: String, options: ReaderOptions = .init()) throws(CaptureError) {
    try self.init(reader: CaptureReader(source: .file(try FileSource(path: path)), options: options, restoringMagic: true))
  }

  /// Reads a capture from any byte source.
  public init(source: some ByteSource, options: ReaderOptions = .init()) throws(CaptureError) {
    try self.init(reader: CaptureReader(source: CaptureReader.wrap(source), options: options, restoringMagic: true))
  }

  /// Reads a capture held in memory.
  public init(bytes: [UInt8], options: ReaderOptions = .init()) throws(CaptureError) {
    try self.init(source: MemorySource(bytes), options: options)
  }

  init(reader: CaptureReader) {
    self.reader = reader
    if let e = reader.restoredMagic { note(DamagedRegion(offset: 0, length: 4, reason: e, action: .patched)) }
  }

  /// The capture format, detected from the first bytes.
  public var format: CaptureFormat { reader.format }
  /// True when the input was gzip-compressed.
  public var isCompressed: Bool { reader.isCompressed }
  /// The current section's header.
  public var section: SectionHeader? { reader.section }
  /// The current section's interfaces.
  public var interfaces: [InterfaceDescription] { reader.interfaces }
  /// Absolute offset of the next record.
  public var offset: Int { reader.offset }
  /// True once the end of the input was reached.
  public var isFinished: Bool { reader.isFinished }
  /// Non-fatal diagnostics of the underlying reader.
  public var warnings: [CaptureError] { reader.warnings }

  /// The next intact record in file order, or nil at the end of the input.
  /// - Throws: only I/O failures (``CaptureError/Code/ioError``); damage is recorded in ``damage``.
  public mutating func next() throws(CaptureError) -> CaptureRecord? {
    while true {
      if let placeholder = pendingPlaceholder {
        pendingPlaceholder = nil
        return placeholder
      }
      if reader.isFinished { return nil }
      let at = reader.offset
      if reader.phase == .pcapRecords, let problem = try pcapSequenceProblem() {
        try scanPcap(from: at, reason: problem)
        continue
      }
      do {
        guard let r = try reader.next() else { return nil }
        if case .packet(let p) = r, p.blockType == .pcapRecord {
          lastSeconds = Int64(reader.u32(p.rawRecord.startIndex, reader.order))
          if currentConfirmed { confirmedSeconds = lastSeconds }
          maxCapturedSeen = max(maxCapturedSeen, p.capturedLength)
        }
        return r
      } catch {
        try recover(at: at, error)
      }
    }
  }

  /// The next intact packet, skipping other records (whose effects still apply).
  /// - Throws: as ``next()``.
  public mutating func nextPacket() throws(CaptureError) -> Packet? {
    while let r = try next() {
      if case .packet(let p) = r { return p }
    }
    return nil
  }

  // MARK: Recovery

  mutating func note(_ region: DamagedRegion) {
    if region.action == .skipped {
      // A patch inside bytes that end up skipped anyway is not worth reporting.
      while let last = damage.last, last.action == .patched, last.offset >= region.offset {
        damage.removeLast()
        damageCount -= 1
      }
    }
    damageCount += 1
    if region.action == .skipped { skippedBytes += region.length }
    if damage.count < maxRecordedRegions { damage.append(region) }
  }

  mutating func recover(at: Int, _ error: CaptureError) throws(CaptureError) {
    switch error.code {
    case .ioError:
      throw error
    case .badCompressedData:
      note(DamagedRegion(offset: at, length: max(0, reader.base + reader.end - at), reason: error))
      reader.isFinished = true
      return
    default:
      break
    }
    if try patch(at: at, error) { return }
    switch reader.phase {
    case .pcapHeader, .pcapInterface:
      try skipRest(from: at, reason: error)
    case .pcapRecords:
      try scanPcap(from: at, reason: error)
    case .pcapng:
      try addPlaceholderInterface()
      if error.code != .truncated, let len = try reader.intactBlockLength() {
        // A section header whose framing is intact but whose content is bad still starts a section, in its order.
        let s = reader.start
        let sectionOrder = reader.isSectionHeaderMagic(at: s) ? reader.sectionByteOrder(at: s + 8) : nil
        note(DamagedRegion(offset: at, length: len, reason: error))
        _ = try reader.discard(upTo: at + len)
        reader.isFinished = false
        if let sectionOrder { startPlaceholderSection(sectionOrder) }
        return
      }
      if try reader.scanEnsure(12), reader.isSectionHeaderMagic(at: reader.start),
         let bo = reader.sectionByteOrder(at: reader.start + 8) {
        startPlaceholderSection(bo)  // a damaged section header still starts a section, in its byte order
      }
      try scan(from: at, reason: error)
    }
  }

  /// Stands in a minimal Section Header Block (version 1.0, no options) for one too damaged to read: a new
  /// section starts, in the byte order its byte-order magic named, with no interfaces.
  mutating func startPlaceholderSection(_ o: ByteOrder) {
    let bytes = CaptureRepair.minimalSectionHeader(o)
    let raw = RawBlock(type: .sectionHeader, bytes: bytes[...], byteOrder: o, fileOffset: reader.offset)
    let shb = SectionHeader(byteOrder: o, majorVersion: 1, minorVersion: 0, sectionLength: -1,
                            options: OptionList(bytes: bytes[24..<24], byteOrder: o, baseOffset: reader.offset + 24),
                            index: reader.sectionCount, pcapHeader: nil, raw: raw)
    reader.order = o
    reader.sectionCount += 1
    reader.section = shb
    reader.interfaces = []
    reader.ifaces = []
    pendingPlaceholder = .section(shb)
  }

  /// When the damaged block is an Interface Description Block (its type field survived), stands in a minimal one
  /// with the same link type and snapshot length, so the interface IDs of the packets after it keep their meaning.
  mutating func addPlaceholderInterface() throws(CaptureError) {
    guard try reader.scanEnsure(16) else { return }
    let s = reader.start  // only now: making bytes available may move them to the front of the buffer
    guard !reader.isSectionHeaderMagic(at: s), reader.u32(s, reader.order) == 1 else { return }
    let o = reader.order
    let link = LinkType(rawValue: reader.u16(s + 8, o))
    let snap = reader.u32(s + 12, o)
    var bytes: [UInt8] = []
    func put32(_ v: UInt32) {
      let b = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
      bytes += o == .little ? b.reversed() : b
    }
    put32(1)
    put32(20)
    put32(o == .little ? UInt32(link.rawValue) : UInt32(link.rawValue) << 16)
    put32(snap)
    put32(20)
    let raw = RawBlock(type: .interfaceDescription, bytes: bytes[...], byteOrder: o, fileOffset: reader.offset)
    let idb = InterfaceDescription(id: reader.ifaces.count, linkType: link, snapLength: snap,
                                   timestampResolution: .microseconds, timestampOffset: 0, fcsLengthBits: nil,
                                   options: OptionList(bytes: bytes[20..<20], byteOrder: o, baseOffset: reader.offset + 16),
                                   isSynthesized: false, raw: raw)
    reader.ifaces.append(CaptureReader.InterfaceInfo(
      linkType: link, snapLength: Int(snap), resolution: .microseconds, offsetSeconds: 0,
      maxCapturedLength: reader.options.maxCapturedLength(for: link)))
    reader.interfaces.append(idb)
    pendingPlaceholder = .interface(idb)
  }

  /// Rewrites an impossible version (or reserved link-type bits) in a file or section header, once per offset.
  mutating func patch(at: Int, _ error: CaptureError) throws(CaptureError) -> Bool {
    guard let fieldOffset = error.offset, !patchedOffsets.contains(fieldOffset), patchedOffsets.count < 1024 else {
      return false
    }
    guard try reader.ensure(reader.phase == .pcapng ? 16 : 24) else { return false }
    let s = reader.start  // only now: making bytes available may move them to the front of the buffer
    switch (reader.phase, error.code) {
    case (.pcapHeader, .unsupportedVersion):
      guard case .pcap(_, let o, _) = reader.format else { return false }
      put16(2, at: s + 4, o)
      put16(4, at: s + 6, o)
      patchedOffsets.insert(fieldOffset)
      note(DamagedRegion(offset: at + 4, length: 4, reason: error, action: .patched))
    case (.pcapHeader, .reservedLinkTypeBits):
      guard case .pcap(_, let o, _) = reader.format else { return false }
      let word = reader.u32(s + 20, o) & ~0x0BFF_0000
      put16(UInt16(word >> 16), at: s + 20 + (o == .little ? 2 : 0), o)
      patchedOffsets.insert(fieldOffset)
      note(DamagedRegion(offset: at + 20, length: 4, reason: error, action: .patched))
    case (.pcapng, .unsupportedVersion):
      guard reader.isSectionHeaderMagic(at: s),
            let o = reader.sectionByteOrder(at: s + 8) else { return false }
      put16(1, at: s + 12, o)
      put16(0, at: s + 14, o)
      patchedOffsets.insert(fieldOffset)
      note(DamagedRegion(offset: at + 12, length: 4, reason: error, action: .patched))
    default:
      return false
    }
    reader.isFinished = false
    return true
  }

  mutating func put16(_ v: UInt16, at i: Int, _ o: ByteOrder) {
    let hi = UInt8(v >> 8), lo = UInt8(v & 0xFF)
    reader.buf[i] = o == .little ? lo : hi
    reader.buf[i + 1] = o == .little ? hi : lo
  }

  /// Everything from `from` to the end of the input is damage — unless it is a packet the input cuts short, which
  /// is then kept truncated.
  mutating func skipRest(from: Int, reason: CaptureError) throws(CaptureError) {
    if reason.code == .truncated, salvageCutPacket(at: from, reason: reason) {
      cut = nil
      return
    }
    collectCut(upTo: Int.max)
    let endOffset = try reader.discardRest()
    reader.isFinished = true
    if takeCut(from: from, next: endOffset, reason: reason) { return }
    if endOffset > from { note(DamagedRegion(offset: from, length: endOffset - from, reason: reason)) }
  }

  /// When the record at `from` is a packet whose header is whole and plausible and whose data the end of the input
  /// cuts short, rewrites it in the buffer with its captured length cut to the bytes present and resumes reading
  /// there. Only called once a scan found no plausible record inside those bytes (so a bogus length swallowing
  /// good records is not taken for a cut packet), with the whole rest of the input in the buffer.
  mutating func salvageCutPacket(at from: Int, reason: CaptureError) -> Bool {
    let s = from - reader.base
    guard reader.sourceAtEnd, s >= 0, s < reader.end else { return false }
    let have = reader.end - s
    let o = reader.order
    switch reader.phase {
    case .pcapRecords:
      let h = reader.pcapHeaderLength
      guard have > h else { return false }
      let head = header(at: s)
      guard head.capturedLength > have - h, fits(head, after: lastSeconds) else { return false }
      let present = Self.bytes32(UInt32(have - h), o)
      for k in 0..<4 { reader.buf[s + 8 + k] = present[k] }
    case .pcapng:
      guard have > 28, reader.u32(s, o) == BlockType.enhancedPacket.rawValue else { return false }
      let length = Int(reader.u32(s + 4, o)), caplen = Int(reader.u32(s + 20, o))
      let origlen = Int(reader.u32(s + 24, o))
      guard Int(reader.u32(s + 8, o)) < reader.ifaces.count, length > have, length <= reader.options.maxBlockSize,
            caplen <= length - 32, caplen > have - 28, origlen >= caplen || origlen == 0 else { return false }
      let present = have - 28
      let total = 28 + ((present + 3) & ~3) + 4
      var block = Array(reader.buf[s..<(s + 28)])
      func set32(_ at: Int, _ v: Int) { block.replaceSubrange(at..<(at + 4), with: Self.bytes32(UInt32(v), o)) }
      set32(4, total)
      set32(20, present)
      block += reader.buf[(s + 28)..<reader.end]
      block += [UInt8](repeating: 0, count: total - 4 - block.count)
      block += [0, 0, 0, 0]
      set32(total - 4, total)
      reader.buf.replaceSubrange(s..<reader.end, with: block)
      reader.end = s + total
    default:
      return false
    }
    reader.start = s
    reader.isFinished = false
    truncatedPackets += 1
    note(DamagedRegion(offset: from, length: have, reason: reason, action: .truncatedPacket))
    return true
  }

  /// `v` as four bytes in byte order `o`.
  static func bytes32(_ v: UInt32, _ o: ByteOrder) -> [UInt8] {
    let big = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    return o == .little ? big.reversed() : big
  }

  /// Looks for the next plausible pcapng block after the damage at `from`, byte by byte. A block on the 4-byte
  /// grid of the damaged one wins at once; one off the grid (bytes lost from the middle of the file leave the
  /// blocks after them unaligned) needs the block after it to be plausible too, and is taken only when no block on
  /// the grid starts within those two blocks (a file of equal-sized blocks looks plausible off its grid too).
  mutating func scan(from: Int, reason: CaptureError) throws(CaptureError) {
    var p = from + 1
    var reserve: (position: Int, extent: Int)?
    func take(_ position: Int) throws(CaptureError) {
      _ = try reader.discard(upTo: position)
      note(DamagedRegion(offset: from, length: position - from, reason: reason))
      reader.isFinished = false
    }
    while true {
      if let r = reserve, p >= r.position + r.extent { return try take(r.position) }
      guard try reader.discard(upTo: reserve?.position ?? p) else {
        if let r = reserve { return try take(r.position) }
        return try skipRest(from: from, reason: reason)
      }
      scanSteps += 1
      let rel = p - reader.offset
      let aligned = (p - from) & 3 == 0
      var length = 0
      switch try reader.pcapngCandidate(at: rel, length: &length) {
      case .plausible:
        if aligned { return try take(p) }
        var next = 0
        if reserve == nil, try reader.pcapngCandidate(at: rel + length, length: &next) != .implausible {
          reserve = (p, length + max(next, 12))
        }
        p += 1
      case .implausible:
        if aligned, reserve == nil, let other = try reader.interfaceInOtherByteOrder() {
          // A section in the other byte order whose header was lost: stand one in, then read its interfaces.
          note(DamagedRegion(offset: from, length: p - from, reason: reason))
          startPlaceholderSection(other)
          reader.isFinished = false
          return
        }
        p += 1
      case .endOfInput:
        if let r = reserve { return try take(r.position) }
        return try skipRest(from: from, reason: reason)
      }
    }
  }

  // MARK: pcap plausibility

  struct RecordHeader {
    var seconds: Int64
    var fraction: UInt64
    var capturedLength: Int
    var originalLength: Int
  }

  func header(at i: Int) -> RecordHeader {
    let o = reader.order
    return RecordHeader(seconds: Int64(reader.u32(i, o)), fraction: UInt64(reader.u32(i + 4, o)),
                        capturedLength: Int(reader.u32(i + 8, o)), originalLength: Int(reader.u32(i + 12, o)))
  }

  /// The strict test a resynchronisation candidate must pass on its own.
  func fits(_ h: RecordHeader, after seconds: Int64?) -> Bool {
    let iface = reader.ifaces[0]
    let snap = iface.snapLength > 0 && iface.snapLength < iface.maxCapturedLength ? iface.snapLength : iface.maxCapturedLength
    let limit = min(max(snap, maxCapturedSeen), iface.maxCapturedLength)
    guard h.fraction < iface.resolution.unitsPerSecond, h.capturedLength <= limit, h.originalLength >= h.capturedLength,
          h.originalLength > 0, h.originalLength <= 1 << 24 else { return false }
    if let seconds, abs(h.seconds - seconds) > Self.resyncWindowSeconds { return false }
    return true
  }

  /// The looser test a header read in sequence must pass.
  func followsInSequence(_ h: RecordHeader, after seconds: Int64?) -> Bool {
    guard h.capturedLength != 0 || h.originalLength != 0,
          h.capturedLength <= reader.ifaces[0].maxCapturedLength else { return false }
    if let seconds, abs(h.seconds - seconds) > Self.sequenceWindowSeconds { return false }
    return true
  }

  /// Why the pcap record at the read position must not be trusted, or nil if it fits its neighbours (or the
  /// strict reader will report the problem itself: truncation, a length over the caps).
  mutating func pcapSequenceProblem() throws(CaptureError) -> CaptureError? {
    let h = reader.pcapHeaderLength
    guard try reader.ensure(h) else { return nil }
    let at = reader.offset
    var c = header(at: reader.start)
    if c.capturedLength == 0 && c.originalLength == 0 {
      return CaptureError(.implausibleRecord, offset: at, "zero-length record (captured and original length 0)")
    }
    // A captured length above the original length whose original length leads to a fitting header: the captured
    // length is the damage (it would swallow the records after it). When the record fits with its original length
    // as captured length, it is patched so and kept (the bytes are exactly those before the next record).
    if c.capturedLength > c.originalLength, c.originalLength > 0, try reader.ensure(2 * h + c.originalLength),
       fits(header(at: reader.start + h + c.originalLength), after: c.seconds) {
      let problem = CaptureError(.implausibleRecord, offset: at,
                                 "captured length \(c.capturedLength) exceeds the original length \(c.originalLength), after which a record starts")
      var patched = c
      patched.capturedLength = c.originalLength
      guard fits(patched, after: lastSeconds) else { return problem }
      let bytes = Self.bytes32(UInt32(c.originalLength), reader.order)
      for k in 0..<4 { reader.buf[reader.start + 8 + k] = bytes[k] }
      note(DamagedRegion(offset: at + 8, length: 4, reason: problem, action: .patched))
      c = patched
    }
    guard c.capturedLength <= reader.ifaces[0].maxCapturedLength else { return nil }
    let next = h + c.capturedLength
    // The following header; nil at the end of the input (or in a tail too short for a header).
    let following: RecordHeader? = try reader.ensure(next + h) ? header(at: reader.start + next) : nil
    // Ending exactly at the end of the input confirms a record; ending inside a partial header does not.
    let endsInput = following == nil && reader.end - reader.start == next
    let nextLoose = following.map { followsInSequence($0, after: c.seconds) } ?? endsInput
    let nextStrict = following.map { fits($0, after: c.seconds) } ?? endsInput
    // Only a record its successor confirms becomes the time reference for later checks and resynchronisation.
    currentConfirmed = nextLoose
    // A record whose successor does not fit may have been cut by damage: a record chaining on inside its data.
    func cutBy() throws(CaptureError) -> CaptureError? {
      guard !nextLoose, let q = try chainedRecordInside(capturedLength: c.capturedLength) else { return nil }
      return CaptureError(.implausibleRecord, offset: at,
                          "record of captured length \(c.capturedLength) runs into a record at byte \(q)")
    }
    if let last = lastSeconds {
      // The timestamp continues the sequence and either the successor or the record's own lengths agree; or,
      // after a jump in time (concatenated captures), the lengths agree and the successor continues from it.
      let timeFits = abs(c.seconds - last) <= Self.sequenceWindowSeconds
      if timeFits && (nextLoose || fits(c, after: last)) { return try cutBy() }
      if fits(c, after: nil) && nextStrict { return nil }
      if !timeFits {
        return CaptureError(.implausibleRecord, offset: at,
                            "timestamp \(c.seconds) s is \(abs(c.seconds - last)) s away from the previous record's \(last) s")
      }
    } else if nextLoose || fits(c, after: nil) {
      return try cutBy()  // no good record before it: its successor or its own lengths must agree
    }
    return CaptureError(.implausibleRecord, offset: at,
                        "record of captured length \(c.capturedLength) does not fit the header that follows it at byte \(at + next)")
  }

  /// What a pcap resynchronisation candidate looks like.
  enum PcapCandidate {
    /// Its header fits, and so does the one after it (or the input ends there).
    case chained
    /// A weaker candidate (its successor does not fit, or its chain dates from 1970), kept in reserve while a
    /// chained one is sought within `extent` bytes.
    case single(extent: Int)
    case implausible
    case endOfInput
  }

  /// Examines a pcap record header `rel` bytes past the read position: it must fit the last confirmed record (one
  /// whose successor agreed with it), and the records after it must fit in turn — one of them, or two when there
  /// is no confirmed record to compare with.
  mutating func pcapCandidate(at rel: Int) throws(CaptureError) -> PcapCandidate {
    let h = reader.pcapHeaderLength
    guard try reader.scanEnsure(rel + h) else { return .endOfInput }
    let c = header(at: reader.start + rel)
    // Records with nothing captured are no place to resynchronise (runs of zeros and small integers look like them).
    guard c.capturedLength > 0, fits(c, after: confirmedSeconds) else { return .implausible }
    let next = h + c.capturedLength
    guard try reader.scanEnsure(rel + next) else { return .implausible }
    let needed = confirmedSeconds == nil ? 2 : 1
    var position = rel + next
    var previous = c
    for _ in 0..<needed {
      // The input ends here.
      guard try reader.scanEnsure(position + h) else { return chained(c, extent: next) }
      let n = header(at: reader.start + position)
      guard n.capturedLength > 0, fits(n, after: previous.seconds) else {
        // Its successor may be damaged too: keep it in reserve if it fits a reference (even an unconfirmed one).
        if confirmedSeconds != nil { return .single(extent: next) }
        // With no reference, a chain that broke after one fitting successor is a weak candidate (the real records
        // before a second damaged header, or garbage inside packet data): kept in reserve, if it is near the last
        // record delivered (when there is one), while a full chain is sought anywhere in the span it claims.
        if position > rel + next, lastSeconds.map({ fits(c, after: $0) }) ?? true { return .single(extent: position - rel) }
        if let last = lastSeconds, fits(c, after: last) { return .single(extent: next) }
        return .implausible
      }
      // A truncated last record.
      guard try reader.scanEnsure(position + h + n.capturedLength) else { return chained(c, extent: next) }
      position += h + n.capturedLength
      previous = n
    }
    return chained(c, extent: next)
  }

  /// A full chain, unless there is no reference and its seconds are below 10^6: then it may be the real records
  /// read 4 bytes late (fraction taken for seconds, which then all agree), kept in reserve while a later chain is
  /// sought.
  func chained(_ c: RecordHeader, extent: Int) -> PcapCandidate {
    confirmedSeconds == nil && c.seconds < 1_000_000 ? .single(extent: extent) : .chained
  }

  /// Looks for the next plausible pcap record after the damage at `from`, byte by byte. A candidate whose
  /// following header also fits wins at once; one that only fits the last good record (its successor may be
  /// damaged too) is kept in reserve and taken if no chained candidate starts within its extent.
  /// Each position is examined once, and a reserve taken is then read past, so the work stays linear.
  mutating func scanPcap(from: Int, reason: CaptureError) throws(CaptureError) {
    cut = try pcapCutCandidate(at: from)
    if let target = resyncTarget {
      resyncTarget = nil
      if target > from { return try resume(at: target, from: from, reason: reason) }
    }
    var chains = ScanChains()
    // A position is examined at most once in the whole file: when a reserve taken earlier fails as soon as it is
    // read, the positions after it that the earlier scan examined are not examined again.
    var p = max(from + 1, pcapExaminedThrough + 1)
    var reserve: (position: Int, extent: Int)?
    while true {
      if let r = reserve, p >= r.position + r.extent { return try resume(at: r.position, from: from, reason: reason) }
      collectCut(upTo: reserve?.position ?? p)
      guard try reader.discard(upTo: reserve?.position ?? p) else {
        if let r = reserve { return try resume(at: r.position, from: from, reason: reason) }
        return try skipRest(from: from, reason: reason)
      }
      scanSteps += 1
      pcapExaminedThrough = p
      let rel = p - reader.offset
      switch try pcapCandidate(at: rel) {
      case .chained:
        if let s = bridge(to: p, chains) {
          // The lengths chain from a record that fits onto this one through a header damaged in its time: resume
          // at that record; the scan after it comes back here.
          resyncTarget = p
          return try resume(at: s, from: from, reason: reason)
        }
        return try resume(at: p, from: from, reason: reason)
      case .single(let extent):
        noteChain(&chains, at: p, rel: rel)
        if reserve == nil { reserve = (p, extent) }
        p += 1
      case .implausible:
        noteChain(&chains, at: p, rel: rel)
        p += 1
      case .endOfInput:
        if let r = reserve { return try resume(at: r.position, from: from, reason: reason) }
        return try skipRest(from: from, reason: reason)
      }
    }
  }

  /// Records the damage `from..<p` and resumes reading at `p` (after the record at `from`, kept cut, if any).
  mutating func resume(at p: Int, from: Int, reason: CaptureError) throws(CaptureError) {
    if p < reader.offset {
      reader.start = p - reader.base  // a bridged record, still buffered
    } else {
      collectCut(upTo: p)
      _ = try reader.discard(upTo: p)
    }
    reader.isFinished = false
    if takeCut(from: from, next: p, reason: reason) { return }
    note(DamagedRegion(offset: from, length: p - from, reason: reason))
  }
}

@available(*, unavailable)
extension LenientCaptureReader: Sendable {}
