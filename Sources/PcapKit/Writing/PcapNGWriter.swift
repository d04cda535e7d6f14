/// Writes pcapng (draft-ietf-opsawg-pcapng) in either byte order to a ``ByteSink``.
///
/// Build blocks from fields (``writeSectionHeader(options:sectionLength:)``,
/// ``writeInterfaceDescription(linkType:snapLength:resolution:timestampOffset:options:)``,
/// ``writeEnhancedPacket(interfaceID:timestamp:data:originalLength:options:)``), copy original blocks verbatim
/// (``writeRaw(_:)``, ``write(_:)``: a read-then-write of a pcapng is byte-identical, unknown blocks and options
/// included), or re-encode a record read from another byte order (``writeConverted(_:)``).
///
/// Generic over its sink so the per-packet path has no existential dispatch.
public struct PcapNGWriter<Sink: ByteSink> {
  /// Where the bytes go.
  public var sink: Sink
  /// The byte order of blocks built by this writer (and of the current section). Change it only just before
  /// writing a Section Header Block: every block of a section must share the SHB's byte order.
  public var byteOrder: ByteOrder
  /// The current section's interfaces: resolution and offset, used to encode packet timestamps.
  public private(set) var interfaces: [(linkType: LinkType, resolution: TimestampResolution, offsetSeconds: Int64)] = []
  var scratch: ByteWriter

  /// A writer on `sink` producing blocks in `byteOrder` (default: the host's).
  public init(sink: Sink, byteOrder: ByteOrder = .host) {
    self.sink = sink
    self.byteOrder = byteOrder
    self.scratch = ByteWriter(order: byteOrder, capacity: 65_536)
  }

  mutating func emit() throws(CaptureError) {
    try sink.write(scratch.bytes[...])
    scratch.reset(order: byteOrder)
  }

  /// Writes a Section Header Block (version 1.0) and starts a new section (no interfaces yet).
  /// - Parameters:
  ///   - options: SHB options (`shb_hardware`, `shb_os`, `shb_userappl`, comments…); `opt_endofopt` is added.
  ///   - sectionLength: the section's length, or -1 (unspecified).
  public mutating func writeSectionHeader(options: [PcapNGOption] = [], sectionLength: Int64 = -1) throws(CaptureError) {
    scratch.reset(order: byteOrder)
    let s = scratch.beginBlock(.sectionHeader)
    scratch.u32(0x1A2B_3C4D)
    scratch.u16(1)
    scratch.u16(0)
    scratch.u64(UInt64(bitPattern: sectionLength))
    scratch.options(options)
    scratch.endBlock(s)
    interfaces = []
    try emit()
  }

  /// Writes an Interface Description Block and returns the new interface's ID.
  /// - Parameters:
  ///   - linkType: the link type.
  ///   - snapLength: the snap length (0 = none).
  ///   - resolution: timestamp unit; an `if_tsresol` option is written unless it is 10^-6.
  ///   - timestampOffset: `if_tsoffset` seconds; written when non-zero.
  ///   - options: further options (`if_name`, …). Do not repeat `if_tsresol`/`if_tsoffset` here.
  @discardableResult
  public mutating func writeInterfaceDescription(
    linkType: LinkType, snapLength: UInt32 = 0, resolution: TimestampResolution = .microseconds,
    timestampOffset: Int64 = 0, options: [PcapNGOption] = []
  ) throws(CaptureError) -> Int {
    scratch.reset(order: byteOrder)
    let s = scratch.beginBlock(.interfaceDescription)
    scratch.u16(linkType.rawValue)
    scratch.u16(0)
    scratch.u32(snapLength)
    var opts = options
    if resolution != .microseconds {
      opts.append(PcapNGOption(code: .ifTimestampResolution, value: [resolution.rawValue][...]))
    }
    if timestampOffset != 0 {
      var w = ByteWriter(order: byteOrder)
      w.u64(UInt64(bitPattern: timestampOffset))
      opts.append(PcapNGOption(code: .ifTimestampOffset, value: w.bytes[...]))
    }
    scratch.options(opts)
    scratch.endBlock(s)
    interfaces.append((linkType, resolution, timestampOffset))
    try emit()
    return interfaces.count - 1
  }

  /// Writes an Enhanced Packet Block.
  /// - Parameters:
  ///   - interfaceID: an interface written (or copied) earlier in this section.
  ///   - timestamp: converted (rounded down) to the interface's resolution and offset.
  ///   - data: the captured bytes.
  ///   - originalLength: the length on the wire (default: `data.count`).
  ///   - options: EPB options (flags, comments…).
  /// - Throws: ``CaptureError/Code/invalidArgument`` for an unknown interface or a timestamp the interface cannot
  ///   represent (before its offset, or beyond 2^64 units).
  public mutating func writeEnhancedPacket(
    interfaceID: Int, timestamp: CaptureTimestamp, data: ArraySlice<UInt8>, originalLength: Int? = nil,
    options: [PcapNGOption] = []
  ) throws(CaptureError) {
    guard interfaceID >= 0, interfaceID < interfaces.count else {
      throw CaptureError(.invalidArgument, offset: nil, "EPB for interface \(interfaceID), but only \(interfaces.count) written")
    }
    let iface = interfaces[interfaceID]
    let units = timestamp.ticks(in: iface.resolution) - Int128(iface.offsetSeconds) * Int128(iface.resolution.unitsPerSecond)
    guard units >= 0, units <= Int128(UInt64.max) else {
      throw CaptureError(.invalidArgument, offset: nil, "timestamp \(timestamp) not representable on interface \(interfaceID)")
    }
    guard data.count <= Int(UInt32.max), (originalLength ?? data.count) <= Int(UInt32.max) else {
      throw CaptureError(.invalidArgument, offset: nil, "packet too long for pcapng")
    }
    let u = UInt64(units)
    scratch.reset(order: byteOrder)
    let s = scratch.beginBlock(.enhancedPacket)
    scratch.u32(UInt32(interfaceID))
    scratch.u32(UInt32(truncatingIfNeeded: u >> 32))
    scratch.u32(UInt32(truncatingIfNeeded: u))
    scratch.u32(UInt32(data.count))
    scratch.u32(UInt32(originalLength ?? data.count))
    scratch.append(data)
    scratch.pad()
    scratch.options(options)
    scratch.endBlock(s)
    try emit()
  }

  /// Writes a block verbatim (no checks beyond tracking sections and interfaces).
  ///
  /// A Section Header Block switches the writer to its byte order and clears the interfaces; an Interface
  /// Description Block registers an interface (as read, so later ``writeEnhancedPacket`` calls use its resolution).
  /// Use ``write(_:)`` to copy records read by a ``CaptureReader``, which knows each IDB's decoded values.
  public mutating func writeRaw(_ block: RawBlock) throws(CaptureError) {
    if block.type == .sectionHeader {
      byteOrder = block.byteOrder
      interfaces = []
    }
    try sink.write(block.bytes)
  }

  /// Copies a record read by a ``CaptureReader`` verbatim (byte-identical), tracking sections and interfaces.
  ///
  /// Classic pcap records cannot be copied verbatim into pcapng: they are converted (see ``writeConverted(_:)``).
  public mutating func write(_ record: CaptureRecord) throws(CaptureError) {
    let raw = record.raw
    if raw.type == .pcapFileHeader || raw.type == .pcapRecord || raw.byteOrder != byteOrder && raw.type != .sectionHeader {
      try writeConverted(record)
      return
    }
    if case .interface(let idb) = record {
      interfaces.append((idb.linkType, idb.timestampResolution, idb.timestampOffset))
    }
    try writeRaw(raw)
  }

  /// Re-encodes a record in this writer's byte order, field by field: known integer fields and known integer
  /// options are swapped, strings, addresses and unknown options are copied as they are, custom block data is
  /// opaque (only its PEN is swapped). A classic pcap header becomes an SHB + IDB, a pcap record an EPB.
  public mutating func writeConverted(_ record: CaptureRecord) throws(CaptureError) {
    let raw = record.raw
    let from = raw.byteOrder
    switch record {
    case .section(let shb):
      if let ph = shb.pcapHeader {
        try writeSectionHeader()
        _ = ph
        return
      }
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(.sectionHeader)
      scratch.u32(0x1A2B_3C4D)
      scratch.u16(shb.majorVersion)
      scratch.u16(shb.minorVersion)
      scratch.u64(UInt64(bitPattern: shb.sectionLength))
      copyOptions(shb.options, from: from, kind: .sectionHeader)
      scratch.endBlock(s)
      interfaces = []
      try emit()
    case .interface(let idb):
      if idb.isSynthesized {
        var opts: [PcapNGOption] = []
        if let bits = idb.fcsLengthBits { opts.append(PcapNGOption(code: .ifFCSLength, value: [UInt8(truncatingIfNeeded: bits)][...])) }
        try writeInterfaceDescription(linkType: idb.linkType, snapLength: idb.snapLength,
                                      resolution: idb.timestampResolution, options: opts)
        return
      }
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(.interfaceDescription)
      scratch.u16(idb.linkType.rawValue)
      scratch.u16(load16(raw.bytes, raw.bytes.startIndex + 10, from))
      scratch.u32(idb.snapLength)
      copyOptions(idb.options, from: from, kind: .interfaceDescription)
      scratch.endBlock(s)
      interfaces.append((idb.linkType, idb.timestampResolution, idb.timestampOffset))
      try emit()
    case .packet(let p):
      let b = raw.bytes, i = b.startIndex
      scratch.reset(order: byteOrder)
      switch p.blockType {
      case .pcapRecord:
        try writeEnhancedPacket(interfaceID: 0, timestamp: p.timestamp, data: p.data, originalLength: p.originalLength)
        return
      case .simplePacket:
        let s = scratch.beginBlock(.simplePacket)
        scratch.u32(load32(b, i + 8, from))
        scratch.append(b[(i + 12)..<(b.endIndex - 4)])
        scratch.endBlock(s)
      case .packet:
        let s = scratch.beginBlock(.packet)
        scratch.u16(load16(b, i + 8, from))
        scratch.u16(load16(b, i + 10, from))
        for k in 0..<4 { scratch.u32(load32(b, i + 12 + 4 * k, from)) }
        scratch.append(p.data)
        scratch.pad()
        copyOptions(p.options, from: from, kind: .enhancedPacket)
        scratch.endBlock(s)
      default:
        let s = scratch.beginBlock(.enhancedPacket)
        for k in 0..<5 { scratch.u32(load32(b, i + 8 + 4 * k, from)) }
        scratch.append(p.data)
        scratch.pad()
        copyOptions(p.options, from: from, kind: .enhancedPacket)
        scratch.endBlock(s)
      }
      try emit()
    case .statistics(let isb):
      let b = raw.bytes, i = b.startIndex
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(.interfaceStatistics)
      for k in 0..<3 { scratch.u32(load32(b, i + 8 + 4 * k, from)) }
      copyOptions(isb.options, from: from, kind: .interfaceStatistics)
      scratch.endBlock(s)
      try emit()
    case .nameResolution(let nrb):
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(.nameResolution)
      // Records are copied with their original padding; the end record only if the original had one.
      let rb = nrb.recordBytes
      var i = rb.startIndex
      while rb.endIndex - i >= 4 {
        let len = Int(load16(rb, i + 2, from))
        let next = min(i + 4 + ((len + 3) & ~3), rb.endIndex)
        scratch.u16(load16(rb, i, from))
        scratch.u16(UInt16(len))
        scratch.append(rb[(i + 4)..<next])
        i = next
      }
      scratch.append(rb[i..<rb.endIndex])
      if nrb.options.bytes.startIndex >= rb.endIndex + 4 {
        scratch.u16(0)
        scratch.u16(load16(nrb.raw.bytes, rb.endIndex + 2, from))
      }
      copyOptions(nrb.options, from: from, kind: .nameResolution)
      scratch.endBlock(s)
      try emit()
    case .decryptionSecrets(let dsb):
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(.decryptionSecrets)
      scratch.u32(dsb.secretsType)
      scratch.u32(UInt32(dsb.data.count))
      scratch.append(dsb.data)
      scratch.pad()
      copyOptions(dsb.options, from: from, kind: .decryptionSecrets)
      scratch.endBlock(s)
      try emit()
    case .custom(let cb):
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(cb.raw.type)
      scratch.u32(cb.enterpriseNumber)
      scratch.append(cb.data)
      scratch.endBlock(s)
      try emit()
    case .other(let r):
      scratch.reset(order: byteOrder)
      let s = scratch.beginBlock(r.type)
      scratch.append(r.body)
      scratch.endBlock(s)
      try emit()
    }
  }

  /// Re-encodes options: integer-valued options of known codes are swapped, everything else (strings,
  /// addresses, unknown options, padding, bytes after `opt_endofopt`) is copied as found, so nothing is added or
  /// lost (an option list without `opt_endofopt` stays without one).
  mutating func copyOptions(_ list: OptionList, from: ByteOrder, kind: BlockType) {
    let b = list.bytes
    var i = b.startIndex
    while b.endIndex - i >= 4 {
      let c = load16(b, i, from)
      let n = Int(load16(b, i + 2, from))
      scratch.u16(c)
      scratch.u16(UInt16(n))
      if c == 0 {
        i += 4
        break
      }
      let start = i + 4
      let valueEnd = min(start + n, b.endIndex)
      let next = min(start + ((n + 3) & ~3), b.endIndex)
      let v = b[start..<valueEnd]
      let words: [Int]  // widths of the consecutive integers that make up the value
      switch (kind, c) {
      case (_, 2988), (_, 2989), (_, 19372), (_, 19373): words = n >= 4 ? [4] : []
      case (.interfaceDescription, 8), (.interfaceDescription, 14), (.interfaceDescription, 16), (.interfaceDescription, 17):
        words = n == 8 ? [8] : []
      case (.interfaceDescription, 10): words = n == 4 ? [4] : []
      case (.enhancedPacket, 2), (.enhancedPacket, 6): words = n == 4 ? [4] : []
      case (.enhancedPacket, 4), (.enhancedPacket, 5): words = n == 8 ? [8] : []
      case (.enhancedPacket, 8): words = n == 8 ? [4, 4] : []
      case (.interfaceStatistics, 2), (.interfaceStatistics, 3): words = n == 8 ? [4, 4] : []
      case (.interfaceStatistics, 4...8): words = n == 8 ? [8] : []
      default: words = []
      }
      var j = v.startIndex
      for w in words where v.endIndex - j >= w {
        if w == 4 { scratch.u32(load32(v, j, from)) } else { scratch.u64(load64(v, j, from)) }
        j += w
      }
      scratch.append(b[j..<next])
      i = next
    }
    scratch.append(b[i..<b.endIndex])
  }
}
