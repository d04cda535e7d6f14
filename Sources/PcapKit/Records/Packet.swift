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
  /// The interface ID within its section (0 for classic pcap and SPBs).
  public var interfaceID: Int
  /// The link-layer type of ``data``.
  public var linkType: LinkType
  /// When the packet was captured (interface resolution and offset applied, exactly).
  public var timestamp: CaptureTimestamp
  /// False for Simple Packet Blocks, which carry no timestamp (``timestamp`` is then the epoch and means nothing).
  public var hasTimestamp: Bool
  /// Bytes captured (``data``'s count).
  public var capturedLength: Int
  /// Length of the packet on the wire.
  public var originalLength: Int
  /// The captured bytes (a view into the reader's buffer).
  public var data: ArraySlice<UInt8>
  /// The whole original record or block (a view), for verbatim copies.
  public var rawRecord: ArraySlice<UInt8>
  /// Absolute offset of the record in the (decompressed) input.
  public var fileOffset: Int
  /// ``BlockType/enhancedPacket``, ``BlockType/simplePacket``, ``BlockType/packet`` or ``BlockType/pcapRecord``.
  public var blockType: BlockType
  /// The byte order of the record's section or file.
  public var byteOrder: ByteOrder
  /// Zero-based section index (always 0 for classic pcap).
  public var sectionIndex: Int
  /// The block's options (empty for classic pcap and SPBs).
  public var options: OptionList
  /// True when the captured length exceeds the file's or interface's snap length (the data is kept whole).
  public var exceedsSnapLength: Bool
  /// Drop count carried in the obsolete Packet Block's header (nil for other records).
  public var legacyDropCount: UInt16?

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
