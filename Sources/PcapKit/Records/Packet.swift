/// One captured packet: a classic pcap record, or a pcapng Enhanced, Simple or (obsolete) Packet Block.
///
/// A *view*: ``data`` and ``rawRecord`` are slices of the reader's buffer, so producing a packet allocates
/// nothing. They stay valid for as long as you keep them, because an `ArraySlice` keeps its storage alive: if
/// the reader later refills its buffer while you still hold a packet, the reader's buffer is copied on write and
/// your slice keeps the old bytes. (Holding packets across calls therefore costs a buffer copy per refill; copy
/// `Array(packet.data)` if you keep many.)
///
/// EPB options (§4.3.1) are decoded on demand from ``options``.
public struct Packet: Sendable {
  // Stored compactly (the packet is returned by value once per record): the captured bytes and the options are
  // ranges of `rawRecord`, recorded as offsets from its start.
  /// The whole original record or block (a view), for verbatim copies.
  public var rawRecord: ArraySlice<UInt8>
  /// When the packet was captured (interface resolution and offset applied, exactly).
  public var timestamp: CaptureTimestamp
  /// The interface ID within its section (0 for classic pcap and SPBs).
  public var interfaceID: Int
  /// Length of the packet on the wire.
  public var originalLength: Int
  /// Absolute offset of the record in the (decompressed) input.
  public var fileOffset: Int
  /// Zero-based section index (always 0 for classic pcap).
  public var sectionIndex: Int
  let dataOffset: UInt32
  let captured: UInt32
  let optionsOffset: UInt32
  let optionsEnd: UInt32
  /// ``BlockType/enhancedPacket``, ``BlockType/simplePacket``, ``BlockType/packet`` or ``BlockType/pcapRecord``.
  public var blockType: BlockType
  /// The link-layer type of ``data``.
  public var linkType: LinkType
  /// Drop count carried in the obsolete Packet Block's header (nil for other records).
  public var legacyDropCount: UInt16?
  /// The byte order of the record's section or file.
  public var byteOrder: ByteOrder
  /// False for Simple Packet Blocks, which carry no timestamp (``timestamp`` is then the epoch and means nothing).
  public var hasTimestamp: Bool
  /// True when the captured length exceeds the file's or interface's snap length (the data is kept whole).
  public var exceedsSnapLength: Bool

  /// Creates a packet view; `dataStart` and `optionsStart`/`optionsEnd` are indices into `rawRecord`.
  init(rawRecord: ArraySlice<UInt8>, dataStart: Int, capturedLength: Int, optionsStart: Int, optionsEnd: Int,
       interfaceID: Int, linkType: LinkType, timestamp: CaptureTimestamp, hasTimestamp: Bool, originalLength: Int,
       fileOffset: Int, blockType: BlockType, byteOrder: ByteOrder, sectionIndex: Int, exceedsSnapLength: Bool,
       legacyDropCount: UInt16?) {
    let base = rawRecord.startIndex
    self.rawRecord = rawRecord
    self.dataOffset = UInt32(truncatingIfNeeded: dataStart - base)
    self.captured = UInt32(truncatingIfNeeded: capturedLength)
    self.optionsOffset = UInt32(truncatingIfNeeded: optionsStart - base)
    self.optionsEnd = UInt32(truncatingIfNeeded: optionsEnd - base)
    self.interfaceID = interfaceID
    self.linkType = linkType
    self.timestamp = timestamp
    self.hasTimestamp = hasTimestamp
    self.originalLength = originalLength
    self.fileOffset = fileOffset
    self.blockType = blockType
    self.byteOrder = byteOrder
    self.sectionIndex = sectionIndex
    self.exceedsSnapLength = exceedsSnapLength
    self.legacyDropCount = legacyDropCount
  }

  /// A packet built in memory (for tests, generators, live capture), not read from a file: ``rawRecord`` is then
  /// the data itself, ``blockType`` is ``BlockType/enhancedPacket`` and there are no options.
  /// - Parameters:
  ///   - data: the captured bytes.
  ///   - timestamp: when it was captured.
  ///   - linkType: the link-layer type of `data`.
  ///   - interfaceID: the interface (default 0).
  ///   - originalLength: the length on the wire (default: `data.count`).
  public init(data: ArraySlice<UInt8>, timestamp: CaptureTimestamp, linkType: LinkType, interfaceID: Int = 0,
              originalLength: Int? = nil) {
    self.init(rawRecord: data, dataStart: data.startIndex, capturedLength: data.count, optionsStart: data.endIndex,
              optionsEnd: data.endIndex, interfaceID: interfaceID, linkType: linkType, timestamp: timestamp,
              hasTimestamp: true, originalLength: originalLength ?? data.count, fileOffset: 0,
              blockType: .enhancedPacket, byteOrder: .host, sectionIndex: 0, exceedsSnapLength: false,
              legacyDropCount: nil)
  }

  /// Bytes captured (``data``'s count).
  public var capturedLength: Int { Int(captured) }

  /// The captured bytes: a view into the reader's buffer (a slice of ``rawRecord``, same indices).
  public var data: ArraySlice<UInt8> {
    let s = rawRecord.startIndex + Int(dataOffset)
    return rawRecord[s..<(s + Int(captured))]
  }

  /// The block's options (empty for classic pcap and SPBs).
  public var options: OptionList {
    let b = rawRecord.startIndex
    return OptionList(bytes: rawRecord[(b + Int(optionsOffset))..<(b + Int(optionsEnd))], byteOrder: byteOrder,
                      baseOffset: fileOffset + Int(optionsOffset))
  }

  /// True when the captured length exceeds the original length (kept as found; readers may repair it).
  public var capturedExceedsOriginal: Bool { capturedLength > originalLength }

  /// The original block, as a ``RawBlock``.
  public var raw: RawBlock { RawBlock(type: blockType, bytes: rawRecord, byteOrder: byteOrder, fileOffset: fileOffset) }

  /// `epb_flags` (or `pack_flags`).
  public var flags: PacketFlags? {
    guard blockType == .enhancedPacket || blockType == .packet,
      let v = options.integer(.epbFlags), options.first(.epbFlags)?.value.count == 4
    else { return nil }
    return PacketFlags(rawValue: UInt32(v))
  }
  /// `opt_comment`s.
  public var comments: [String] { options.comments }
  /// `epb_hash` values: algorithm byte (0 two's complement, 1 XOR, 2 CRC32, 3 MD5, 4 SHA-1, 5 Toeplitz) and digest.
  public var hashes: [(algorithm: UInt8, digest: ArraySlice<UInt8>)] {
    options.all(.epbHash).compactMap { o in o.value.first.map { ($0, o.value.dropFirst()) } }
  }
  /// `epb_dropcount` (or the Packet Block's 16-bit drops count).
  public var dropCount: UInt64? {
    if blockType == .packet { return legacyDropCount.map(UInt64.init) }
    guard options.first(.epbDropCount)?.value.count == 8 else { return nil }
    return options.integer(.epbDropCount)
  }
  /// `epb_packetid`.
  public var packetID: UInt64? {
    guard blockType == .enhancedPacket, options.first(.epbPacketID)?.value.count == 8 else { return nil }
    return options.integer(.epbPacketID)
  }
  /// `epb_queue`.
  public var queue: UInt32? {
    guard blockType == .enhancedPacket, options.first(.epbQueue)?.value.count == 4 else { return nil }
    return options.integer(.epbQueue).map { UInt32($0) }
  }
  /// `epb_verdict` values: type byte (0 hardware, 1 Linux eBPF TC, 2 Linux eBPF XDP) and data.
  public var verdicts: [(type: UInt8, data: ArraySlice<UInt8>)] {
    guard blockType == .enhancedPacket else { return [] }
    return options.all(.epbVerdict).compactMap { o in o.value.first.map { ($0, o.value.dropFirst()) } }
  }
  /// `epb_processid_threadid`: process and thread IDs.
  public var processAndThreadID: (processID: UInt32, threadID: UInt32)? {
    guard blockType == .enhancedPacket, let v = options.first(.epbProcessIDThreadID)?.value, v.count == 8 else { return nil }
    return (load32(v, v.startIndex, byteOrder), load32(v, v.startIndex + 4, byteOrder))
  }
}
