// Integer loads from the reader's buffer: the only `unsafe` in the reading path. Each load is one bounds-checked
// unaligned load from a `RawSpan` of `buf` (the span checks that the whole integer lies inside the buffer; the
// `unsafe` marks only that any bit pattern is a valid integer), instead of one bounds check and shift per byte.

extension CaptureReader {
  @inline(__always) func u16(_ i: Int, _ o: ByteOrder) -> UInt16 {
    let v = unsafe buf.span.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt16.self)
    return o == .little ? UInt16(littleEndian: v) : UInt16(bigEndian: v)
  }

  @inline(__always) func u32(_ i: Int, _ o: ByteOrder) -> UInt32 {
    let v = unsafe buf.span.bytes.unsafeLoadUnaligned(fromByteOffset: i, as: UInt32.self)
    return o == .little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
  }

  @inline(__always) func u64(_ i: Int, _ o: ByteOrder) -> UInt64 {
    let a = UInt64(u32(i, o)), c = UInt64(u32(i + 4, o))
    return o == .little ? (c << 32 | a) : (a << 32 | c)
  }
}
