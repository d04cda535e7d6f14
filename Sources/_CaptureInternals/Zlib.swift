// The only file that drives zlib. zlib's state points back at its z_stream, so each z_stream lives at a fixed heap
// address for its owner's whole life; buffer pointers are set right before each inflate/deflate call, to Swift
// arrays whose bounds were checked for that call, and cleared after it. PcapKit's GzipSource and CaptureArchive's
// gzip helpers use ``ZlibStream`` and stay safe Swift.
internal import CZlib

/// One zlib stream (inflate or deflate) with a safe, array-based step function.
@safe package final class ZlibStream {
  /// Which direction and which wrapper the stream handles.
  package enum Mode {
    /// Inflate gzip or zlib data (automatic header detection).
    case inflateGzipOrZlib
    /// Inflate gzip data only (not zlib, not raw deflate).
    case inflateGzip
    /// Deflate into one gzip member, level 6, memLevel 8, default strategy, zlib's default header.
    case deflateGzip
  }

  /// Whether a deflate step should end the stream.
  package enum Flush {
    case none
    case finish
  }

  /// Outcome of one ``step(input:from:count:output:at:count:flush:)``.
  package struct Step {
    package enum Status: Equatable {
      case ok
      case streamEnd
      case bufferError
      /// Any other zlib return code (corrupt data, bad state, …).
      case failed(Int32)
    }
    package var status: Status
    /// Input bytes zlib took.
    package var consumed: Int
    /// Output bytes zlib wrote.
    package var produced: Int
  }

  private let stream: UnsafeMutablePointer<z_stream>
  private let deflating: Bool
  /// zlib's return code from initialisation (0 when the stream is usable).
  package let initCode: Int32
  /// True when initialisation succeeded; a stream that is not ready must not be stepped.
  package var isReady: Bool { initCode == Z_OK }

  package init(_ mode: Mode) {
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    let size = unsafe Int32(MemoryLayout<z_stream>.size)
    switch mode {
    case .inflateGzipOrZlib:
      deflating = false
      initCode = unsafe inflateInit2_(stream, 15 + 32, ZLIB_VERSION, size)
    case .inflateGzip:
      deflating = false
      initCode = unsafe inflateInit2_(stream, 15 + 16, ZLIB_VERSION, size)
    case .deflateGzip:
      deflating = true
      initCode = unsafe deflateInit2_(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, size)
    }
  }

  deinit {
    if isReady {
      if deflating { unsafe _ = deflateEnd(stream) } else { unsafe _ = inflateEnd(stream) }
    }
    unsafe stream.deinitialize(count: 1)
    unsafe stream.deallocate()
  }

  /// zlib's message for the last error, if any.
  package var message: String? { unsafe stream.pointee.msg.map { unsafe String(cString: $0) } }

  /// `inflateReset`: starts the next member of a concatenated gzip stream.
  package func reset() {
    precondition(isReady && !deflating)
    unsafe _ = inflateReset(stream)
  }

  /// Runs one inflate (or deflate) call over `input[start..<start+inCount]` into
  /// `output[index..<index+outCount]` (each count clamped to `UInt32.max`).
  package func step(
    input: inout [UInt8], from start: Int, count inCount: Int,
    output: inout [UInt8], at index: Int, count outCount: Int, flush: Flush = .none
  ) -> Step {
    precondition(isReady)
    precondition(start >= 0 && inCount >= 0 && start + inCount <= input.count)
    precondition(index >= 0 && outCount >= 0 && index + outCount <= output.count)
    let availIn = min(inCount, Int(UInt32.max))
    let availOut = min(outCount, Int(UInt32.max))
    let stream = unsafe self.stream
    let deflating = self.deflating
    let (rc, left, room): (Int32, Int, Int) = unsafe input.withUnsafeMutableBytes { inRaw in
      unsafe output.withUnsafeMutableBytes { outRaw in
        unsafe stream.pointee.next_in = inRaw.baseAddress.map {
          unsafe $0.assumingMemoryBound(to: Bytef.self) + start
        }
        unsafe stream.pointee.avail_in = UInt32(availIn)
        unsafe stream.pointee.next_out = outRaw.baseAddress.map {
          unsafe $0.assumingMemoryBound(to: Bytef.self) + index
        }
        unsafe stream.pointee.avail_out = UInt32(availOut)
        let rc =
          deflating
          ? unsafe deflate(stream, flush == .finish ? Z_FINISH : Z_NO_FLUSH)
          : unsafe inflate(stream, Z_NO_FLUSH)
        let result = unsafe (rc, Int(stream.pointee.avail_in), Int(stream.pointee.avail_out))
        unsafe stream.pointee.next_in = nil
        unsafe stream.pointee.next_out = nil
        return result
      }
    }
    let status: Step.Status
    switch rc {
    case Z_OK: status = .ok
    case Z_STREAM_END: status = .streamEnd
    case Z_BUF_ERROR: status = .bufferError
    default: status = .failed(rc)
    }
    return Step(status: status, consumed: availIn - left, produced: availOut - room)
  }
}
