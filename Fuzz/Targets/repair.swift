// libFuzzer target: the lenient reader and CaptureRepair (optigo-pcap repair) on arbitrary files.
//
// Properties checked besides "no trap, no ASan report": the damaged regions are in order and do not overlap, the
// scan does at most one step per input byte, and whenever something was salvaged the repaired capture reads back
// with the strict reader without any error, holding exactly the packets written.
import PcapKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  var options = ReaderOptions()
  options.chunkSize = 128
  options.maxBlockSize = 1 << 20
  guard var lenient = try? LenientCaptureReader(bytes: bytes, options: options) else { return 0 }
  var sink = MemorySink()
  guard let summary = try? CaptureRepair.run(reader: &lenient, to: &sink) else {
    preconditionFailure("only I/O errors may escape the lenient reader")
  }
  precondition(lenient.scanSteps <= 2 * bytes.count, "scan steps \(lenient.scanSteps) exceed twice the input size \(bytes.count)")
  var last = -1
  for region in summary.damage {
    precondition(region.offset >= last, "damaged regions out of order: \(summary.damage)")
    precondition(region.length >= 0 && region.offset + region.length <= bytes.count, "region outside the input: \(region)")
    last = region.action == .skipped ? region.offset + region.length : region.offset
  }
  guard summary.recordsWritten > 0 else { return 0 }
  var readBack = 0
  do {
    var strict = try CaptureReader(bytes: sink.bytes, options: options)
    while let _ = try strict.nextPacket() { readBack += 1 }
  } catch {
    preconditionFailure("repaired output does not read cleanly: \(error)")
  }
  precondition(readBack == summary.packetsWritten, "wrote \(summary.packetsWritten) packets, read back \(readBack)")
  return 0
}
