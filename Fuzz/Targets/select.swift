// libFuzzer target: content selection (`filter`/`list --device/--address/--service/--object/--pdu-type/--network`)
// on an arbitrary file — the option parsers, the pipeline, the matcher (object walk, context layouts, Who-Is
// ranges, networks, addresses) and the selector's transaction and datagram state with a small hold window.
//
// Layout: byte 0 chooses the capture form (bit 0: as in `summarize`, the rest is a whole file or Ethernet frames
// split at 0xFE; bit 1: MS/TP records instead of Ethernet frames); bytes 1–8 choose the options (which ones, and
// their values); the text of bytes 1–24 is also fed to every option parser. A trap, an ASan report or a leak is a
// finding.
import BACnetAnalysis
import BACnetDecode
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard input.count >= 9 else { return 0 }
  let mode = input[0], o = Array(input[1..<9])
  // Every parser on text from the input (any bytes, decoded leniently).
  let text = String(decoding: input[1..<min(input.count, 25)], as: UTF8.self)
  _ = ServiceSelector(parsing: text)
  _ = ObjectSelector(parsing: text)
  _ = APDUType(selecting: text)
  _ = AddressSelector(parsing: text)?.description
  var criteria = ContentCriteria()
  var addresses: [AddressSelector] = []
  let which = o[0]
  let value = UInt32(o[1]) << 16 | UInt32(o[2]) << 8 | UInt32(o[3])
  if which & 1 != 0 { criteria.devices = [value & 0x3F_FFFF] }
  if which & 2 != 0 { addresses = [o[4] & 1 == 0 ? .mstp(o[5]) : .ip(.v4(value << 8 | UInt32(o[5])), port: nil)] }
  if which & 4 != 0 { criteria.services = [o[4] & 2 == 0 ? .confirmed(.init(rawValue: o[6])) : .unconfirmed(.init(rawValue: o[6] & 15))] }
  if which & 8 != 0 {
    criteria.objects = [ObjectSelector(type: ObjectType(rawValue: UInt16(o[6]) << 2 & 0x3FF), instance: o[4] & 4 == 0 ? value : nil)]
  }
  if which & 16 != 0 { criteria.pduTypes = [APDUType(rawValue: o[7] & 7)] }
  if which & 32 != 0 { criteria.networks = [UInt16(o[2]) << 8 | UInt16(o[7])] }
  let body = input[9...]
  let bytes = mode & 1 == 0 ? Array(body) : syntheticCapture(body, linkType: mode & 2 == 0 ? 1 : 165)
  var options = ReaderOptions()
  options.chunkSize = 256
  options.maxBlockSize = 1 << 20
  guard var reader = try? CaptureReader(bytes: bytes, options: options) else { return 0 }
  var pipeline = BACnetPipeline()
  var selector = ContentSelector<Int>(criteria: criteria, addresses: addresses, window: 1 + Int(o[7] >> 3),
                                      transactionMemory: 1 + Int(o[5] >> 2))
  var emitted = 0, last = 0
  func take(_ n: Int) {
    if n <= last { fatalError("output out of order") }
    last = n
    emitted += 1
  }
  while let record = try? reader.next() {
    guard case .packet(let p) = record else { continue }
    let d = pipeline.decode(p)
    switch selector.submit(d) {
    case .keep: take(d.frameNumber)
    case .drop: break
    case .hold: selector.hold(d.frameNumber)
    }
    while let n = selector.popReady() { take(n) }
  }
  selector.finish()
  while let n = selector.popReady() { take(n) }
  if emitted != selector.account.kept { fatalError("account disagrees with the output") }
  return 0
}
