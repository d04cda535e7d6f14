/// Writes classic pcap (draft-ietf-opsawg-pcap), microsecond or nanosecond, in either byte order, to a ``ByteSink``.
///
/// Either build the file from fields (``writeHeader(linkType:snapLength:fcsLength:)`` then
/// ``writePacket(timestamp:data:originalLength:)``), or feed it records read by a ``CaptureReader`` with
/// ``write(_:)``, which copies classic pcap records verbatim (a pcap read-then-write is byte-identical) and
/// converts pcapng content, reporting what classic pcap cannot carry: packets of several link types are an
/// error (``CaptureError/Code/incompatibleContent``); comments, options and non-packet blocks are dropped and
/// listed in ``warnings``.
public struct PcapWriter<Sink: ByteSink> {
  /// What a pcapng → pcap conversion could not carry.
  public struct ConversionWarning: Hashable, Sendable, CustomStringConvertible {
    /// What was dropped, e.g. `"packet comments"`, `"NRB blocks"`.
    public var what: String
    /// How many times.
    public var count: Int
    /// `"dropped 3 packet comments"`.
    public var description: String { "dropped \(count) \(what)" }
  }

  /// Where the bytes go.
  public var sink: Sink
  /// True for nanosecond timestamps (`A1B23C4D`), false for microseconds.
  public let nanosecond: Bool
  /// The byte order written.
  public let byteOrder: ByteOrder
  /// True to write Kuznetzov's modified format (magic `A1B2CD34`, 24-byte record headers whose extra 8 bytes
  /// — ifindex, protocol, packet type — are written as zero unless copied verbatim).
  public let modified: Bool
  /// The link type of the header written (nil before the header).
  public private(set) var linkType: LinkType?
  var snapLength: UInt32 = 0
  var scratch: ByteWriter
  var dropped: [String: Int] = [:]
  var droppedOrder: [String] = []
  var copyVerbatim = false
  var interfaceLinks: [LinkType] = []

  /// A writer on `sink`.
  /// - Parameters:
  ///   - sink: the output.
  ///   - nanosecond: write nanosecond timestamps (magic `A1B23C4D`) instead of microseconds.
  ///   - byteOrder: the byte order (default: the host's, as libpcap writes).
  ///   - modified: write the modified (Kuznetzov) format; it has microsecond timestamps, so `nanosecond` must be false.
  public init(sink: Sink, nanosecond: Bool = false, byteOrder: ByteOrder = .host, modified: Bool = false) {
    precondition(!(modified && nanosecond), "the modified pcap format has microsecond timestamps")
    self.sink = sink
    self.nanosecond = nanosecond
    self.modified = modified
    self.byteOrder = byteOrder
    self.scratch = ByteWriter(order: byteOrder, capacity: 65_536)
  }

  /// Everything dropped so far by ``write(_:)``, in first-seen order.
  public var warnings: [ConversionWarning] { droppedOrder.map { ConversionWarning(what: $0, count: dropped[$0]!) } }

  mutating func drop(_ what: String, _ n: Int = 1) {
    guard n > 0 else { return }
    if dropped[what] == nil { droppedOrder.append(what) }
    dropped[what, default: 0] += n
  }

  /// Writes the 24-byte file header (version 2.4).
  /// - Parameters:
  ///   - linkType: the link type of every packet.
  ///   - snapLength: the snapshot length (must be non-zero; default 262144).
  ///   - fcsLength: bytes of FCS at the end of each packet, if known (even, ≤ 30): sets the P bit and FCS field.
  public mutating func writeHeader(linkType: LinkType, snapLength: UInt32 = 262_144, fcsLength: Int? = nil) throws(CaptureError) {
    guard linkType == self.linkType || self.linkType == nil else {
      throw CaptureError(.invalidArgument, offset: nil, "pcap header already written")
    }
    scratch.reset(order: byteOrder)
    scratch.u32(modified ? 0xA1B2_CD34 : nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
    scratch.u16(2)
    scratch.u16(4)
    scratch.u32(0)
    scratch.u32(0)
    scratch.u32(snapLength == 0 ? 262_144 : snapLength)
    var word = UInt32(linkType.rawValue)
    if let f = fcsLength, f >= 0, f <= 30, f % 2 == 0 { word |= 0x0400_0000 | UInt32(f / 2) << 28 }
    scratch.u32(word)
    try sink.write(scratch.bytes[...])
    self.linkType = linkType
    self.snapLength = snapLength
  }

  /// Writes one packet record; the timestamp is rounded down to µs or ns.
  /// - Throws: ``CaptureError/Code/invalidArgument`` before the header, or when the timestamp falls outside
  ///   1970…2106 (unsigned 32-bit seconds), or the packet exceeds 2^32-1 bytes.
  public mutating func writePacket(timestamp: CaptureTimestamp, data: ArraySlice<UInt8>, originalLength: Int? = nil) throws(CaptureError) {
    guard linkType != nil else { throw CaptureError(.invalidArgument, offset: nil, "packet before the pcap header") }
    let secs = timestamp.seconds
    guard secs >= 0, secs <= Int128(UInt32.max) else {
      throw CaptureError(.invalidArgument, offset: nil, "timestamp \(timestamp) outside classic pcap's 1970–2106 range")
    }
    guard data.count <= Int(UInt32.max), (originalLength ?? data.count) <= Int(UInt32.max) else {
      throw CaptureError(.invalidArgument, offset: nil, "packet too long for pcap")
    }
    let frac = timestamp.converted(to: nanosecond ? .nanoseconds : .microseconds).fractionUnits
    scratch.reset(order: byteOrder)
    scratch.u32(UInt32(secs))
    scratch.u32(UInt32(frac))
    scratch.u32(UInt32(data.count))
    scratch.u32(UInt32(originalLength ?? data.count))
    if modified { scratch.u64(0) }
    scratch.append(data)
    try sink.write(scratch.bytes[...])
  }

  /// Writes bytes verbatim (an original header or record).
  public mutating func writeRaw(_ bytes: ArraySlice<UInt8>) throws(CaptureError) { try sink.write(bytes) }

  /// Writes a classic pcap header or record read by a ``CaptureReader`` verbatim.
  /// - Throws: ``CaptureError/Code/invalidArgument`` for a pcapng block (use ``write(_:)`` to convert those).
  public mutating func writeRaw(_ block: RawBlock) throws(CaptureError) {
    guard block.type == .pcapFileHeader || block.type == .pcapRecord else {
      throw CaptureError(.invalidArgument, offset: block.fileOffset, "a \(block.type) block cannot be copied into classic pcap verbatim")
    }
    try sink.write(block.bytes)
  }

  /// Writes a record read by a ``CaptureReader``: classic pcap of the same flavour is copied verbatim; pcapng is
  /// converted, with losses recorded in ``warnings``.
  /// - Throws: ``CaptureError/Code/incompatibleContent`` when a packet's link type differs from the first
  ///   packet's (classic pcap holds one link type).
  public mutating func write(_ record: CaptureRecord) throws(CaptureError) {
    switch record {
    case .section(let shb):
      if let ph = shb.pcapHeader, linkType == nil {
        if ph.format == .pcap(nanosecond: nanosecond, byteOrder: byteOrder, modified: modified) {
          try writeRaw(shb.raw)
          linkType = ph.linkType
          snapLength = ph.snapLength
          copyVerbatim = true
        } else {
          try writeHeader(linkType: ph.linkType, snapLength: ph.snapLength, fcsLength: ph.fcsLength)
        }
        return
      }
      if shb.index > 0 { drop("extra sections (merged into one)") }
      interfaceLinks = []
      drop("section comments", shb.comments.count)
      if shb.hardware != nil || shb.os != nil || shb.userApplication != nil { drop("section hardware/OS/application options") }
    case .interface(let idb):
      interfaceLinks.append(idb.linkType)
      if idb.isSynthesized { return }
      if linkType == nil { try writeHeader(linkType: idb.linkType, snapLength: idb.snapLength, fcsLength: nil) }
      if idb.name != nil || idb.interfaceDescription != nil || !idb.comments.isEmpty { drop("interface names/descriptions/comments") }
      if idb.timestampResolution.unitsPerSecond > (nanosecond ? 1_000_000_000 : 1_000_000) {
        drop("interfaces with finer timestamps than the output (rounded down)")
      }
    case .packet(let p):
      if linkType == nil { try writeHeader(linkType: p.linkType, snapLength: 262_144) }
      guard p.linkType == linkType else {
        throw CaptureError(.incompatibleContent, offset: p.fileOffset,
                           "packet at byte \(p.fileOffset) has link type \(p.linkType) but the pcap output is \(linkType!): classic pcap holds one link type")
      }
      if copyVerbatim && p.blockType == .pcapRecord && p.rawRecord.count == p.capturedLength + (modified ? 24 : 16) {
        try writeRaw(p.raw)
        return
      }
      if p.blockType != .pcapRecord {
        drop("packet comments", p.comments.count)
        if p.options.contains(where: { $0.code != .comment }) { drop("packet options (flags, hashes, …)") }
      }
      try writePacket(timestamp: p.timestamp, data: p.data, originalLength: p.originalLength)
    case .statistics: drop("interface statistics blocks")
    case .nameResolution: drop("name resolution blocks")
    case .decryptionSecrets: drop("decryption secrets blocks")
    case .custom: drop("custom blocks")
    case .other(let r): drop("\(r.type) blocks")
    }
  }
}
