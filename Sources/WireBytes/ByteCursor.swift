/// Byte order of a multi-byte integer on the wire.
package enum Endianness: Sendable, Hashable {
  /// Most significant byte first (network order; BACnet, big-endian pcap).
  case big
  /// Least significant byte first.
  case little
}

/// The cursor ran out of bytes: a read needed `needed` bytes at absolute `offset` but only `available` remained.
package struct Shortfall: Error, Hashable, Sendable {
  /// Absolute offset (in the original input) where the read began.
  package var offset: Int
  /// Bytes the read needed.
  package var needed: Int
  /// Bytes that were left.
  package var available: Int

  package init(offset: Int, needed: Int, available: Int) {
    self.offset = offset
    self.needed = needed
    self.available = available
  }
}

/// A forward-only, bounds-checked reader over a byte slice.
///
/// Every read checks the remaining length first and throws ``Shortfall`` instead of trapping; a failed read
/// leaves the cursor where it was. Offsets reported are absolute: `baseOffset` is the offset of the slice's
/// first byte in whatever larger input it was cut from (a file, a frame), so errors deep inside a decode still
/// point at the right byte of the original input.
///
/// The cursor holds an `ArraySlice`, which shares storage with the buffer it came from: sub-slices handed out
/// by ``readBytes(_:)`` are views, not copies.
package struct ByteCursor: Sendable {
  /// The bytes being read; indices are those of the parent collection.
  package let bytes: ArraySlice<UInt8>
  /// Index (into ``bytes``) of the next byte to read.
  package private(set) var index: Int
  /// Absolute offset of `bytes.startIndex` in the original input.
  package let baseOffset: Int

  /// Creates a cursor at the start of `bytes`.
  /// - Parameters:
  ///   - bytes: the input; it is not copied.
  ///   - baseOffset: absolute offset of `bytes.first` in the original input, for error reports.
  package init(_ bytes: ArraySlice<UInt8>, baseOffset: Int = 0) {
    self.bytes = bytes
    self.index = bytes.startIndex
    self.baseOffset = baseOffset
  }

  /// Creates a cursor over a whole array.
  package init(_ bytes: [UInt8], baseOffset: Int = 0) {
    self.init(bytes[...], baseOffset: baseOffset)
  }

  /// Absolute offset of the next byte to read.
  package var offset: Int { baseOffset + (index - bytes.startIndex) }

  /// Bytes left to read.
  package var remaining: Int { bytes.endIndex - index }

  /// True when every byte has been read.
  package var isAtEnd: Bool { index >= bytes.endIndex }

  /// The unread bytes, as a view.
  package var rest: ArraySlice<UInt8> { bytes[index..<bytes.endIndex] }

  @inline(__always)
  package func require(_ count: Int) throws(Shortfall) {
    guard count >= 0, count <= remaining else {
      throw Shortfall(offset: offset, needed: count, available: remaining)
    }
  }

  /// The next byte, without consuming it; nil at the end.
  package func peekUInt8() -> UInt8? {
    index < bytes.endIndex ? bytes[index] : nil
  }

  /// Reads one byte.
  package mutating func readUInt8() throws(Shortfall) -> UInt8 {
    try require(1)
    defer { index += 1 }
    return bytes[index]
  }

  /// Reads an unsigned 16-bit integer.
  package mutating func readUInt16(_ order: Endianness = .big) throws(Shortfall) -> UInt16 {
    try require(2)
    let b0 = UInt16(bytes[index]), b1 = UInt16(bytes[index + 1])
    index += 2
    return order == .big ? (b0 << 8 | b1) : (b1 << 8 | b0)
  }

  /// Reads an unsigned 24-bit integer (BACnet uses these).
  package mutating func readUInt24(_ order: Endianness = .big) throws(Shortfall) -> UInt32 {
    try require(3)
    let b0 = UInt32(bytes[index]), b1 = UInt32(bytes[index + 1]), b2 = UInt32(bytes[index + 2])
    index += 3
    return order == .big ? (b0 << 16 | b1 << 8 | b2) : (b2 << 16 | b1 << 8 | b0)
  }

  /// Reads an unsigned 32-bit integer.
  package mutating func readUInt32(_ order: Endianness = .big) throws(Shortfall) -> UInt32 {
    try require(4)
    let v = ByteCursor.loadUInt32(bytes, at: index, order)
    index += 4
    return v
  }

  /// Reads an unsigned 64-bit integer.
  package mutating func readUInt64(_ order: Endianness = .big) throws(Shortfall) -> UInt64 {
    try require(8)
    let a = UInt64(ByteCursor.loadUInt32(bytes, at: index, order))
    let b = UInt64(ByteCursor.loadUInt32(bytes, at: index + 4, order))
    index += 8
    return order == .big ? (a << 32 | b) : (b << 32 | a)
  }

  /// Reads `count` bytes as a view into the input (no copy).
  package mutating func readBytes(_ count: Int) throws(Shortfall) -> ArraySlice<UInt8> {
    try require(count)
    defer { index += count }
    return bytes[index..<(index + count)]
  }

  /// Skips `count` bytes.
  package mutating func skip(_ count: Int) throws(Shortfall) {
    try require(count)
    index += count
  }

  /// Splits off the next `count` bytes as a cursor of their own (with the right absolute offset) and moves past them.
  package mutating func subCursor(_ count: Int) throws(Shortfall) -> ByteCursor {
    let start = offset
    let slice = try readBytes(count)
    return ByteCursor(slice, baseOffset: start)
  }

  /// Big- or little-endian load of 4 bytes at `i`; the caller has checked the bounds.
  @inline(__always)
  package static func loadUInt32(_ b: ArraySlice<UInt8>, at i: Int, _ order: Endianness) -> UInt32 {
    let b0 = UInt32(b[i]), b1 = UInt32(b[i + 1]), b2 = UInt32(b[i + 2]), b3 = UInt32(b[i + 3])
    return order == .big ? (b0 << 24 | b1 << 16 | b2 << 8 | b3) : (b3 << 24 | b2 << 16 | b1 << 8 | b0)
  }
}
