// libFuzzer target: the gzip path (GzipSource under CaptureReader).
//
// Byte 0 selects how the input is presented: as-is (mutations hit the gzip framing and deflate stream), or — when
// its low bit is set — the rest is taken as gzip data regardless of the first two bytes being a gzip magic, by
// prefixing `1F 8B 08 00`. Whatever decompresses is parsed as a capture; the inflated size is bounded by the
// reader's caps, so a decompression bomb must not exhaust memory.
import PcapKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = input.first else { return 0 }
  var bytes: [UInt8] = selector & 1 == 1 ? [0x1F, 0x8B, 0x08, 0x00] + input.dropFirst(5) : Array(input.dropFirst())
  if bytes.isEmpty { bytes = [0x1F, 0x8B] }
  var options = ReaderOptions()
  options.chunkSize = 128
  options.maxBlockSize = 1 << 20
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return 0 }
  var packets = 0
  while true {
    do {
      guard let p = try reader.nextPacket() else { break }
      packets &+= p.capturedLength
      if reader.offset > 64 << 20 { break }  // an honest bomb: stop, it is not a finding
    } catch {
      _ = error.description
      break
    }
  }
  _ = packets
  return 0
}
