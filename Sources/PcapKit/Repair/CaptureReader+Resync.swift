// Resynchronisation primitives used by LenientCaptureReader: examining candidate positions after damage without
// ever trusting a length before the bytes exist, and with buffer growth that keeps scanning linear.

/// What a candidate position looks like.
enum Plausibility {
  /// A record or block whose framing fits its neighbours starts here.
  case plausible
  /// Nothing plausible starts here.
  case implausible
  /// Too few bytes remain for any record: the rest of the input is damage.
  case endOfInput
}

extension CaptureError.Code {
  /// A pcap record whose header parses but does not fit its neighbours (zero length, a timestamp far from the
  /// previous record's, a following header that is garbage): reported by ``LenientCaptureReader`` only.
  public static let implausibleRecord = CaptureError.Code(rawValue: "implausible-record")
}

extension CaptureReader {
  /// Makes `n` bytes available at `start` while scanning: asks for twice as much when it must read, so moving the
  /// buffered bytes to the front is amortised over the bytes the scan then advances past (no quadratic copying).
  mutating func scanEnsure(_ n: Int) throws(CaptureError) -> Bool {
    if end - start >= n { return true }
    if sourceAtEnd { return false }
    _ = try refill(n <= Int.max / 2 ? 2 * n : n)
    return end - start >= n
  }

  /// Drops every byte before absolute offset `a` (which must not precede ``offset``), reading as needed.
  /// - Returns: false if the input ends before `a`; ``offset`` is then the end of the input.
  mutating func discard(upTo a: Int) throws(CaptureError) -> Bool {
    while base + end < a {
      start = end
      if sourceAtEnd { return false }
      _ = try refill(1)
      if base + end < a && sourceAtEnd {
        start = end
        return false
      }
    }
    start = a - base
    return true
  }

  /// Reads and drops the rest of the input; returns its absolute end offset.
  mutating func discardRest() throws(CaptureError) -> Int {
    while true {
      start = end
      if sourceAtEnd { return base + end }
      _ = try refill(1)
      if end == start && sourceAtEnd { return base + end }
    }
  }

  /// Rewrites a destroyed magic number in the buffer when the rest of the file header still names the format: a
  /// pcapng byte-order magic at byte 8, or a pcap version 2.4 at byte 4 (its byte order giving the file's; the
  /// first record's fraction field, if it reaches a second or more, says nanoseconds). Only the lenient reader asks.
  /// - Returns: true when the magic was restored.
  mutating func restoreMagic() throws(CaptureError) -> Bool {
    _ = try ensure(32)
    guard end >= 12 else { return false }
    if sectionByteOrder(at: 8) != nil {
      buf.replaceSubrange(0..<4, with: [0x0A, 0x0D, 0x0D, 0x0A])
      return true
    }
    let order: ByteOrder
    switch (u16(4, .little), u16(6, .little)) {
    case (2, 4): order = .little
    case (0x0200, 0x0400): order = .big
    default: return false
    }
    let nanoseconds = end >= 32 && u32(28, order) >= 1_000_000 && u32(28, order) < 1_000_000_000
    let magic: UInt32 = nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4
    let bytes = [UInt8(magic >> 24), UInt8(magic >> 16 & 0xFF), UInt8(magic >> 8 & 0xFF), UInt8(magic & 0xFF)]
    buf.replaceSubrange(0..<4, with: order == .big ? bytes : bytes.reversed())
    return true
  }

  static let knownBlockTypes: Set<BlockType> = [
    .sectionHeader, .interfaceDescription, .enhancedPacket, .simplePacket, .interfaceStatistics, .nameResolution,
    .decryptionSecrets, .customCopyable, .customDoNotCopy, .packet,
  ]

  /// The byte order named by a Section Header Block's byte-order magic at `i`, if valid.
  func sectionByteOrder(at i: Int) -> ByteOrder? {
    switch u32(i, .big) {
    case 0x1A2B_3C4D: .big
    case 0x4D3C_2B1A: .little
    default: nil
    }
  }

  /// True when a Section Header Block's block-type magic starts at buffer index `i`.
  func isSectionHeaderMagic(at i: Int) -> Bool {
    buf[i] == 0x0A && buf[i + 1] == 0x0D && buf[i + 2] == 0x0D && buf[i + 3] == 0x0A
  }

  /// The padded length of the block at ``offset`` if its framing is intact — a known type, a length between the
  /// type's minimum and the cap, and a trailing length that agrees — so a failure inside it can skip exactly it.
  mutating func intactBlockLength() throws(CaptureError) -> Int? {
    guard try scanEnsure(12) else { return nil }
    var o = order
    let shb = isSectionHeaderMagic(at: start)
    if shb {
      guard let bo = sectionByteOrder(at: start + 8) else { return nil }
      o = bo
    }
    let type = shb ? BlockType.sectionHeader : BlockType(rawValue: u32(start, o))
    let len = Int(u32(start + 4, o))
    let cap = shb ? options.maxSectionHeaderSize : options.maxBlockSize
    guard len >= CaptureReader.minimumLength(type), len <= cap else { return nil }
    let padded = (len + 3) & ~3
    guard try scanEnsure(padded) else { return nil }
    let trailer = Int(u32(start + padded - 4, o))
    return trailer == len || trailer == padded ? padded : nil
  }

  /// The other byte order, when an Interface Description Block with intact framing in that order starts at
  /// ``offset``: the first block of a section whose header was destroyed (a file can switch byte order at each
  /// section). Nil otherwise.
  mutating func interfaceInOtherByteOrder() throws(CaptureError) -> ByteOrder? {
    guard try scanEnsure(20) else { return nil }
    let o: ByteOrder = order == .little ? .big : .little
    guard BlockType(rawValue: u32(start, o)) == .interfaceDescription else { return nil }
    let len = Int(u32(start + 4, o))
    guard len & 3 == 0, len >= CaptureReader.minimumLength(.interfaceDescription), len <= options.maxBlockSize,
          try scanEnsure(len), Int(u32(start + len - 4, o)) == len else { return nil }
    return o
  }

  /// Whether a pcapng block a resynchronising reader may trust starts `rel` bytes past ``offset``: a known block
  /// type, a 4-aligned length within the caps whose trailing copy agrees, and — for packet and statistics blocks —
  /// an interface that exists. `length` is set to the block's length when plausible.
  mutating func pcapngCandidate(at rel: Int = 0, length: inout Int) throws(CaptureError) -> Plausibility {
    guard try scanEnsure(rel + 12) else { return .endOfInput }
    // `scanEnsure` may refill, and a refill moves the buffered bytes: the block's index is taken again after each.
    var start = self.start + rel
    var o = order
    let shb = isSectionHeaderMagic(at: start)
    if shb {
      guard let bo = sectionByteOrder(at: start + 8) else { return .implausible }
      o = bo
    }
    let type = shb ? BlockType.sectionHeader : BlockType(rawValue: u32(start, o))
    guard CaptureReader.knownBlockTypes.contains(type) else { return .implausible }
    let len = Int(u32(start + 4, o))
    let cap = shb ? options.maxSectionHeaderSize : options.maxBlockSize
    guard len & 3 == 0, len >= CaptureReader.minimumLength(type), len <= cap else { return .implausible }
    guard try scanEnsure(rel + len) else { return .implausible }
    start = self.start + rel
    guard Int(u32(start + len - 4, o)) == len else { return .implausible }
    switch type {
    case .sectionHeader:
      guard u16(start + 12, o) == 1 else { return .implausible }
    case .enhancedPacket:
      guard Int(u32(start + 8, o)) < ifaces.count, Int(u32(start + 20, o)) <= len - 32 else { return .implausible }
    case .packet:
      guard Int(u16(start + 8, o)) < ifaces.count, Int(u32(start + 20, o)) <= len - 32 else { return .implausible }
    case .interfaceStatistics:
      guard Int(u32(start + 8, o)) < ifaces.count else { return .implausible }
    case .simplePacket:
      guard !ifaces.isEmpty else { return .implausible }
    default:
      break
    }
    length = len
    return .plausible
  }
}
