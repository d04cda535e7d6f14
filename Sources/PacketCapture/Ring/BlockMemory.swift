/// Read access to the bytes of one TPACKET_V3 ring block, as the block walker needs it.
///
/// Two conformances: ``ByteBlock`` over a Swift array (tests, the fuzz target, anything built from plain bytes),
/// and `MappedBlock` over the live mmap'd ring. Every access is bounds-checked by the walker *before* it is made
/// (``count`` is the block size), so neither conformance is asked for a byte outside the block.
package protocol BlockMemory {
  /// The block's size in bytes.
  var count: Int { get }
  /// The native-endian 32-bit value at `offset` (`offset + 4 <= count`).
  func load32(_ offset: Int) -> UInt32
  /// The native-endian 16-bit value at `offset` (`offset + 2 <= count`).
  func load16(_ offset: Int) -> UInt16
  /// The byte at `offset` (`offset < count`).
  func load8(_ offset: Int) -> UInt8
  /// Copies `count` bytes from `offset` (`offset + count <= self.count`) over `buffer[index..<index + count]`
  /// (`index + count <= buffer.count`).
  func copy(from offset: Int, count: Int, into buffer: inout [UInt8], at index: Int)
}

/// A block held in a Swift array: the walker run on plain bytes.
package struct ByteBlock: BlockMemory {
  package let bytes: ArraySlice<UInt8>
  package init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
  package var count: Int { bytes.count }
  package func load8(_ offset: Int) -> UInt8 { bytes[bytes.startIndex + offset] }
  package func load16(_ offset: Int) -> UInt16 {
    let i = bytes.startIndex + offset
    let v = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
    return ByteOrderProbe.littleHost ? v : v.byteSwapped
  }
  package func load32(_ offset: Int) -> UInt32 {
    let i = bytes.startIndex + offset
    let v = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    return ByteOrderProbe.littleHost ? v : v.byteSwapped
  }
  package func copy(from offset: Int, count: Int, into buffer: inout [UInt8], at index: Int) {
    let i = bytes.startIndex + offset
    buffer[index..<(index + count)] = bytes[i..<(i + count)]
  }
}

package enum ByteOrderProbe {
  package static let littleHost = UInt16(1).littleEndian == 1
}
