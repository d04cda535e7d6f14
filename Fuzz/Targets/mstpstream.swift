// libFuzzer target: the passive MS/TP serial framer (MSTPStreamFramer) fed an arbitrary octet stream in arbitrary
// read sizes at arbitrary times (silences longer than T_frame_abort included), with idle passes between reads.
//
// Input layout: byte 0 picks the line rate (of the six MS/TP rates) and byte 1 seeds the read sizes and gaps;
// the rest is the octet stream.
//
// Invariants: every octet is accounted for exactly once — the records, in order, are the stream itself except
// single FF pad octets right after a frame (counted as padding); no record is empty; a header-CRC record is 8
// octets; noise records respect their cap; timestamps never run backwards; a record marked good is a frame the
// decoder also finds correct, and a plain frame marked bad-data-CRC has a data CRC the decoder rejects; the
// framer is idle after finish and its counters add up.
import BACnetDecode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard input.count >= 2 else { return 0 }
  let rates = [9600, 19200, 38400, 57600, 76800, 115_200]
  let baud = rates[Int(input[0]) % rates.count]
  var seed = UInt64(input[1]) &* 0x9E37_79B9_7F4A_7C15 | 1
  func next() -> UInt64 {
    seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
    return seed
  }
  let stream = Array(input[2...])
  var framer = MSTPStreamFramer(baud: baud, frameAbortNs: 95_000_000, maximumNoiseRecord: 64)
  var records: [(kind: MSTPRecordKind, bytes: [UInt8], offset: Int, start: Int64)] = []
  let collect = { (r: MSTPStreamRecord) -> Void in records.append((r.kind, Array(r.bytes), r.streamOffset, r.startNs)) }
  var t: Int64 = 1_700_000_000_000_000_000
  var i = 0
  while i < stream.count {
    let n = min(stream.count - i, Int(next() % 40) + 1)
    // Gap before this read: usually short, sometimes above T_frame_abort.
    let r = next() % 16
    t += r == 0 ? 150_000_000 : r == 1 ? 96_000_000 : Int64(r) * 100_000
    framer.feed(stream[i..<i + n], arrivalNs: t, emit: collect)
    if next() % 4 == 0 { framer.idle(nowNs: t + Int64(next() % 200_000_000), emit: collect) }
    i += n
  }
  framer.finish(emit: collect)

  // Every octet once, in order.
  var pos = 0
  var padding = 0
  var lastStart = Int64.min
  for r in records {
    precondition(!r.bytes.isEmpty, "empty record")
    precondition(r.offset >= pos, "records out of order")
    for k in pos..<r.offset {
      precondition(stream[k] == 0xFF, "an octet outside every record that is not a pad FF")
      padding += 1
    }
    precondition(Array(stream[r.offset..<r.offset + r.bytes.count]) == r.bytes, "record octets differ from the stream")
    pos = r.offset + r.bytes.count
    precondition(r.start >= lastStart || r.kind == .noise || lastStart == .min, "timestamps ran backwards")
    lastStart = max(lastStart, r.start)
    switch r.kind {
    case .badHeaderCRC:
      precondition(r.bytes.count == 8, "a header-CRC record is 8 octets")
    case .noise:
      precondition(r.bytes.count <= 64, "noise record above its cap")
    case .frame, .badDataCRC:
      precondition(r.bytes.count >= 8 && r.bytes[0] == 0x55 && r.bytes[1] == 0xFF, "a frame starts with its preamble")
      let f = BACnetDecoder.decodeMSTP(r.bytes[...]).frame
      if r.kind == .frame { precondition(f?.crcOK == true, "framer and decoder disagree on a good frame") }
      if r.kind == .badDataCRC, let f, !f.frameType.isCOBSEncoded {
        precondition(f.dataCRCOK == false, "framer and decoder disagree on a bad data CRC")
      }
    case .truncated:
      precondition(r.bytes[0] == 0x55, "a truncated frame starts with 55")
    }
  }
  for k in pos..<stream.count { precondition(stream[k] == 0xFF, "trailing octet lost"); padding += 1 }
  let c = framer.counters
  precondition(padding == c.paddingOctets, "padding count")
  precondition(c.octets == stream.count, "octet count")
  precondition(c.recordOctets.reduce(0, +) + c.paddingOctets == c.octets, "counters do not add up")
  precondition(c.records.reduce(0, +) == records.count, "record count")
  precondition(framer.isIdle, "state left after finish")
  return 0
}
