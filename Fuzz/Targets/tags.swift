// libFuzzer target: the BACnet tag decoder (application/context tags, extended numbers and lengths,
// opening/closing nesting bounded by BACnetDecoder.maxNestingDepth).
import BACnetDecode

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  let (nodes, diagnostics) = EncodedValues(bytes: input[...], offset: 0).decode()
  var total = 0
  var stack = nodes[...]
  var visited = 0
  while let node = stack.popFirst() {
    visited += 1
    precondition(visited <= input.count + 1, "more tag nodes than input bytes")
    total &+= node.content.count
    precondition(node.content.startIndex >= input.startIndex && node.content.endIndex <= input.endIndex)
    stack.append(contentsOf: node.children)
  }
  _ = (total, diagnostics.count)
  return 0
}
