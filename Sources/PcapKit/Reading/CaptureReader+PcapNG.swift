// pcapng (draft-ietf-opsawg-pcapng §3.1), every block:
//
//   +---------------------------------------------------------------+
//   |                          Block Type                           |
//   |                      Block Total Length                       |
//   /                          Block Body                           /
//   |                      Block Total Length                       |
//   +---------------------------------------------------------------+

extension CaptureReader {
  static func minimumLength(_ t: BlockType) -> Int {
    switch t {
    case .sectionHeader: 28
    case .interfaceDescription: 20
    case .enhancedPacket: 32
    case .packet: 32
    case .simplePacket: 16
    case .interfaceStatistics: 24
    case .decryptionSecrets: 20
    case .customCopyable, .customDoNotCopy: 16
    default: 12
    }
  }

  mutating func nextBlock() throws(CaptureError) -> CaptureRecord? {
    let off = base + start
    if end - start < 8 {
      guard try ensure(8) else {
        if end == start { return nil }
        throw CaptureError(.truncated, offset: off, "block header cut short: \(end - start) of 8 bytes before the end of the input")
      }
    }
    var o = order
    let isSHB = buf[start] == 0x0A && buf[start + 1] == 0x0D && buf[start + 2] == 0x0D && buf[start + 3] == 0x0A
    if isSHB {
      guard try ensure(12) else {
        throw CaptureError(.truncated, offset: off, "section header cut short before its byte-order magic")
      }
      switch u32(start + 8, .big) {
      case 0x1A2B_3C4D: o = .big
      case 0x4D3C_2B1A: o = .little
      default:
        throw CaptureError(.badByteOrderMagic, offset: off + 8,
                           "byte-order magic \(hex(buf[(start + 8)..<(start + 12)])) is neither 1A2B3C4D nor 4D3C2B1A")
      }
    }
    let type = isSHB ? BlockType.sectionHeader : BlockType(rawValue: u32(start, o))
    let len = Int(u32(start + 4, o))
    let minimum = CaptureReader.minimumLength(type)
    if len < minimum {
      throw CaptureError(.badBlockLength, offset: off + 4,
                         len < 12 ? "block total length \(len) is less than 12"
                           : "block total length \(len) is too short for a \(type) (minimum \(minimum))")
    }
    let cap = isSHB ? options.maxSectionHeaderSize : options.maxBlockSize
    if len > cap {
      throw CaptureError(.blockTooLarge, offset: off + 4, "\(type) of \(len) bytes exceeds the \(cap)-byte cap")
    }
    let padded = (len + 3) & ~3
    if end - start < padded {
      guard try ensure(padded) else {
        throw CaptureError(.truncated, offset: off,
                           "\(type) of \(len) bytes cut short: \(end - start) bytes before the end of the input")
      }
    }
    let trailer = Int(u32(start + padded - 4, o))
    if padded != len {
      guard trailer == len || trailer == padded else {
        throw CaptureError(.badBlockLength, offset: off + 4,
                           "block total length \(len) is not a multiple of 4 (trailer says \(trailer))")
      }
      warn(CaptureError(.badBlockLength, offset: off + 4,
                        "block total length \(len) is not a multiple of 4; read as \(padded) since the trailer agrees"))
    } else if trailer != len {
      throw CaptureError(.trailerMismatch, offset: off + padded - 4,
                         "block total length \(len) in the header but \(trailer) in the trailer")
    }
    let s = start
    let bodyEnd = s + padded - 4
    let raw = RawBlock(type: type, bytes: buf[s..<(s + padded)], byteOrder: o, fileOffset: off)
    let record: CaptureRecord
    switch type {
    case .enhancedPacket: record = .packet(try enhancedPacket(s, bodyEnd, off, o))
    case .simplePacket: record = .packet(try simplePacket(s, bodyEnd, off, o, raw))
    case .sectionHeader: record = .section(try sectionHeader(s, bodyEnd, off, o, raw))
    case .interfaceDescription: record = .interface(try interfaceDescription(s, bodyEnd, off, o, raw))
    case .packet: record = .packet(try obsoletePacket(s, bodyEnd, off, o, raw))
    case .interfaceStatistics: record = .statistics(try statistics(s, bodyEnd, off, o, raw))
    case .nameResolution: record = .nameResolution(try nameResolution(s, bodyEnd, off, o, raw))
    case .decryptionSecrets:
      let stype = u32(s + 8, o), slen = Int(u32(s + 12, o))
      let dataStart = s + 16
      guard slen <= bodyEnd - dataStart else {
        throw CaptureError(.capturedLengthOverrun, offset: off + 12,
                           "secrets length \(slen) runs past the end of the block (\(bodyEnd - dataStart) bytes)")
      }
      let optStart = min(dataStart + ((slen + 3) & ~3), bodyEnd)
      let opts = try optionList(optStart, bodyEnd, off, o)
      record = .decryptionSecrets(DecryptionSecrets(secretsType: stype, data: buf[dataStart..<(dataStart + slen)],
                                                    options: opts, raw: raw))
    case .customCopyable, .customDoNotCopy:
      record = .custom(CustomBlock(enterpriseNumber: u32(s + 8, o), data: buf[(s + 12)..<bodyEnd], raw: raw))
    default:
      record = .other(raw)
    }
    start = s + padded
    return record
  }

  /// When the next record is an Enhanced Packet Block of ordinary shape (length a multiple of 4, within the caps),
  /// reads it straight into a ``Packet`` — the same checks as ``nextBlock()``, without building a ``RawBlock`` and
  /// a ``CaptureRecord`` — and returns it; otherwise returns nil having consumed nothing (call ``next()``).
  @inline(__always)
  mutating func nextEnhancedPacketIfAny() throws(CaptureError) -> Packet? {
    guard phase == .pcapng, !isFinished, end - start >= 8 else { return nil }
    let o = order
    guard u32(start, o) == 6 else { return nil }  // BlockType.enhancedPacket
    let len = Int(u32(start + 4, o))
    guard len >= 32, len <= options.maxBlockSize, len & 3 == 0, end - start >= len else { return nil }
    let s = start
    guard Int(u32(s + len - 4, o)) == len else { return nil }
    do {
      let p = try enhancedPacket(s, s + len - 4, base + s, o)
      start = s + len
      return p
    } catch {
      isFinished = true
      throw error
    }
  }

  func optionList(_ from: Int, _ to: Int, _ blockOffset: Int, _ o: ByteOrder) throws(CaptureError) -> OptionList {
    let base = blockOffset + (from - start)
    if from >= to { return OptionList(bytes: buf[to..<to], byteOrder: o, baseOffset: base) }
    let bytes = buf[from..<to]
    try OptionList.validate(bytes, o, baseOffset: base)
    return OptionList(bytes: bytes, byteOrder: o, baseOffset: base)
  }

  func interface(_ id: Int, at offset: Int) throws(CaptureError) -> InterfaceInfo {
    guard id < ifaces.count else {
      throw CaptureError(.unknownInterface, offset: offset,
                         "interface \(id) is not defined in this section (\(ifaces.count) interface(s) so far)")
    }
    return ifaces[id]
  }

  /// EPB: `interface_id | ts_high | ts_low | caplen | origlen | data (padded) | options`.
  @inline(__always)
  func enhancedPacket(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder) throws(CaptureError) -> Packet {
    options.packetTally?.count += 1
    let id = Int(u32(s + 8, o))
    let iface = try interface(id, at: off + 8)
    let units = UInt64(u32(s + 12, o)) << 32 | UInt64(u32(s + 16, o))
    let caplen = Int(u32(s + 20, o)), origlen = Int(u32(s + 24, o))
    let dataStart = s + 28
    guard caplen <= bodyEnd - dataStart else {
      throw CaptureError(.capturedLengthOverrun, offset: off + 20,
                         "captured length \(caplen) runs past the end of the block (\(bodyEnd - dataStart) bytes of data)")
    }
    if caplen > iface.maxCapturedLength {
      throw CaptureError(.capturedLengthTooLarge, offset: off + 20,
                         "captured length \(caplen) exceeds the maximum \(iface.maxCapturedLength) for link type \(iface.linkType)")
    }
    let optStart = min(dataStart + ((caplen + 3) & ~3), bodyEnd)
    if optStart < bodyEnd { try OptionList.validate(buf[optStart..<bodyEnd], o, baseOffset: off + (optStart - s)) }
    let ts = iface.offsetSeconds == 0 && iface.resolution.rawValue == 6
      ? CaptureTimestamp(ticks: Int128(units), resolution: iface.resolution)
      : CaptureTimestamp(units: units, resolution: iface.resolution, offsetSeconds: iface.offsetSeconds)
    return Packet(
      rawRecord: buf[s..<(bodyEnd + 4)], dataStart: dataStart, capturedLength: caplen, optionsStart: optStart, optionsEnd: bodyEnd,
      interfaceID: id, linkType: iface.linkType, timestamp: ts, hasTimestamp: true, originalLength: origlen,
      fileOffset: off, blockType: .enhancedPacket, byteOrder: o, sectionIndex: sectionCount - 1,
      exceedsSnapLength: iface.snapLength > 0 && caplen > iface.snapLength, legacyDropCount: nil)
  }

  /// SPB: `origlen | data (padded)`; interface 0; caplen = min(origlen, snaplen, data in block).
  mutating func simplePacket(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> Packet {
    options.packetTally?.count += 1
    let iface = try interface(0, at: off)
    let origlen = Int(u32(s + 8, o))
    let dataStart = s + 12
    var caplen = min(origlen, bodyEnd - dataStart)
    if iface.snapLength > 0 { caplen = min(caplen, iface.snapLength) }
    if caplen > iface.maxCapturedLength {
      throw CaptureError(.capturedLengthTooLarge, offset: off + 8,
                         "captured length \(caplen) exceeds the maximum \(iface.maxCapturedLength) for link type \(iface.linkType)")
    }
    return Packet(
      rawRecord: raw.bytes, dataStart: dataStart, capturedLength: caplen, optionsStart: bodyEnd, optionsEnd: bodyEnd,
      interfaceID: 0, linkType: iface.linkType, timestamp: CaptureTimestamp(ticks: 0, resolution: iface.resolution),
      hasTimestamp: false, originalLength: origlen, fileOffset: off, blockType: .simplePacket, byteOrder: o,
      sectionIndex: sectionCount - 1, exceedsSnapLength: false, legacyDropCount: nil)
  }

  /// Obsolete Packet Block: `if_id u16 | drops u16 | ts_high | ts_low | caplen | origlen | data | options`.
  mutating func obsoletePacket(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> Packet {
    options.packetTally?.count += 1
    let id = Int(u16(s + 8, o))
    let drops = u16(s + 10, o)
    let iface = try interface(id, at: off + 8)
    let units = UInt64(u32(s + 12, o)) << 32 | UInt64(u32(s + 16, o))
    let caplen = Int(u32(s + 20, o)), origlen = Int(u32(s + 24, o))
    let dataStart = s + 28
    guard caplen <= bodyEnd - dataStart else {
      throw CaptureError(.capturedLengthOverrun, offset: off + 20,
                         "captured length \(caplen) runs past the end of the block (\(bodyEnd - dataStart) bytes of data)")
    }
    if caplen > iface.maxCapturedLength {
      throw CaptureError(.capturedLengthTooLarge, offset: off + 20,
                         "captured length \(caplen) exceeds the maximum \(iface.maxCapturedLength) for link type \(iface.linkType)")
    }
    let optStart = min(dataStart + ((caplen + 3) & ~3), bodyEnd)
    if optStart < bodyEnd { try OptionList.validate(buf[optStart..<bodyEnd], o, baseOffset: off + (optStart - s)) }
    return Packet(
      rawRecord: raw.bytes, dataStart: dataStart, capturedLength: caplen, optionsStart: optStart, optionsEnd: bodyEnd,
      interfaceID: id, linkType: iface.linkType,
      timestamp: CaptureTimestamp(units: units, resolution: iface.resolution, offsetSeconds: iface.offsetSeconds),
      hasTimestamp: true, originalLength: origlen, fileOffset: off, blockType: .packet, byteOrder: o,
      sectionIndex: sectionCount - 1, exceedsSnapLength: iface.snapLength > 0 && caplen > iface.snapLength,
      legacyDropCount: drops)
  }

  /// SHB: `magic | major | minor | section length i64 | options`. Starts a new section.
  mutating func sectionHeader(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> SectionHeader {
    let major = u16(s + 12, o), minor = u16(s + 14, o)
    guard major == 1, minor == 0 || minor == 2 else {
      throw CaptureError(.unsupportedVersion, offset: off + 12, "pcapng version \(major).\(minor) is not 1.0 (or 1.2)")
    }
    let length = Int64(bitPattern: u64(s + 16, o))
    let opts = try optionList(s + 24, bodyEnd, off, o)
    let shb = SectionHeader(byteOrder: o, majorVersion: major, minorVersion: minor, sectionLength: length,
                            options: opts, index: sectionCount, pcapHeader: nil, raw: raw)
    order = o
    sectionCount += 1
    section = shb
    interfaces = []
    ifaces = []
    return shb
  }

  /// IDB: `linktype u16 | reserved u16 | snaplen u32 | options`.
  mutating func interfaceDescription(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> InterfaceDescription {
    let link = LinkType(rawValue: u16(s + 8, o))
    let snap = u32(s + 12, o)
    let opts = try optionList(s + 16, bodyEnd, off, o)
    var resolution = TimestampResolution.microseconds
    var tsOffset: Int64 = 0
    var fcsBits: Int?
    for opt in opts {
      switch opt.code {
      case .ifTimestampResolution where opt.value.count >= 1:
        do {
          resolution = try TimestampResolution(ifTsresol: opt.value[opt.value.startIndex])
        } catch {
          throw CaptureError(.badTimestampResolution, offset: opt.offset, error.message)
        }
      case .ifTimestampOffset where opt.value.count == 8:
        tsOffset = Int64(bitPattern: load64(opt.value, opt.value.startIndex, o))
      case .ifFCSLength where opt.value.count >= 1:
        fcsBits = Int(opt.value[opt.value.startIndex])
      default: break
      }
    }
    let idb = InterfaceDescription(id: ifaces.count, linkType: link, snapLength: snap, timestampResolution: resolution,
                                   timestampOffset: tsOffset, fcsLengthBits: fcsBits, options: opts,
                                   isSynthesized: false, raw: raw)
    ifaces.append(InterfaceInfo(linkType: link, snapLength: Int(snap), resolution: resolution, offsetSeconds: tsOffset,
                                maxCapturedLength: options.maxCapturedLength(for: link)))
    interfaces.append(idb)
    return idb
  }

  /// ISB: `interface_id | ts_high | ts_low | options`.
  mutating func statistics(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> InterfaceStatistics {
    let id = Int(u32(s + 8, o))
    let iface = try interface(id, at: off + 8)
    let units = UInt64(u32(s + 12, o)) << 32 | UInt64(u32(s + 16, o))
    let opts = try optionList(s + 20, bodyEnd, off, o)
    return InterfaceStatistics(
      interfaceID: id, timestamp: CaptureTimestamp(units: units, resolution: iface.resolution, offsetSeconds: iface.offsetSeconds),
      resolution: iface.resolution, offsetSeconds: iface.offsetSeconds, options: opts, raw: raw)
  }

  /// NRB: records `type u16 | length u16 | value (padded)` up to `nrb_record_end`, then options.
  mutating func nameResolution(_ s: Int, _ bodyEnd: Int, _ off: Int, _ o: ByteOrder, _ raw: RawBlock) throws(CaptureError) -> NameResolution {
    var i = s + 8
    var recordsEnd = bodyEnd
    var optStart = bodyEnd
    while i < bodyEnd {
      guard bodyEnd - i >= 4 else {
        throw CaptureError(.optionOverrun, offset: off + (i - s), "name record header cut short by the end of the block")
      }
      let t = u16(i, o), len = Int(u16(i + 2, o))
      if t == 0 {
        recordsEnd = i
        optStart = i + 4
        break
      }
      let padded = (len + 3) & ~3
      guard padded <= bodyEnd - i - 4 else {
        throw CaptureError(.optionOverrun, offset: off + (i - s),
                           "name record of type \(t) and length \(len) runs past the end of the block")
      }
      i += 4 + padded
    }
    let opts = try optionList(min(optStart, bodyEnd), bodyEnd, off, o)
    return NameResolution(recordBytes: buf[(s + 8)..<recordsEnd], options: opts, raw: raw)
  }
}
