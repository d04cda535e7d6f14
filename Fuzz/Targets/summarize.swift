// libFuzzer target: the whole `summarize` pipeline on an arbitrary file — reader, link-layer walk, IP reassembly,
// BVLC heuristic, BACnet decode, every analyzer, and the report rendered as text and JSON.
//
// Byte 0 chooses between reading the rest as a whole file (pcap / pcapng / gzip) and wrapping it as the data of
// packets in a synthetic Ethernet pcap (so mutations reach the pipeline without first having to make a valid
// capture). A trap, an ASan report or a leak is a finding.
import BACnetAnalysis
import PcapKit

func syntheticCapture(_ body: ArraySlice<UInt8>) -> [UInt8] {
  func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
  var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
  // Packets split at each 0xFE byte: several frames per input, each an Ethernet frame from the fuzzer.
  var second = 1_700_000_000
  for frame in body.split(separator: 0xFE, omittingEmptySubsequences: false) {
    out += le32(second) + le32(0) + le32(frame.count) + le32(frame.count) + frame
    second += 1
  }
  return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = input.first else { return 0 }
  let bytes = selector & 1 == 0 ? Array(input.dropFirst()) : syntheticCapture(input.dropFirst())
  var options = ReaderOptions()
  options.chunkSize = 256
  options.maxBlockSize = 1 << 20
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return 0 }
  let (report, _) = SummaryEngine.summarize(&reader, file: "fuzz")
  _ = report.text
  _ = report.json.json
  return 0
}
