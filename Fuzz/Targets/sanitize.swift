// libFuzzer target: `optigo-pcap sanitize` (CaptureSanitizer) on an arbitrary capture.
//
// Byte 0: bit 0 clear reads the rest as a whole file (pcap / pcapng / gzip); set wraps the rest as packets (split at
// each 0xFE byte) in a synthetic pcap whose link type is Ethernet, or MS/TP when bit 1 is also set.
//
// Properties checked besides "no trap, no ASan report":
// * whatever was written (all of it, or the prefix before a read error) reads back with the strict reader without
//   an error, holding exactly as many packets as the input delivered;
// * the output is never longer than the input plus 16 octets per packet plus 1/254 of the input (string
//   pseudonyms keep their length; only a re-encoded MS/TP COBS frame may grow, by its COBS overhead, and a pcapng
//   block by its padding);
// * the same key gives the same bytes twice.
import CaptureSanitizer
import PcapKit

func syntheticCapture(_ body: ArraySlice<UInt8>, linkType: Int) -> [UInt8] {
  func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
  var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(linkType)
  var second = 1_700_000_000
  for frame in body.split(separator: 0xFE, omittingEmptySubsequences: false) {
    out += le32(second) + le32(0) + le32(frame.count) + le32(frame.count) + frame
    second += 1
  }
  return out
}

let key = try! SanitizerKey(secret: Array("fuzzing key, thirty-two octets!!".utf8))

func sanitized(_ bytes: [UInt8], _ options: ReaderOptions) -> (bytes: [UInt8], packets: Int, failed: Bool)? {
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return nil }
  var sink = MemorySink()
  guard let sanitizer = try? CaptureSanitizer(key: key) else { preconditionFailure("AES unavailable") }
  do {
    let report = try sanitizer.sanitize(&reader, into: &sink)
    return (sink.bytes, report.packets, false)
  } catch {
    return (sink.bytes, -1, true)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = input.first else { return 0 }
  let bytes = selector & 1 == 0
    ? Array(input.dropFirst()) : syntheticCapture(input.dropFirst(), linkType: selector & 2 == 0 ? 1 : 165)
  var options = ReaderOptions()
  options.chunkSize = 256
  options.maxBlockSize = 1 << 20
  // What the input delivers: packets before the first read error.
  var delivered = 0
  if var reader = try? CaptureReader(bytes: bytes, options: options) {
    while let record = try? reader.next() { if case .packet = record { delivered += 1 } }
  }
  guard let first = sanitized(bytes, options) else { return 0 }
  let bound = bytes.count + 16 * delivered + bytes.count / 254 + 64
  precondition(first.bytes.count <= bound, "output \(first.bytes.count) octets exceeds the bound \(bound)")
  if !first.failed { precondition(first.packets == delivered, "sanitized \(first.packets) of \(delivered) packets") }
  if !first.bytes.isEmpty {
    var readBack = 0
    do {
      var strict = try CaptureReader(bytes: first.bytes, options: options)
      while let _ = try strict.nextPacket() { readBack += 1 }
    } catch {
      preconditionFailure("sanitized output does not read cleanly: \(error)")
    }
    precondition(first.failed ? readBack <= delivered : readBack == delivered,
                 "wrote packets that read back as \(readBack), input delivered \(delivered)")
  }
  precondition(sanitized(bytes, options)?.bytes == first.bytes, "same key, same input, different output")
  return 0
}
