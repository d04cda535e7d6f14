// libFuzzer target: the classic pcap reader.
//
// Input layout: byte 0 picks the magic number (µs/ns, little/big endian, Kuznetzov "modified"), the rest is the
// file after the magic, so mutations concentrate on the header and records rather than on the magic. Every record
// is read and its fields touched; a trap, an ASan report or a leak is a finding.
import PcapKit

let magics: [[UInt8]] = [
  [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4],  // µs LE / BE
  [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0x3C, 0x4D],  // ns LE / BE
  [0x34, 0xCD, 0xB2, 0xA1], [0xA1, 0xB2, 0xCD, 0x34],  // modified LE / BE
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = input.first else { return 0 }
  var bytes = magics[Int(selector) % magics.count]
  bytes += input.dropFirst()
  var options = ReaderOptions()
  options.chunkSize = 64 + Int(selector >> 3) * 16  // small chunks: records straddle refills
  options.maxBlockSize = 1 << 20
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return 0 }
  var sum = 0
  while true {
    do {
      guard let p = try reader.nextPacket() else { break }
      sum &+= p.capturedLength &+ p.originalLength &+ Int(truncatingIfNeeded: p.timestamp.ticks)
      sum &+= p.data.reduce(0) { $0 &+ Int($1) }
      _ = p.timestamp.description
    } catch {
      precondition(error.offset.map { $0 >= 0 && $0 <= bytes.count } ?? true, "error offset outside the input: \(error)")
      _ = error.description
      break
    }
  }
  if sum == 42 { _ = reader.warnings.count }
  return 0
}
