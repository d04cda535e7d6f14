internal import CBenchZlib

/// gzip compression through zlib (for gzip-compressed benchmark inputs).
public enum Gzip {
  /// `bytes` as a gzip member (zlib `deflate`, level 6, window bits 15 + 16).
  public static func compress(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { fatalError("deflateInit2 failed") }
    defer { deflateEnd(&stream) }
    var input = bytes
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    let produced: Int = input.withUnsafeMutableBufferPointer { inp in
      out.withUnsafeMutableBufferPointer { o in
        stream.next_in = inp.baseAddress
        stream.avail_in = UInt32(inp.count)
        stream.next_out = o.baseAddress
        stream.avail_out = UInt32(o.count)
        let rc = deflate(&stream, Z_FINISH)
        precondition(rc == Z_STREAM_END, "deflate: \(rc)")
        return o.count - Int(stream.avail_out)
      }
    }
    return Array(out[..<produced])
  }
}
