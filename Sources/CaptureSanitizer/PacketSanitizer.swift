internal import PcapKit

/// Rewrites one captured frame: link-layer addresses (Ethernet, Linux cooked v1/v2, ARP), IPv4/IPv6 addresses,
/// the BACnet layers (``BACnetRewriter``) of BACnet/IP (UDP ports 47808–47823), BACnet/Ethernet and MS/TP, and the
/// checksums that cover what changed: the IPv4 header checksum and the UDP checksum of a whole datagram are
/// computed afresh (so a checksum the sender's NIC never filled in becomes right); TCP, ICMPv6 and UDP in
/// fragments or truncated frames are updated incrementally (RFC 1624). Lengths never change, except for a
/// re-encoded MS/TP COBS frame.
final class PacketSanitizer {
  let addresses: AddressPseudonymizer
  let bacnet: BACnetRewriter
  /// The frame being rewritten (reused between packets).
  private(set) var buffer: [UInt8] = []

  init(addresses: AddressPseudonymizer, bacnet: BACnetRewriter) {
    self.addresses = addresses
    self.bacnet = bacnet
  }

  /// The rewritten bytes of `data`, captured with `linkType` (a view of an internal buffer, valid until the next
  /// call).
  func sanitize(_ data: ArraySlice<UInt8>, linkType: LinkType) -> ArraySlice<UInt8> {
    // Work on a local array (its storage reused from the last packet): no exclusivity checks on a class property.
    var frame: [UInt8] = []
    swap(&frame, &buffer)
    frame.removeAll(keepingCapacity: true)
    frame.append(contentsOf: data)
    rewrite(&frame, linkType: linkType)
    swap(&frame, &buffer)
    return buffer[...]
  }

  private func rewrite(_ frame: inout [UInt8], linkType: LinkType) {
    if linkType.rawValue == 165 {
      MSTPRewriter.rewrite(&frame, bacnet: bacnet)
      return
    }
    let layers = PacketLayers(linkType: linkType, frame: frame[...])
    rewriteLinkAddresses(&frame, linkType, layers)
    if layers.etherType == .arp { rewriteARP(&frame, layers.payload) }
    if let llc = layers.llc, llc.isBACnet, layers.networkIndex == nil {
      bacnet.rewriteNPDU(&frame, layers.payload, carrier: .ethernet, conversation: conversationKey(frame, 0, layers))
    }
    if let n = layers.networkIndex { rewriteIP(&frame, n, layers) }
  }

  private func rewriteLinkAddresses(_ frame: inout [UInt8], _ linkType: LinkType, _ layers: PacketLayers) {
    switch linkType.rawValue {
    case 1:
      if frame.count >= 12 {
        bacnet.rewriteMAC(&frame, at: 0)
        bacnet.rewriteMAC(&frame, at: 6)
      }
    case 113:  // Linux cooked v1: address length at 4, address at 6
      if frame.count >= 14, frame[4] == 0, frame[5] == 6 { bacnet.rewriteMAC(&frame, at: 6) }
    case 276:  // Linux cooked v2: address length at 11, address at 12
      if frame.count >= 20, frame[11] == 6 { bacnet.rewriteMAC(&frame, at: 12) }
    default:
      break
    }
  }

  /// ARP for IPv4 over Ethernet: sender and target hardware and protocol addresses.
  private func rewriteARP(_ frame: inout [UInt8], _ range: Range<Int>) {
    let a = range.lowerBound
    guard range.count >= 28, frame[a] == 0, frame[a + 1] == 1, frame[a + 2] == 8, frame[a + 3] == 0,
      frame[a + 4] == 6, frame[a + 5] == 4
    else { return }
    bacnet.rewriteMAC(&frame, at: a + 8)
    bacnet.rewriteIPv4(&frame, at: a + 14)
    bacnet.rewriteMAC(&frame, at: a + 18)
    bacnet.rewriteIPv4(&frame, at: a + 24)
  }

  private func conversationKey(_ frame: [UInt8], _ seed: UInt64, _ layers: PacketLayers) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
    func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01B3 }
    func mixAddress(_ address: IPAddress?) {
      switch address {
      case .v4(let a)?: mix(UInt64(a))
      case .v6(let high, let low)?: mix(high); mix(low)
      case nil: mix(0)
      }
    }
    mixAddress(layers.source)
    mixAddress(layers.destination)
    mix(UInt64(layers.sourcePort ?? 0) << 16 | UInt64(layers.destinationPort ?? 0))
    if layers.networkIndex == nil, frame.count >= 12 {
      for b in frame[0..<12] { mix(UInt64(b)) }
    }
    return h
  }

  private func rewriteIP(_ frame: inout [UInt8], _ n: Int, _ layers: PacketLayers) {
    let isV4: Bool
    let addressRange: Range<Int>
    switch layers.source {
    case .v4?:
      isV4 = true
      addressRange = (n + 12)..<(n + 20)
    case .v6?:
      isV4 = false
      addressRange = (n + 8)..<(n + 40)
    case nil:
      return
    }
    let conversation = conversationKey(frame, 1, layers)
    let oldAddressSum = InternetChecksum.sum(frame, addressRange)
    if isV4 {
      bacnet.rewriteIPv4(&frame, at: n + 12)
      bacnet.rewriteIPv4(&frame, at: n + 16)
    } else {
      bacnet.rewriteIPv6(&frame, at: n + 8)
      bacnet.rewriteIPv6(&frame, at: n + 24)
    }
    let newAddressSum = InternetChecksum.sum(frame, addressRange)
    if isV4 {
      let headerLength = Int(frame[n] & 0x0F) * 4
      InternetChecksum.store(&frame, at: n + 10, over: n..<(n + headerLength), plus: 0, zeroMeansNone: false)
    }
    guard let t = layers.transportIndex else { return }
    var oldSum = oldAddressSum
    var newSum = newAddressSum
    let checksumOffset: Int
    switch layers.ipProtocol?.rawValue {
    case 17:
      checksumOffset = t + 6
      if layers.transport == .udp, isBACnetPort(layers), !layers.payload.isEmpty,
        frame[layers.payload.lowerBound] == 0x81 || frame[layers.payload.lowerBound] == 0x82
      {
        let payload = layers.payload
        let whole = layers.fragment == nil && !layers.payloadTruncated  // recomputed whole below: no sums needed
        let before = whole ? 0 : InternetChecksum.sum(frame, payload)
        bacnet.rewriteBVLL(&frame, payload, conversation: conversation)
        if !whole {
          // The payload starts 8 octets into the UDP header, so its words align with the checksum's.
          oldSum = InternetChecksum.fold(oldSum + before)
          newSum = InternetChecksum.fold(newSum + InternetChecksum.sum(frame, payload))
        }
      }
    case 6: checksumOffset = t + 16
    case 58 where !isV4:
      checksumOffset = t + 2
      let region = t..<layers.payload.upperBound
      let before = InternetChecksum.sum(frame, region)
      rewriteNeighborDiscovery(&frame, region)
      oldSum = InternetChecksum.fold(oldSum + before)
      newSum = InternetChecksum.fold(newSum + InternetChecksum.sum(frame, region))
    default: return
    }
    guard checksumOffset + 2 <= frame.count else { return }
    let isUDP = layers.ipProtocol?.rawValue == 17
    let isUDPv4 = isV4 && isUDP
    let segmentEnd = layers.payload.upperBound
    if isUDP && layers.fragment == nil && !layers.payloadTruncated && segmentEnd <= frame.count
      && segmentEnd > checksumOffset && !(isUDPv4 && frame[checksumOffset] == 0 && frame[checksumOffset + 1] == 0)
    {
      // A whole UDP datagram: compute the checksum afresh (one the sender's NIC never filled in included). TCP and
      // ICMPv6 follow the address change incrementally (cheaper on bulk traffic; tshark does not check TCP by
      // default).
      let length = UInt32(segmentEnd - t)
      let pseudoHeader = newAddressSum + UInt32(layers.ipProtocol?.rawValue ?? 0) + (length >> 16) + (length & 0xFFFF)
      InternetChecksum.store(&frame, at: checksumOffset, over: t..<segmentEnd, plus: pseudoHeader, zeroMeansNone: layers.ipProtocol?.rawValue == 17)
    } else {
      InternetChecksum.adjust(&frame, at: checksumOffset, oldSum: oldSum, newSum: newSum, zeroMeansNone: isUDPv4)
    }
  }

  /// ICMPv6 Neighbor Discovery (RFC 4861): the target address of a Neighbor Solicitation / Advertisement or
  /// Redirect, and the link-layer addresses in source/target link-layer address options.
  private func rewriteNeighborDiscovery(_ frame: inout [UInt8], _ region: Range<Int>) {
    let t = region.lowerBound, end = region.upperBound
    guard end - t >= 8 else { return }
    var options: Int
    switch frame[t] {
    case 133: options = t + 8  // Router Solicitation
    case 134: options = t + 16  // Router Advertisement
    case 135, 136:  // Neighbor Solicitation / Advertisement
      guard end - t >= 24 else { return }
      bacnet.rewriteIPv6(&frame, at: t + 8)
      options = t + 24
    case 137:  // Redirect: target and destination
      guard end - t >= 40 else { return }
      bacnet.rewriteIPv6(&frame, at: t + 8)
      bacnet.rewriteIPv6(&frame, at: t + 24)
      options = t + 40
    default: return
    }
    while end - options >= 2 {
      let length = Int(frame[options + 1]) * 8
      guard length > 0, end - options >= length else { return }
      if (frame[options] == 1 || frame[options] == 2) && length == 8 { bacnet.rewriteMAC(&frame, at: options + 2) }
      options += length
    }
  }

  private func isBACnetPort(_ layers: PacketLayers) -> Bool {
    layers.sourcePort.map(PortSet.bacnet.contains) == true || layers.destinationPort.map(PortSet.bacnet.contains) == true
  }
}

@available(*, unavailable)
extension PacketSanitizer: Sendable {}
