// libFuzzer target: MS/TP frames (LINKTYPE_BACNET_MS_TP records: preamble optional, header CRC-8, data CRC-16,
// CRC-32K COBS-encoded frames, the NPDU/APDU inside) and their rendering.
import BACnetDecode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  let d = BACnetDecoder.decodeMSTP(input[...])
  _ = d.summary
  _ = d.treeText
  return 0
}
