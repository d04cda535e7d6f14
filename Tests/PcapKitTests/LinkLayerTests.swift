import Testing
@testable import PcapKit
import OptigoTestSupport

@Suite struct LinkLayerTests {
  typealias F = Frames

  func walk(_ linkType: LinkType, _ bytes: [UInt8]) -> PacketLayers {
    PacketLayers(linkType: linkType, frame: bytes[...])
  }

  @Test("Ethernet II / IPv4 / UDP BACnet: ports, addresses, payload without padding")
  func ethernetUDP() {
    let frame = F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs)))
    let l = walk(.ethernet, frame)
    #expect(l.stop == .complete)
    #expect(l.network == .ipv4)
    #expect(l.etherType == .ipv4)
    #expect(l.transport == .udp)
    #expect(l.sourcePort == 47808 && l.destinationPort == 47808)
    #expect(l.source == .v4(0x0A14_0114))
    #expect(l.destination?.description == "10.20.1.255")
    #expect(l.networkIndex == 14)
    #expect(l.transportIndex == 34)
    #expect(l.payload == 42..<54)  // the frame is padded to 60: the UDP length trims it
    #expect(Array(frame[l.payload]) == F.whoIs)
    #expect(!l.payloadTruncated)
    #expect(l.vlans.isEmpty && l.fragment == nil && l.llc == nil)
  }

  @Test("positions are indices of the slice passed in")
  func sliceIndices() {
    let frame = [UInt8](repeating: 0xEE, count: 100) + F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(1, 47809, F.whoIs)))
    let slice = frame[100...]
    let l = PacketLayers(linkType: .ethernet, frame: slice)
    #expect(l.payload == 142..<154)
    #expect(Array(slice[l.payload]) == F.whoIs)
  }

  @Test("stacked 802.1Q / 802.1ad / 0x9100 tags are walked and their VLAN ids recorded")
  func vlanStack() {
    let inner = F.ipv4(proto: 17, F.udp(47808, 47809, F.whoIs))
    let one = walk(.ethernet, F.ethernet(0x0800, inner, tags: [(0x8100, 100)]))
    #expect(Array(one.vlans) == [100])
    #expect(one.destinationPort == 47809 && one.stop == .complete)
    let qinq = walk(.ethernet, F.ethernet(0x0800, inner, tags: [(0x88A8, 300), (0x8100, 4094)]))
    #expect(Array(qinq.vlans) == [300, 4094])
    #expect(qinq.networkIndex == 22)
    let legacy = walk(.ethernet, F.ethernet(0x86DD, F.ipv6(next: 17, F.udp(5, 47823, [1])), tags: [(0x9100, 7), (0x8100, 8), (0x8100, 9)]))
    #expect(Array(legacy.vlans) == [7, 8, 9])
    #expect(legacy.network == .ipv6 && legacy.destinationPort == 47823)
    let tooMany = walk(.ethernet, F.ethernet(0x0800, inner, tags: Array(repeating: (0x8100, 1), count: 5)))
    #expect(tooMany.stop == .tooManyHeaders)
    #expect(tooMany.vlans.count == 4)
    #expect(tooMany.transport == .none)
  }

  @Test("802.3 length frame with LLC 82 82 03 (BACnet/Ethernet): LLC fields and payload trimmed by length")
  func llcBACnet() {
    let npdu: [UInt8] = [0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08]
    let llcBytes: [UInt8] = [0x82, 0x82, 0x03] + npdu
    let frame = F.ethernet(UInt16(llcBytes.count), llcBytes)  // padded to 60
    let l = walk(.ethernet, frame)
    #expect(l.stop == .complete)
    #expect(l.network == .llc)
    #expect(l.llc == LLCHeader(dsap: 0x82, ssap: 0x82, control: 0x03))
    #expect(l.llc?.isBACnet == true)
    #expect(l.payload == 17..<25)
    #expect(Array(frame[l.payload]) == npdu)
    #expect(l.etherType == nil && l.transport == .none)
    // An I-format control (low bits 00) is two bytes.
    let iFrame = walk(.ethernet, F.ethernet(6, [0x42, 0x42, 0x00, 0x05, 9, 9]))
    #expect(iFrame.llc?.control == 0x0005)
    #expect(iFrame.payload == 18..<20)
  }

  @Test("SNAP with OUI 0 carries an EtherType, which is followed")
  func snap() {
    let ip = F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs))
    let snapBytes: [UInt8] = [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00] + ip
    let l = walk(.ethernet, F.ethernet(UInt16(snapBytes.count), snapBytes))
    #expect(l.llc?.snapOUI == 0 && l.llc?.snapProtocol == 0x0800)
    #expect(l.network == .ipv4 && l.destinationPort == 47808 && l.stop == .complete)
  }

  @Test("ARP and IPX are reported as not IP")
  func notIP() {
    let arp = walk(.ethernet, F.ethernet(0x0806, [UInt8](repeating: 1, count: 28)))
    #expect(arp.stop == .unsupportedNetwork && arp.etherType == .arp && arp.network == .other)
    #expect(arp.payload == 14..<60)
    let ipx = walk(.ethernet, F.ethernet(30, [0xFF, 0xFF] + [UInt8](repeating: 0, count: 28)))
    #expect(ipx.stop == .unsupportedNetwork)
  }

  @Test("Linux cooked v1 and v2 headers")
  func cooked() {
    let ip = F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs))
    let sll: [UInt8] = F.be16(0) + F.be16(1) + F.be16(6) + F.macA + [0, 0] + F.be16(0x0800)
    let l1 = walk(.linuxSLL, sll + ip)
    #expect(l1.stop == .complete && l1.networkIndex == 16 && l1.payload == 44..<56)
    let v6 = F.ipv6(next: 17, F.udp(47808, 47820, F.whoIs))
    let sll2: [UInt8] = F.be16(0x86DD) + [0, 0] + F.be32(3) + F.be16(1) + [4, 6] + F.macA + [0, 0]
    let l2 = walk(.linuxSLL2, sll2 + v6)
    #expect(l2.stop == .complete && l2.network == .ipv6 && l2.destinationPort == 47820)
    #expect(l2.source?.description == "2001:db8::1")
    #expect(l2.destination?.description == "fe80::35")
    let llcOverSLL = walk(.linuxSLL, Array(sll.dropLast(2)) + F.be16(0x0004) + [0x82, 0x82, 0x03, 1, 2])
    #expect(llcOverSLL.llc?.isBACnet == true && llcOverSLL.payload == 19..<21)
    let vlanOverSLL = walk(.linuxSLL, Array(sll.dropLast(2)) + F.be16(0x8100) + F.be16(55) + F.be16(0x0800) + ip)
    #expect(Array(vlanOverSLL.vlans) == [55] && vlanOverSLL.destinationPort == 47808)
  }

  @Test("raw IP link types 101, 228, 229")
  func rawIP() {
    let v4 = F.ipv4(proto: 17, F.udp(1000, 47808, F.whoIs))
    let v6 = F.ipv6(next: 17, F.udp(1000, 47808, F.whoIs))
    #expect(walk(.raw, v4).network == .ipv4)
    #expect(walk(.raw, v6).network == .ipv6)
    #expect(walk(.ipv4, v4).payload == 28..<40)
    #expect(walk(.ipv6, v6).payload == 48..<60)
    #expect(walk(.raw, [0x50] + v4.dropFirst()).stop == .malformed)
    #expect(walk(.ipv4, v6).stop == .malformed)
  }

  @Test("null/loopback: address family in either byte order, IPv6 as 24, 28 or 30", arguments: [LinkType.null, .loop])
  func loopback(_ linkType: LinkType) {
    let v4 = F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs))
    let v6 = F.ipv6(next: 17, F.udp(47808, 47808, F.whoIs))
    #expect(walk(linkType, [2, 0, 0, 0] + v4).network == .ipv4)
    #expect(walk(linkType, [0, 0, 0, 2] + v4).destinationPort == 47808)
    for family: UInt8 in [24, 28, 30] {
      #expect(walk(linkType, [family, 0, 0, 0] + v6).network == .ipv6)
      #expect(walk(linkType, [0, 0, 0, family] + v6).payload == 52..<64)
    }
    #expect(walk(linkType, [7, 0, 0, 0] + v4).stop == .unsupportedNetwork)
  }

  @Test("IPv4 options shift the transport header")
  func ipv4Options() {
    let frame = F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47811, F.whoIs), options: [0x94, 0x04, 0, 0, 1, 1, 1, 0]))
    let l = walk(.ethernet, frame)
    #expect(l.transportIndex == 42)
    #expect(l.destinationPort == 47811)
    #expect(Array(frame[l.payload]) == F.whoIs)
  }

  @Test("IPv4 fragments: the first has ports and fragment info, later ones stop before the transport")
  func ipv4Fragments() {
    let first = walk(.ethernet, F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs), id: 77, flagsOffset: 0x2000)))
    #expect(first.fragment == FragmentInfo(identification: 77, offset: 0, moreFragments: true))
    #expect(first.fragment?.isFirst == true)
    #expect(first.destinationPort == 47808)
    let later = walk(.ethernet, F.ethernet(0x0800, F.ipv4(proto: 17, [1, 2, 3, 4, 5, 6, 7, 8], id: 77, flagsOffset: 185)))
    #expect(later.stop == .nonFirstFragment)
    #expect(later.fragment == FragmentInfo(identification: 77, offset: 1480, moreFragments: false))
    #expect(later.ipProtocol == .udp)
    #expect(later.sourcePort == nil && later.transport == .none)
    #expect(later.payload == 34..<42)
    let dontFragment = walk(.ethernet, F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(1, 2, []), flagsOffset: 0x4000)))
    #expect(dontFragment.fragment == nil)
  }

  @Test("IPv6 extension headers are walked; a non-first fragment stops; the chain length is bounded")
  func ipv6Extensions() {
    let udp = F.udp(47808, 47808, F.whoIs)
    let chained = walk(.ipv6, F.ipv6(next: 0, F.ext(next: 43) + F.ext(next: 60) + F.ext(next: 17) + udp))
    #expect(chained.stop == .complete && chained.ipProtocol == .udp && chained.transportIndex == 64)
    let firstFragment = walk(.ipv6, F.ipv6(next: 44, F.fragmentHeader(next: 17, offset: 0, more: true, id: 9) + udp))
    #expect(firstFragment.fragment == FragmentInfo(identification: 9, offset: 0, moreFragments: true))
    #expect(firstFragment.destinationPort == 47808)
    let laterFragment = walk(.ipv6, F.ipv6(next: 44, F.fragmentHeader(next: 17, offset: 1232, more: false, id: 9) + [1, 2, 3]))
    #expect(laterFragment.stop == .nonFirstFragment && laterFragment.fragment?.offset == 1232)
    #expect(laterFragment.ipProtocol == .udp && laterFragment.payload == 48..<51)
    let ah = walk(.ipv6, F.ipv6(next: 51, [17, 4, 0, 0] + [UInt8](repeating: 0, count: 20) + udp))
    #expect(ah.destinationPort == 47808 && ah.transportIndex == 64)
    var long: [UInt8] = []
    for _ in 0..<9 { long += F.ext(next: 60) }
    let tooMany = walk(.ipv6, F.ipv6(next: 60, long + udp))
    #expect(tooMany.stop == .tooManyHeaders)
    let icmp = walk(.ipv6, F.ipv6(next: 58, [128, 0, 0, 0]))
    #expect(icmp.stop == .unsupportedTransport && icmp.transport == .other && icmp.ipProtocol == .icmpv6)
  }

  @Test("TCP ports and payload after the data offset")
  func tcp() {
    let frame = F.ethernet(0x0800, F.ipv4(proto: 6, F.tcp(47808, 50000, [9, 9, 9], optionWords: 3)))
    let l = walk(.ethernet, frame)
    #expect(l.transport == .tcp && l.sourcePort == 47808 && l.destinationPort == 50000)
    #expect(l.payload == 66..<69)  // IPv4 total length trims the padding
  }

  @Test("MS/TP frames pass through whole")
  func mstp() {
    let frame: [UInt8] = [0x55, 0xFF, 0x01, 0x05, 0x03, 0x00, 0x00, 0x8C]
    let l = walk(.bacnetMSTP, frame)
    #expect(l.network == .mstp && l.stop == .complete && l.payload == 0..<8)
  }

  @Test("unknown link types are reported, not guessed")
  func unknownLinkType() {
    let l = walk(LinkType(rawValue: 147), [1, 2, 3])
    #expect(l.stop == .unsupportedLinkType && l.network == .none)
  }

  @Test("snap-length truncation: ports kept when captured, payloadTruncated set")
  func snapLength() {
    let full = F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs)), pad: false)
    let cut = walk(.ethernet, Array(full.prefix(46)))
    #expect(cut.stop == .complete && cut.payloadTruncated && cut.payload == 42..<46)
    let portsOnly = walk(.ethernet, Array(full.prefix(38)))
    #expect(portsOnly.stop == .truncated && portsOnly.destinationPort == 47808 && portsOnly.transport == .udp)
  }

  @Test("every prefix of every frame walks without trapping and never reports bytes beyond the prefix")
  func everyPrefix() {
    let cases: [(LinkType, [UInt8])] = [
      (.ethernet, F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs), options: [1, 1, 1, 0]), tags: [(0x88A8, 1), (0x8100, 2)])),
      (.ethernet, F.ethernet(0x86DD, F.ipv6(next: 0, F.ext(next: 44) + F.fragmentHeader(next: 6, offset: 0, more: true, id: 1) + F.tcp(1, 2, [3])))),
      (.ethernet, F.ethernet(11, [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00, 0x45, 0, 0])),
      (.linuxSLL2, F.be16(0x0800) + [UInt8](repeating: 0, count: 18) + F.ipv4(proto: 17, F.udp(1, 2, [3]))),
      (.null, [30, 0, 0, 0] + F.ipv6(next: 17, F.udp(1, 2, [3]))),
    ]
    for (linkType, frame) in cases {
      for n in 0...frame.count {
        let l = walk(linkType, Array(frame.prefix(n)))
        #expect(l.payload.lowerBound >= 0 && l.payload.upperBound <= n, "prefix \(n)")
        #expect(l.stopIndex <= n)
        if n < frame.count, n < 14 { #expect(l.stop == .truncated) }
      }
    }
  }

  @Test("random bytes on every link type: no trap, ranges inside the frame")
  func hostileBytes() {
    var rng = SplitMix(seed: 42)
    let linkTypes: [LinkType] = [.ethernet, .raw, .ipv4, .ipv6, .null, .loop, .linuxSLL, .linuxSLL2, .bacnetMSTP]
    for i in 0..<4000 {
      let count = Int(rng.next() % 120)
      var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      // Bias towards reaching deep layers: plausible type fields.
      if count > 14, i % 2 == 0 { bytes[12] = [0x81, 0x08, 0x86, 0x88][i / 2 % 4]; bytes[13] = [0x00, 0x00, 0xDD, 0xA8][i / 2 % 4] }
      if count > 0, i % 3 == 0 { bytes[0] = [0x45, 0x4F, 0x60][i % 3 == 0 ? i / 3 % 3 : 0] }
      let l = walk(linkTypes[i % linkTypes.count], bytes)
      #expect(l.payload.lowerBound >= 0 && l.payload.upperBound <= count && l.stopIndex <= count)
    }
  }

  @Test("IPv6 text follows RFC 5952")
  func ipv6Text() {
    #expect(IPAddress.v6(high: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0001).description == "2001:db8::1")
    #expect(IPAddress.v6(high: 0, low: 0).description == "::")
    #expect(IPAddress.v6(high: 0x2001_0db8_0000_0001, low: 0x0000_0000_0001_0001).description == "2001:db8:0:1::1:1")
    #expect(IPAddress.v6(high: 0x2001_0db8_0001_0001, low: 0x0001_0001_0001_0001).description == "2001:db8:1:1:1:1:1:1")
    #expect(IPAddress.v4(0xC0A8_0001).description == "192.168.0.1")
  }
}

/// A small deterministic generator for the hostile-input tests.
typealias SplitMix = SplitMix64
