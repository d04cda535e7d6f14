// zlib's z_stream keeps a pointer back to itself and pointers into our buffers, so this file holds the
// `unsafe` needed to drive it: the stream lives in one allocation owned by the source, and buffer pointers are
// handed to zlib only for the duration of one `inflate` call.
internal import CZlib

/// A ``ByteSource`` that inflates gzip (or zlib) data read from another source, member after member, with
/// bounded memory (a 256 KiB input buffer plus zlib's 32 KiB window).
///
/// ``CaptureReader`` wraps its source in one automatically when the input starts with the gzip magic `1F 8B`.
@safe public final class GzipSource: ByteSource {
  var inner: any ByteSource
  var input: [UInt8]
  var inStart = 0
  var inEnd = 0
  var innerAtEnd = false
  var streamEnded = false
  var finished = false
  let stream: UnsafeMutablePointer<z_stream>
  /// Compressed bytes consumed so far (for messages).
  public private(set) var compressedOffset = 0

  /// Inflates what `inner` yields, after first inflating `prefix` (bytes already read from `inner`, e.g. while
  /// detecting the format).
  /// - Throws: ``CaptureError/Code/badCompressedData`` if zlib cannot be initialised.
  public init(wrapping inner: any ByteSource, prefix: [UInt8] = []) throws(CaptureError) {
    self.inner = inner
    self.input = [UInt8](repeating: 0, count: max(256 << 10, prefix.count))
    input.replaceSubrange(0..<prefix.count, with: prefix)
    inEnd = prefix.count
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    let rc = unsafe inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    if rc != Z_OK {
      unsafe stream.deallocate()
      throw CaptureError(.badCompressedData, offset: nil, "zlib initialisation failed (\(rc))")
    }
  }

  deinit {
    unsafe _ = inflateEnd(stream)
    unsafe stream.deallocate()
  }

  func refillInput() throws(CaptureError) {
    if inStart == inEnd {
      inStart = 0
      inEnd = 0
    }
    guard !innerAtEnd, inEnd < input.count else { return }
    let n = try inner.read(into: &input, at: inEnd, count: input.count - inEnd)
    if n == 0 { innerAtEnd = true } else { inEnd += n }
  }

  /// Inflates up to `count` bytes into `buffer[index...]`; 0 at the end of the last gzip member. A stream cut
  /// short ends like a short file (the reader then reports where the capture was truncated).
  public func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    precondition(index >= 0 && count >= 0 && index + count <= buffer.count)
    if finished || count == 0 { return 0 }
    while true {
      if inStart == inEnd { try refillInput() }
      if streamEnded {
        // Another gzip member may follow (concatenated .gz); trailing zero bytes are ignored like gzip does.
        while inStart < inEnd && input[inStart] == 0 { inStart += 1 }
        if inStart == inEnd {
          if innerAtEnd { finished = true; return 0 }
          continue
        }
        unsafe _ = inflateReset(stream)
        streamEnded = false
      }
      let availIn = inEnd - inStart
      var produced = 0
      var consumed = 0
      let rc: Int32 = unsafe input.withUnsafeMutableBytes { inRaw in
        unsafe buffer.withUnsafeMutableBytes { outRaw in
          unsafe stream.pointee.next_in = inRaw.baseAddress!.assumingMemoryBound(to: Bytef.self) + inStart
          unsafe stream.pointee.avail_in = UInt32(availIn)
          unsafe stream.pointee.next_out = outRaw.baseAddress!.assumingMemoryBound(to: Bytef.self) + index
          unsafe stream.pointee.avail_out = UInt32(min(count, Int(UInt32.max)))
          let rc = unsafe inflate(stream, Z_NO_FLUSH)
          consumed = availIn - Int(unsafe stream.pointee.avail_in)
          produced = min(count, Int(UInt32.max)) - Int(unsafe stream.pointee.avail_out)
          unsafe stream.pointee.next_in = nil
          unsafe stream.pointee.next_out = nil
          return rc
        }
      }
      inStart += consumed
      compressedOffset += consumed
      switch rc {
      case Z_STREAM_END:
        streamEnded = true
        if produced > 0 { return produced }
      case Z_OK:
        if produced > 0 { return produced }
      case Z_BUF_ERROR:
        if produced > 0 { return produced }
        if innerAtEnd && inStart == inEnd { finished = true; return 0 }  // stream cut short
      default:
        let text = unsafe stream.pointee.msg.map { unsafe String(cString: $0) } ?? "error \(rc)"
        throw CaptureError(.badCompressedData, offset: nil,
                           "gzip data corrupt near compressed byte \(compressedOffset): \(text)")
      }
      if inStart == inEnd && innerAtEnd && !streamEnded { finished = true; return 0 }
    }
  }
}
