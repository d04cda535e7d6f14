import PcapKit

/// One streaming decompressor (a zstd or lz4 frame decoder): consumes compressed bytes, produces plain ones.
protocol DecompressionCodec: AnyObject {
  /// The format's name, for messages.
  static var name: String { get }
  /// Decompresses from `input[inputStart..<inputEnd]` into `output[outputStart..<outputStart + outputCount]`.
  /// - Returns: bytes consumed and produced, and whether a frame ended.
  func step(input: [UInt8], _ inputStart: Int, _ inputEnd: Int, output: inout [UInt8], _ outputStart: Int,
            _ outputCount: Int) throws(CaptureError) -> (consumed: Int, produced: Int, frameEnded: Bool)
}

/// A ``ByteSource`` that decompresses another source frame after frame (concatenated frames read as one stream),
/// with bounded memory: a 256 KiB input buffer plus the codec's own window.
final class DecompressingSource<Codec: DecompressionCodec>: ByteSource {
  var inner: any ByteSource
  let codec: Codec
  var input: [UInt8]
  var inStart = 0
  var inEnd = 0
  var innerAtEnd = false
  /// True between frames (nothing of a frame pending): the end of the input there is a clean end.
  var atFrameBoundary = true
  var compressedOffset = 0

  init(codec: Codec, wrapping inner: any ByteSource, prefix: [UInt8]) {
    self.codec = codec
    self.inner = inner
    input = [UInt8](repeating: 0, count: max(256 << 10, prefix.count))
    input.replaceSubrange(0..<prefix.count, with: prefix)
    inEnd = prefix.count
  }

  func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    if count == 0 { return 0 }
    while true {
      if inStart == inEnd {
        inStart = 0
        inEnd = 0
        if !innerAtEnd {
          let n = try inner.read(into: &input, at: 0, count: input.count)
          if n == 0 { innerAtEnd = true } else { inEnd = n }
        }
        // The end of the compressed input: a stream cut short inside a frame ends like a short file (the reader
        // then reports where the capture was truncated).
        if inEnd == 0 { return 0 }
      }
      let step: (consumed: Int, produced: Int, frameEnded: Bool)
      do {
        step = try codec.step(input: input, inStart, inEnd, output: &buffer, index, count)
      } catch {
        throw CaptureError(.badCompressedData, offset: nil,
                           "\(Codec.name) data corrupt near compressed byte \(compressedOffset): \(error.message)")
      }
      inStart += step.consumed
      compressedOffset += step.consumed
      if step.consumed > 0 || step.produced > 0 { atFrameBoundary = step.frameEnded }
      if step.produced > 0 { return step.produced }
      if step.consumed == 0 && inStart < inEnd {
        // No progress with input pending: the codec needs more input than a full buffer holds (cannot happen
        // with these codecs' block sizes), or the data is bad.
        throw CaptureError(.badCompressedData, offset: nil, "\(Codec.name) data makes no progress near compressed byte \(compressedOffset)")
      }
    }
  }
}
