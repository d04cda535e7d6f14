// libFuzzer target: BVLC / NPDU / APDU decoding (BACnet/IP, BACnet/IPv6, bare NPDU, bare APDU) and rendering.
//
// The same bytes go to every entry point; summaries and the verbose tree are rendered so the renderers see
// every decoded shape. Every diagnostic offset must fall inside the input.
import BACnetDecode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  let bytes = input[...]
  let m = BACnetDecoder.decodeBVLL(bytes)
  _ = m.summary
  _ = m.treeText
  let n = BACnetDecoder.decodeNPDU(bytes, baseOffset: 100)
  _ = n.summary
  _ = n.treeText
  let (apdu, diags) = BACnetDecoder.decodeAPDU(bytes, baseOffset: 7)
  _ = apdu?.summary
  _ = diags.count
  return 0
}
