// zlib calls for writing gzip: the z_stream lives at a fixed heap address for the deflater's whole life (zlib's
// state points back at it); buffer pointers are set right before each `deflate` call and cleared after it.
internal import CZlib

/// Compresses a stream into one gzip member whose header carries no file name, comment or time (zlib's default
/// header: MTIME 0, OS 3), so a re-compressed capture says nothing about where it came from.
@safe final class GzipDeflater {
  private let stream: UnsafeMutablePointer<z_stream>
  private var finished = false

  /// Starts a member at compression level 6 (gzip's default).
  init?() {
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    // 15 + 16: a gzip wrapper; memLevel 8; default strategy.
    let status = unsafe deflateInit2_(
      stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else {
      unsafe stream.deinitialize(count: 1)
      unsafe stream.deallocate()
      return nil
    }
  }

  /// Compresses `input` (and, with `finish`, ends the member); returns the compressed bytes produced.
  func compress(_ input: ArraySlice<UInt8>, finish: Bool) -> [UInt8]? {
    guard !finished else { return input.isEmpty ? [] : nil }
    var pending = Array(input)
    var result: [UInt8] = []
    var out = [UInt8](repeating: 0, count: 64 << 10)
    let stream = unsafe self.stream
    while true {
      let before = pending.count
      let (status, produced, left) = unsafe pending.withUnsafeMutableBufferPointer { inBuf in
        unsafe out.withUnsafeMutableBufferPointer { outBuf in
          unsafe stream.pointee.next_in = inBuf.baseAddress
          unsafe stream.pointee.avail_in = UInt32(inBuf.count)
          unsafe stream.pointee.next_out = outBuf.baseAddress
          unsafe stream.pointee.avail_out = UInt32(outBuf.count)
          let status = unsafe deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
          let result = unsafe (status, outBuf.count - Int(stream.pointee.avail_out), Int(stream.pointee.avail_in))
          unsafe stream.pointee.next_in = nil
          unsafe stream.pointee.next_out = nil
          return result
        }
      }
      result += out[0..<produced]
      pending.removeFirst(before - left)
      if status == Z_STREAM_END {
        finished = true
        return result
      }
      guard status == Z_OK || status == Z_BUF_ERROR else { return nil }
      // Without finish: done once all input is taken and the output buffer was not filled.
      if !finish && pending.isEmpty && produced < out.count { return result }
      if produced == 0 && left == before && status == Z_BUF_ERROR { return nil }
    }
  }

  deinit {
    unsafe _ = deflateEnd(stream)
    unsafe stream.deinitialize(count: 1)
    unsafe stream.deallocate()
  }
}
