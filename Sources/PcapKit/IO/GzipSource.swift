// Gzip decompression as a ByteSource: buffering and member handling in safe Swift; the zlib stream itself is a
// ``ZlibStream`` (Internals/Zlib.swift).
import _CaptureInternals

/// A ``ByteSource`` that inflates gzip (or zlib) data read from another source, member after member, with
/// bounded memory (a 256 KiB input buffer plus zlib's 32 KiB window).
///
/// ``CaptureReader`` wraps its source in one automatically when the input starts with the gzip magic `1F 8B`.
public final class GzipSource: ByteSource {
  var inner: any ByteSource
  var input: [UInt8]
  var inStart = 0
  var inEnd = 0
  var innerAtEnd = false
  var streamEnded = false
  var finished = false
  let stream: ZlibStream
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
    stream = ZlibStream(.inflateGzipOrZlib)
    if !stream.isReady {
      throw CaptureError(.badCompressedData, offset: nil, "zlib initialisation failed (\(stream.initCode))")
    }
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
        stream.reset()
        streamEnded = false
      }
      let step = stream.step(
        input: &input, from: inStart, count: inEnd - inStart, output: &buffer, at: index, count: count)
      let consumed = step.consumed
      let produced = step.produced
      inStart += consumed
      compressedOffset += consumed
      switch step.status {
      case .streamEnd:
        streamEnded = true
        if produced > 0 { return produced }
      case .ok:
        if produced > 0 { return produced }
      case .bufferError:
        if produced > 0 { return produced }
        if innerAtEnd && inStart == inEnd { finished = true; return 0 }  // stream cut short
      case .failed(let rc):
        let text = stream.message ?? "error \(rc)"
        throw CaptureError(.badCompressedData, offset: nil,
                           "gzip data corrupt near compressed byte \(compressedOffset): \(text)")
      }
      if inStart == inEnd && innerAtEnd && !streamEnded { finished = true; return 0 }
    }
  }
}
