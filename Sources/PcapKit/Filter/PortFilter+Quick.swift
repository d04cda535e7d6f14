// A shortcut for the frames that make up almost all traffic: Ethernet II (up to two VLAN tags) carrying an
// unfragmented IPv4 datagram or an IPv6 datagram without extension headers. It reads only the fields the verdict
// needs; anything else (other link types, LLC, fragments, extension headers, damage) returns nil and takes the full
// `PacketLayers` walk. `FilterPredicateTests` checks that both always agree.

extension PortFilter {
  /// The verdict ``verdict(for:)`` would give, computed without a full walk for common frames; nil when the frame
  /// needs the full walk.
  /// - Parameters:
  ///   - linkType: the frame's link type.
  ///   - frame: the captured bytes.
  @inline(__always)
  public func quickVerdict(linkType: LinkType, frame: ArraySlice<UInt8>) -> FilterReason? {
    guard linkType == .ethernet else { return nil }
    return quickEthernet(frame.span)
  }

  func quickEthernet(_ b: Span<UInt8>) -> FilterReason? {
    let n = b.count
    guard n >= 14 else { return nil }
    var type = be16(b, 12)
    var i = 14
    var tags = 0
    while type == 0x8100 || type == 0x88A8 {
      guard tags < 2, n - i >= 4 else { return nil }
      type = be16(b, i + 2)
      i += 4
      tags += 1
    }
    let proto: UInt8
    let transportStart: Int
    var end = n
    if type == 0x0800 {
      guard n - i >= 20 else { return nil }
      let vihl = b[i]
      let headerLength = Int(vihl & 0x0F) * 4
      guard vihl >> 4 == 4, headerLength >= 20, n - i >= headerLength else { return nil }
      guard be16(b, i + 6) & 0x3FFF == 0 else { return nil }  // a fragment (MF or offset)
      let total = Int(be16(b, i + 2))
      if total != 0 {
        guard total >= headerLength else { return nil }
        end = min(n, i + total)
      }
      proto = b[i + 9]
      transportStart = i + headerLength
    } else if type == 0x86DD {
      guard n - i >= 40, b[i] >> 4 == 6 else { return nil }
      let payloadLength = Int(be16(b, i + 4))
      if payloadLength != 0 { end = min(n, i + 40 + payloadLength) }
      proto = b[i + 6]
      switch proto {
      case 0, 43, 44, 51, 60, 135, 139, 140: return nil  // extension headers: full walk
      default: break
      }
      transportStart = i + 40
    } else {
      return nil
    }
    let layer: TransportLayer
    switch proto {
    case 17: layer = .udp
    case 6: layer = .tcp
    default: return .otherTransport
    }
    guard end - transportStart >= 4 else { return nil }
    guard transport.accepts(layer) else { return .otherTransport }
    let source = be16(b, transportStart), destination = be16(b, transportStart + 2)
    return ports.matches(source: source, destination: destination) ? .portMatch : .portMismatch
  }
}
