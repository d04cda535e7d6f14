// libFuzzer target: the pcapng reader (every block type, options, name records, interfaces, resolutions).
//
// The input is a whole file. Every record is read and every option of every block iterated; timestamps are
// rendered, and every record is written again (re-encoded as big-endian pcapng, and converted to classic pcap).
// A trap, an ASan report or a leak is a finding. Small chunks make blocks straddle buffer refills.
import PcapKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  var options = ReaderOptions()
  options.chunkSize = 96
  options.maxBlockSize = 1 << 20
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return 0 }
  var sum = 0
  var records = 0
  var pcapng = PcapNGWriter(sink: MemorySink(), byteOrder: .big)
  var pcap = PcapWriter(sink: MemorySink())
  while true {
    do {
      guard let r = try reader.next() else { break }
      records += 1
      try? pcapng.writeConverted(r)
      try? pcap.write(r)
      precondition(records <= bytes.count / 8 + 2, "more records than the input can hold")
      switch r {
      case .packet(let p):
        sum &+= p.capturedLength &+ p.data.count &+ p.interfaceID
        _ = p.timestamp.description
        for o in p.options { sum &+= o.value.count &+ Int(o.code.rawValue) }
      case .interface(let i):
        for o in i.options { sum &+= o.value.count }
        sum &+= Int(i.snapLength)
      case .section(let s):
        for o in s.options { sum &+= o.value.count }
      default:
        sum &+= 1
      }
    } catch {
      precondition(error.offset.map { $0 >= 0 && $0 <= bytes.count } ?? true, "error offset outside the input: \(error)")
      _ = error.description
      break
    }
  }
  if sum == 42 { _ = reader.warnings.count }
  return 0
}
