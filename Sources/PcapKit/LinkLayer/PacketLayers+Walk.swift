// The header walk behind `PacketLayers.init(linkType:frame:)`, over a `Span` (bounds-checked, no reference
// counting). Every read is preceded by a length check against
// `end`, the current layer's end index (captured end, trimmed by declared lengths), so no read can trap.

@inline(__always)
func be16(_ b: Span<UInt8>, _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }

@inline(__always)
func be32(_ b: Span<UInt8>, _ i: Int) -> UInt32 {
  UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

@inline(__always)
func be64(_ b: Span<UInt8>, _ i: Int) -> UInt64 { UInt64(be32(b, i)) << 32 | UInt64(be32(b, i + 4)) }

extension PacketLayers {
  @inline(__always)
  mutating func halt(_ reason: WalkStop, at index: Int, end: Int) {
    stop = reason
    stopIndex = index
    payload = min(index, end)..<end
  }

  /// Walks `b` with positions relative to its first byte (the initializer shifts them to slice indices).
  mutating func walk(_ b: Span<UInt8>) {
    let start = 0, end = b.count
    switch linkType.rawValue {
    case 1:  // Ethernet
      guard end - start >= 14 else { return halt(.truncated, at: start, end: end) }
      etherTypeChain(be16(b, start + 12), b, start + 14, end)
    case 101:  // raw IP: version nibble decides
      guard start < end else { return halt(.truncated, at: start, end: end) }
      switch b[start] >> 4 {
      case 4: ipv4(b, start, end)
      case 6: ipv6(b, start, end)
      default: halt(.malformed, at: start, end: end)
      }
    case 228: ipv4(b, start, end)
    case 229: ipv6(b, start, end)
    case 0, 108:  // BSD null / OpenBSD loop: 4-byte address family, byte order not trusted
      guard end - start >= 4 else { return halt(.truncated, at: start, end: end) }
      let big = be32(b, start)
      let family = big <= 0xFFFF ? big : big.byteSwapped
      switch family {
      case 2: ipv4(b, start + 4, end)
      case 24, 28, 30: ipv6(b, start + 4, end)
      default:
        network = .other
        halt(.unsupportedNetwork, at: start + 4, end: end)
      }
    case 113:  // Linux cooked v1: type(2) ARPHRD(2) addrlen(2) addr(8) protocol(2)
      guard end - start >= 16 else { return halt(.truncated, at: start, end: end) }
      cookedProtocol(be16(b, start + 14), b, start + 16, end)
    case 276:  // Linux cooked v2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) type(1) addrlen(1) addr(8)
      guard end - start >= 20 else { return halt(.truncated, at: start, end: end) }
      cookedProtocol(be16(b, start), b, start + 20, end)
    case 165:  // BACnet MS/TP: passed through whole
      network = .mstp
      stopIndex = start
    default:
      halt(.unsupportedLinkType, at: start, end: end)
    }
  }

  /// Linux cooked protocol field: an EtherType, or 0x0004 for an 802.2 LLC frame.
  mutating func cookedProtocol(_ proto: UInt16, _ b: Span<UInt8>, _ i: Int, _ end: Int) {
    if proto == 0x0004 {
      llcFrame(b, i, end)
    } else if proto < 0x0600 {
      network = .other
      halt(.unsupportedNetwork, at: i, end: end)
    } else {
      etherTypeChain(proto, b, i, end)
    }
  }

  /// Follows VLAN tags from `type` (read just before `i`), then dispatches on the final EtherType or 802.3 length.
  mutating func etherTypeChain(_ firstType: UInt16, _ b: Span<UInt8>, _ start: Int, _ end: Int) {
    var type = firstType
    var i = start
    while EtherType(rawValue: type).isVLANTag {
      guard vlans.count < VLANTags.capacity else { return halt(.tooManyHeaders, at: i - 2, end: end) }
      guard end - i >= 4 else { return halt(.truncated, at: i, end: end) }
      vlans.append(be16(b, i))
      type = be16(b, i + 2)
      i += 4
    }
    if type <= 1500 {  // IEEE 802.3 length field: LLC follows, padding after `length` bytes
      llcFrame(b, i, min(end, i + Int(type)), declaredEnd: i + Int(type))
    } else {
      dispatch(EtherType(rawValue: type), b, i, end)
    }
  }

  mutating func dispatch(_ type: EtherType, _ b: Span<UInt8>, _ i: Int, _ end: Int) {
    etherType = type
    switch type {
    case .ipv4: ipv4(b, i, end)
    case .ipv6: ipv6(b, i, end)
    default:
      network = .other
      halt(.unsupportedNetwork, at: i, end: end)
    }
  }

  /// IEEE 802.2 LLC (and SNAP) at `i`.
  mutating func llcFrame(_ b: Span<UInt8>, _ i: Int, _ end: Int, declaredEnd: Int? = nil) {
    guard end - i >= 3 else { return halt(.truncated, at: i, end: end) }
    if b[i] == 0xFF && b[i + 1] == 0xFF {  // Novell "raw 802.3": IPX without LLC
      network = .other
      return halt(.unsupportedNetwork, at: i, end: end)
    }
    let dsap = b[i], ssap = b[i + 1], c0 = b[i + 2]
    var header = LLCHeader(dsap: dsap, ssap: ssap, control: UInt16(c0))
    var next = i + 3
    if c0 & 0x03 != 0x03 {  // I- or S-format: two-byte control
      guard end - i >= 4 else { return halt(.truncated, at: i, end: end) }
      header.control = UInt16(c0) << 8 | UInt16(b[i + 3])
      next = i + 4
    }
    network = .llc
    if dsap == 0xAA && ssap == 0xAA && header.control == 0x03 {
      guard end - next >= 5 else {
        llc = header
        return halt(.truncated, at: next, end: end)
      }
      let oui = UInt32(b[next]) << 16 | UInt32(b[next + 1]) << 8 | UInt32(b[next + 2])
      let proto = be16(b, next + 3)
      header.snapOUI = oui
      header.snapProtocol = proto
      llc = header
      if oui == 0 || oui == 0xF8 {  // RFC 1042 / 802.1H: the protocol is an EtherType
        network = .none
        return etherTypeChain(proto, b, next + 5, end)
      }
      next += 5
    }
    llc = header
    stopIndex = next
    payload = next..<end
    if let declaredEnd, declaredEnd > end { payloadTruncated = true }
  }

  //  0                   1                   2                   3
  //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
  // |Version|  IHL  |Type of Service|          Total Length         |
  // |         Identification        |Flags|      Fragment Offset    |
  // |  Time to Live |    Protocol   |         Header Checksum       |
  // |                       Source Address                          |
  // |                    Destination Address                        |
  // |                    Options                    |    Padding    |   (RFC 791 section 3.1)
  mutating func ipv4(_ b: Span<UInt8>, _ i: Int, _ end: Int) {
    network = .ipv4
    guard end - i >= 20 else { return halt(.truncated, at: i, end: end) }
    let vihl = b[i]
    let headerLength = Int(vihl & 0x0F) * 4
    guard vihl >> 4 == 4, headerLength >= 20 else { return halt(.malformed, at: i, end: end) }
    networkIndex = i
    source = .v4(be32(b, i + 12))
    destination = .v4(be32(b, i + 16))
    let proto = IPProtocol(rawValue: b[i + 9])
    ipProtocol = proto
    let flagsOffset = be16(b, i + 6)
    let fragmentOffset = Int(flagsOffset & 0x1FFF) * 8
    let more = flagsOffset & 0x2000 != 0
    if more || fragmentOffset != 0 {
      fragment = FragmentInfo(identification: UInt32(be16(b, i + 4)), offset: fragmentOffset, moreFragments: more)
    }
    guard end - i >= headerLength else { return halt(.truncated, at: i, end: end) }
    let total = Int(be16(b, i + 2))
    var layerEnd = end
    if total != 0 {  // 0 appears in captures of TCP segmentation offload: trust the captured length
      guard total >= headerLength else { return halt(.malformed, at: i, end: end) }
      if i + total < end { layerEnd = i + total } else if i + total > end { payloadTruncated = true }
    }
    if fragmentOffset != 0 { return halt(.nonFirstFragment, at: i + headerLength, end: layerEnd) }
    transportLayer(proto, b, i + headerLength, layerEnd)
  }

  // Fixed header (RFC 8200 section 3): version(4) class(8) flow(20) | payload length(16) next(8) hop limit(8) |
  // source(128) | destination(128); then extension headers, each starting with next header(8) and length(8).
  mutating func ipv6(_ b: Span<UInt8>, _ i: Int, _ end: Int) {
    network = .ipv6
    guard end - i >= 40 else { return halt(.truncated, at: i, end: end) }
    guard b[i] >> 4 == 6 else { return halt(.malformed, at: i, end: end) }
    networkIndex = i
    source = .v6(high: be64(b, i + 8), low: be64(b, i + 16))
    destination = .v6(high: be64(b, i + 24), low: be64(b, i + 32))
    let payloadLength = Int(be16(b, i + 4))
    var layerEnd = end
    if payloadLength != 0 {  // 0: jumbogram or offload; trust the captured length
      if i + 40 + payloadLength < end { layerEnd = i + 40 + payloadLength } else if i + 40 + payloadLength > end {
        payloadTruncated = true
      }
    }
    var next = IPProtocol(rawValue: b[i + 6])
    var j = i + 40
    var walked = 0
    while true {
      ipProtocol = next
      let length: Int
      switch next {
      case .hopByHop, .routing, .destinationOptions, IPProtocol(rawValue: 135), IPProtocol(rawValue: 139),
        IPProtocol(rawValue: 140):
        guard layerEnd - j >= 2 else { return halt(.truncated, at: j, end: layerEnd) }
        length = (Int(b[j + 1]) + 1) * 8
      case .authentication:
        guard layerEnd - j >= 2 else { return halt(.truncated, at: j, end: layerEnd) }
        length = (Int(b[j + 1]) + 2) * 4
      case .fragment:
        guard layerEnd - j >= 8 else { return halt(.truncated, at: j, end: layerEnd) }
        let offsetFlags = be16(b, j + 2)
        let info = FragmentInfo(
          identification: be32(b, j + 4), offset: Int(offsetFlags & 0xFFF8), moreFragments: offsetFlags & 1 != 0)
        fragment = info
        length = 8
      default:
        return transportLayer(next, b, j, layerEnd)
      }
      walked += 1
      guard walked <= PacketLayers.maximumExtensionHeaders else { return halt(.tooManyHeaders, at: j, end: layerEnd) }
      guard layerEnd - j >= length else { return halt(.truncated, at: j, end: layerEnd) }
      let walkedFragment = next == .fragment
      next = IPProtocol(rawValue: b[j])
      j += length
      if walkedFragment, let f = fragment, f.offset != 0 {
        ipProtocol = next
        return halt(.nonFirstFragment, at: j, end: layerEnd)
      }
    }
  }

  //  UDP (RFC 768): source port(16) destination port(16) length(16) checksum(16)
  //  TCP (RFC 9293): source port(16) destination port(16) sequence(32) ack(32) data offset(4) … (20..60 bytes)
  mutating func transportLayer(_ proto: IPProtocol, _ b: Span<UInt8>, _ i: Int, _ end: Int) {
    ipProtocol = proto
    switch proto {
    case .udp, .tcp:
      transport = proto == .udp ? .udp : .tcp
      transportIndex = i
      guard end - i >= 4 else { return halt(.truncated, at: i, end: end) }
      sourcePort = be16(b, i)
      destinationPort = be16(b, i + 2)
      if proto == .udp {
        guard end - i >= 8 else { return halt(.truncated, at: i, end: end) }
        let length = Int(be16(b, i + 4))
        var layerEnd = end
        if length != 0 {  // 0: IPv6 jumbogram; trust the IP length
          guard length >= 8 else { return halt(.malformed, at: i, end: end) }
          if i + length < end { layerEnd = i + length } else if i + length > end { payloadTruncated = true }
        }
        stopIndex = i + 8
        payload = (i + 8)..<layerEnd
      } else {
        guard end - i >= 20 else { return halt(.truncated, at: i, end: end) }
        let headerLength = Int(b[i + 12] >> 4) * 4
        guard headerLength >= 20 else { return halt(.malformed, at: i, end: end) }
        guard end - i >= headerLength else { return halt(.truncated, at: i, end: end) }
        stopIndex = i + headerLength
        payload = (i + headerLength)..<end
      }
    default:
      transport = .other
      transportIndex = i
      halt(.unsupportedTransport, at: i, end: end)
    }
  }
}
