// Classic pcap (draft-ietf-opsawg-pcap):
//
//   File header (24 bytes)                 Record (16 bytes, or 24 in the modified format)
//   +------------------------------+       +------------------------------+
//   | magic                        |       | ts seconds (u32)             |
//   | major (2)     | minor (4)    |       | ts µs or ns (u32)            |
//   | reserved1 (thiszone)         |       | captured length              |
//   | reserved2 (sigfigs)          |       | original length              |
//   | snaplen                      |       | [modified: ifindex u32,      |
//   | FCS|R|P|reserved3| LinkType  |       |  protocol u16, type u8, pad] |
//   +------------------------------+       | data                         |
//                                          +------------------------------+

extension CaptureReader {
  mutating func readPcapHeader() throws(CaptureError) -> CaptureRecord {
    let off = offset
    guard try ensure(24) else {
      throw CaptureError(.truncated, offset: off, "the pcap file header needs 24 bytes, the input holds \(end - start)")
    }
    guard case .pcap(let ns, let o, let modified) = format else { preconditionFailure("not pcap") }
    let major = u16(start + 4, o), minor = u16(start + 6, o)
    guard major == 2 else {
      throw CaptureError(.unsupportedVersion, offset: off + 4, "pcap version \(major).\(minor) is not 2.x")
    }
    let header = PcapFileHeader(
      format: format, thisZone: Int32(bitPattern: u32(start + 8, o)), sigFigs: u32(start + 12, o),
      snapLength: u32(start + 16, o), linkTypeWord: u32(start + 20, o))
    if header.linkTypeWord & 0x0BFF_0000 != 0 {
      throw CaptureError(.reservedLinkTypeBits, offset: off + 20,
                         "reserved bits set in the link-type word 0x\(String(header.linkTypeWord, radix: 16))")
    }
    if header.snapLength == 0 {
      warn(CaptureError(.invalidArgument, offset: off + 16, "snapshot length 0 (the format requires a non-zero value)"))
    }
    pcapHeaderLength = modified ? 24 : 16
    order = o
    let raw = RawBlock(type: .pcapFileHeader, bytes: buf[start..<(start + 24)], byteOrder: o, fileOffset: off)
    let resolution: TimestampResolution = ns ? .nanoseconds : .microseconds
    let link = header.linkType
    ifaces = [
      InterfaceInfo(linkType: link, snapLength: Int(header.snapLength), resolution: resolution, offsetSeconds: 0,
                    maxCapturedLength: options.maxCapturedLength(for: link))
    ]
    pcapMaxCapturedLength = ifaces[0].maxCapturedLength
    pcapMaxRecordSize = min(options.maxBlockSize, Int(UInt32.max) - 32)
    let shb = SectionHeader(byteOrder: o, majorVersion: major, minorVersion: minor, sectionLength: -1,
                            options: .empty, index: 0, pcapHeader: header, raw: raw)
    let idb = InterfaceDescription(id: 0, linkType: link, snapLength: header.snapLength, timestampResolution: resolution,
                                   timestampOffset: 0, fcsLengthBits: header.fcsLength.map { $0 * 8 },
                                   options: .empty, isSynthesized: true, raw: raw)
    section = shb
    interfaces = [idb]
    sectionCount = 1
    pendingInterface = idb
    phase = .pcapInterface
    start += 24
    return .section(shb)
  }

  @inline(__always)
  mutating func nextPcapRecord() throws(CaptureError) -> Packet? {
    guard let (s, caplen) = try nextPcapRecordPosition() else { return nil }
    return pcapPacket(at: s, capturedLength: caplen)
  }

  /// Validates the next classic pcap record and steps over it without building a ``Packet``: returns the index
  /// of the record in `buf` (header first, data at `+ pcapHeaderLength`) and its captured length, or nil at a
  /// clean end. The whole record is in `buf` until the next read.
  @inline(__always)
  mutating func nextPcapRecordPosition() throws(CaptureError) -> (start: Int, capturedLength: Int)? {
    let h = pcapHeaderLength
    let off = base + start
    if end - start < h {
      guard try ensure(h) else {
        if end == start { return nil }
        throw CaptureError(.truncated, offset: off,
                           "record header cut short: \(end - start) of \(h) bytes before the end of the input")
      }
    }
    let caplen = Int(u32(start + 8, order))
    if caplen > pcapMaxCapturedLength {
      let iface = ifaces[0]
      throw CaptureError(.capturedLengthTooLarge, offset: off + 8,
                         "captured length \(caplen) exceeds the maximum \(iface.maxCapturedLength) for link type \(iface.linkType)")
    }
    let total = h + caplen
    if total > pcapMaxRecordSize {
      throw CaptureError(.blockTooLarge, offset: off, "record of \(total) bytes exceeds the \(options.maxBlockSize)-byte cap")
    }
    if end - start < total {
      guard try ensure(total) else {
        throw CaptureError(.truncated, offset: off,
                           "packet data cut short: captured length \(caplen), \(end - start - h) bytes before the end of the input")
      }
    }
    let s = start
    start = s + total
    options.packetTally?.count += 1
    return (s, caplen)
  }

  /// The packet view of the classic pcap record at `buf[s]` (already validated by `nextPcapRecordPosition`).
  @inline(__always)
  func pcapPacket(at s: Int, capturedLength caplen: Int) -> Packet {
    let o = order
    return pcapPacket(in: buf, at: s, capturedLength: caplen, seconds: u32(s, o), fraction: u32(s + 4, o),
                      originalLength: Int(u32(s + 12, o)), fileOffset: base + s)
  }

  /// The packet view of a classic pcap record at `bytes[s]` (header and `caplen` bytes of data present) whose
  /// header fields were read by the caller, with this file's byte order and interface.
  @inline(__always)
  func pcapPacket(in bytes: [UInt8], at s: Int, capturedLength caplen: Int, seconds sec: UInt32, fraction frac: UInt32,
                  originalLength origlen: Int, fileOffset: Int) -> Packet {
    let h = pcapHeaderLength
    let iface = ifaces[0]
    let ts = CaptureTimestamp(ticks: Int128(Int64(sec) * Int64(iface.resolution.unitsPerSecond) + Int64(frac)),
                              resolution: iface.resolution)
    let total = h + caplen
    return Packet(
      rawRecord: bytes[s..<(s + total)], dataStart: s + h, capturedLength: caplen, optionsStart: s + total,
      optionsEnd: s + total, interfaceID: 0, linkType: iface.linkType, timestamp: ts, hasTimestamp: true,
      originalLength: origlen, fileOffset: fileOffset, blockType: .pcapRecord, byteOrder: order, sectionIndex: 0,
      exceedsSnapLength: iface.snapLength > 0 && caplen > iface.snapLength, legacyDropCount: nil)
  }
}
