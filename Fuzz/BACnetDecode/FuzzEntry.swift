// libFuzzer entry point for BACnetDecode. Built by build.sh together with the library's own sources, so the
// fuzzer instruments the decoder itself. The first input octet picks the decoder; the rest is the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = bytes.first else { return 0 }
  let input = bytes.dropFirst()
  var sink = 0
  switch selector % 4 {
  case 0:
    let m = BACnetDecoder.decodeBVLL(input)
    sink &+= m.summary.count &+ m.treeText.count
  case 1:
    let m = BACnetDecoder.decodeNPDU(input)
    sink &+= m.summary.count &+ m.treeText.count
  case 2:
    let d = BACnetDecoder.decodeMSTP(input)
    sink &+= d.summary.count &+ d.treeText.count
  default:
    let (a, diags) = BACnetDecoder.decodeAPDU(input)
    sink &+= diags.count &+ (a?.summary.count ?? 0)
    sink &+= EncodedValues(bytes: input, offset: 1).decode().nodes.count
    if let a {
      var r = SegmentReassembler<Int>(maxPending: 4, maxMessageBytes: 4096)
      _ = r.add(a, from: 0)
    }
  }
  return sink == Int.min ? 1 : 0
}
