/// The original bytes of one record of a capture: a whole pcapng block (type, length, body, trailing length) or,
/// for classic pcap, the file header or one packet record (header and data).
///
/// Writers copy these verbatim (``PcapNGWriter/writeRaw(_:)``) so that a rewrite is byte-identical, unknown
/// blocks and options included. The bytes are a view into the reader's buffer (see ``Packet/data``).
public struct RawBlock: Sendable {
  /// The block type (``BlockType/pcapFileHeader`` / ``BlockType/pcapRecord`` for classic pcap).
  public var type: BlockType
  /// Every byte of the block, as read.
  public var bytes: ArraySlice<UInt8>
  /// The byte order of the block's section (or pcap file).
  public var byteOrder: ByteOrder
  /// Absolute offset of the block's first byte in the (decompressed) input.
  public var fileOffset: Int

  /// Wraps original bytes.
  public init(type: BlockType, bytes: ArraySlice<UInt8>, byteOrder: ByteOrder, fileOffset: Int) {
    self.type = type
    self.bytes = bytes
    self.byteOrder = byteOrder
    self.fileOffset = fileOffset
  }

  /// For a pcapng block: the body between the leading length and the trailing length. Empty otherwise.
  public var body: ArraySlice<UInt8> {
    guard type != .pcapFileHeader, type != .pcapRecord, bytes.count >= 12 else { return [] }
    return bytes[(bytes.startIndex + 8)..<(bytes.endIndex - 4)]
  }
}
