// libFuzzer target: the link-layer / IP / UDP-TCP walk and the port filter verdict.
//
// Input layout: byte 0 picks the link type from the ones the walk understands (and a few it does not), the rest
// is the frame. The walk must stop cleanly on anything; every index it reports must lie inside the frame.
import PcapKit

let linkTypes: [UInt16] = [1, 0, 101, 113, 276, 228, 229, 12, 14, 108, 165, 6, 105, 127, 147, 239]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = unsafe Array(UnsafeRawBufferPointer(start: start, count: count))
  guard let selector = input.first else { return 0 }
  let link = LinkType(rawValue: linkTypes[Int(selector) % linkTypes.count])
  // A non-zero start index, as when the frame is a view into a larger reader buffer.
  let padded = [UInt8](repeating: 0xEE, count: 3) + input.dropFirst()
  let frame = padded[3...]
  let layers = PacketLayers(linkType: link, frame: frame)
  precondition(layers.payload.lowerBound >= frame.startIndex && layers.payload.upperBound <= frame.endIndex,
               "payload range \(layers.payload) outside the frame \(frame.indices)")
  precondition(layers.payload.lowerBound <= layers.payload.upperBound)
  _ = frame[layers.payload].count
  if let n = layers.networkIndex { precondition(n >= frame.startIndex && n <= frame.endIndex) }
  if let t = layers.transportIndex { precondition(t >= frame.startIndex && t <= frame.endIndex) }
  _ = PortFilter().verdict(for: layers)
  _ = PortFilter(ports: .bacnet, transport: .udp, keepNonIP: true).verdict(linkType: link, frame: frame)
  return 0
}
