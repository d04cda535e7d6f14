// zlib calls of the archive engine: inflating the first bytes of a gzip member (format sniffing) and writing
// gzip (--scrub-metadata). zlib's state points back at its z_stream, so each z_stream lives at a fixed heap
// address for its owner's whole life; buffer pointers are set right before each inflate/deflate call, to buffers
// valid for that call, and cleared after it.
internal import CZlib

/// Inflates the beginning of a gzip member until `wanted` bytes came out, the member ended, or it is broken.
/// Memory is bounded: output stops growing once `wanted` bytes (plus at most one 512-byte step) are there.
@safe struct GzipPrefixInflater: ~Copyable {
  enum State: Equatable {
    /// More input is needed to produce the wanted bytes.
    case needInput
    /// Enough output (or the whole member) was produced.
    case done
    /// zlib reported corrupt data or could not start.
    case failed
  }

  private let stream: UnsafeMutablePointer<z_stream>
  private let initialised: Bool
  private(set) var state: State
  private(set) var output: [UInt8] = []
  let wanted: Int

  init(wanted: Int) {
    self.wanted = wanted
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    // 15 + 16: a gzip wrapper only (not zlib, not raw deflate).
    let status = unsafe inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    initialised = status == Z_OK
    state = initialised ? .needInput : .failed
  }

  /// Feeds compressed bytes; returns the new state.
  mutating func feed(_ input: ArraySlice<UInt8>) -> State {
    var pending = Array(input)
    var out = [UInt8](repeating: 0, count: 512)
    while state == .needInput && !pending.isEmpty {
      let before = pending.count
      let stream = unsafe self.stream
      let (status, produced, left) = unsafe pending.withUnsafeMutableBufferPointer { inBuf in
        unsafe out.withUnsafeMutableBufferPointer { outBuf in
          unsafe stream.pointee.next_in = inBuf.baseAddress
          unsafe stream.pointee.avail_in = UInt32(inBuf.count)
          unsafe stream.pointee.next_out = outBuf.baseAddress
          unsafe stream.pointee.avail_out = UInt32(outBuf.count)
          let status = unsafe inflate(stream, Z_NO_FLUSH)
          let result = unsafe (status, outBuf.count - Int(stream.pointee.avail_out), Int(stream.pointee.avail_in))
          unsafe stream.pointee.next_in = nil
          unsafe stream.pointee.next_out = nil
          return result
        }
      }
      output += out[0..<produced]
      pending.removeFirst(before - left)
      if output.count >= wanted || status == Z_STREAM_END {
        state = .done
      } else if status != Z_OK && status != Z_BUF_ERROR {
        state = .failed
      } else if produced == 0 && left == before {
        state = .failed  // no progress with input and output room: never loop
      }
    }
    return state
  }

  deinit {
    if initialised { unsafe _ = inflateEnd(stream) }
    unsafe stream.deinitialize(count: 1)
    unsafe stream.deallocate()
  }
}

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
