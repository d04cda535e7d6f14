import Testing
@testable import PcapKit

@Suite struct FilterPredicateTests {
  typealias F = Frames

  func layers(_ frame: [UInt8], _ linkType: LinkType = .ethernet) -> PacketLayers {
    PacketLayers(linkType: linkType, frame: frame[...])
  }

  @Test("UDP on the port set is kept by source or destination; other ports, TCP and ICMP are dropped")
  func basic() {
    let f = PortFilter()
    #expect(f.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 53, []))))) == .portMatch)
    #expect(f.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(53, 47823, []))))) == .portMatch)
    #expect(f.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(53, 47824, []))))) == .portMismatch)
    #expect(f.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 6, F.tcp(47808, 1, []))))) == .otherTransport)
    #expect(f.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 1, [8, 0, 0, 0])))) == .otherTransport)
    let tcp = PortFilter(transport: .tcp)
    #expect(tcp.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 6, F.tcp(47808, 1, []))))) == .portMatch)
    #expect(tcp.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 1, []))))) == .otherTransport)
  }

  @Test("frames without IP are dropped by kind, or kept with keepNonIP")
  func nonIP() {
    let arp = layers(F.ethernet(0x0806, [UInt8](repeating: 0, count: 28)))
    let llc = layers(F.ethernet(5, [0x82, 0x82, 0x03, 1, 0]))
    let mstp = layers([0x55, 0xFF, 0, 1, 2, 0, 0, 0], .bacnetMSTP)
    let can = layers([1, 2, 3], LinkType(rawValue: 227))
    let drop = PortFilter(), keep = PortFilter(keepNonIP: true)
    #expect(drop.verdict(for: arp) == .notIP && drop.verdict(for: llc) == .llc && drop.verdict(for: mstp) == .mstp)
    #expect(drop.verdict(for: can) == .unsupportedLinkType)
    for l in [arp, llc, mstp, can] { #expect(keep.verdict(for: l) == .nonIPKept) }
    // keepNonIP never keeps IP on other ports.
    #expect(keep.verdict(for: layers(F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(1, 2, []))))) == .portMismatch)
  }

  @Test("truncation: kept when the ports were captured, damaged otherwise")
  func truncated() {
    let full = F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 47808, F.whoIs)), pad: false)
    #expect(PortFilter().verdict(for: layers(Array(full.prefix(38)))) == .portMatch)
    #expect(PortFilter().verdict(for: layers(Array(full.prefix(36)))) == .damaged)
    #expect(PortFilter().verdict(for: layers(Array(full.prefix(10)))) == .damaged)
  }

  @Test("the account line names each non-zero reason")
  func account() {
    var a = FilterAccount()
    for _ in 0..<3 { a.add(.portMatch) }
    a.add(.fragmentOfMatch)
    for _ in 0..<5 { a.add(.portMismatch) }
    a.add(.notIP)
    #expect(a.read == 10 && a.kept == 4 && a.dropped == 6)
    #expect(a.description == "read 10, kept 4 (port 3, fragment 1), dropped 6 (other-port 5, not-ip 1)")
  }
}

@Suite struct FragmentFilterTests {
  typealias F = Frames

  func packet(_ id: UInt16, offset: UInt16, more: Bool, port: UInt16 = 47808, src: UInt32 = 0x0A00_0001) -> PacketLayers {
    let flags = (more ? 0x2000 : 0) | offset / 8
    let payload = offset == 0 ? F.udp(port, port, [UInt8](repeating: 7, count: 16)) : [UInt8](repeating: 7, count: 16)
    let frame = F.ethernet(0x0800, F.ipv4(proto: 17, src: src, payload, id: id, flagsOffset: flags))
    return PacketLayers(linkType: .ethernet, frame: frame[...])
  }

  func plain(_ port: UInt16) -> PacketLayers {
    let frame = F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(port, port, [])))
    return PacketLayers(linkType: .ethernet, frame: frame[...])
  }

  /// Runs the filter over labelled packets and returns the labels written, in order.
  func run(_ input: [(String, PacketLayers)], window: Int = 1024) -> (written: [String], account: FilterAccount) {
    var f = FragmentAwareFilter<String>(predicate: PortFilter(), window: window)
    var out: [String] = []
    for (label, l) in input {
      switch f.submit(l) {
      case .keep: out.append(label)
      case .drop: break
      case .hold: f.hold(label, byteCount: 100)
      }
      while let item = f.popReady() { out.append(item) }
    }
    f.finish()
    while let item = f.popReady() { out.append(item) }
    return (out, f.account)
  }

  @Test("later fragments of a matching datagram are kept; of a non-matching one dropped")
  func inOrder() {
    let r = run([
      ("a1", packet(1, offset: 0, more: true)), ("a2", packet(1, offset: 1480, more: true)),
      ("b1", packet(2, offset: 0, more: true, port: 53)), ("b2", packet(2, offset: 1480, more: false)),
      ("a3", packet(1, offset: 2960, more: false)),
    ])
    #expect(r.written == ["a1", "a2", "a3"])
    #expect(r.account[.fragmentOfMatch] == 2 && r.account[.unmatchedFragment] == 1 && r.account[.portMismatch] == 1)
  }

  @Test("a later fragment before its first is held, then kept in input order")
  func outOfOrder() {
    let r = run([
      ("a2", packet(1, offset: 1480, more: false)), ("x", plain(47809)), ("y", plain(53)),
      ("a1", packet(1, offset: 0, more: true)), ("z", plain(47810)),
    ])
    #expect(r.written == ["a2", "x", "a1", "z"])
    #expect(r.account.kept == 4 && r.account.read == 5)
  }

  @Test("a held fragment whose first fragment does not match is dropped; order of the rest kept")
  func outOfOrderMismatch() {
    let r = run([("b2", packet(5, offset: 8, more: false)), ("x", plain(47809)), ("b1", packet(5, offset: 0, more: true, port: 99))])
    #expect(r.written == ["x"])
    #expect(r.account[.unmatchedFragment] == 1)
  }

  @Test("a fragment whose first fragment never arrives is dropped once the window is exceeded")
  func windowExpiry() {
    var input: [(String, PacketLayers)] = [("orphan", packet(9, offset: 8, more: false))]
    for i in 0..<10 { input.append(("k\(i)", plain(47808))) }
    input.append(("late-first", packet(9, offset: 0, more: true)))
    let r = run(input, window: 4)
    #expect(r.written == (0..<10).map { "k\($0)" } + ["late-first"])
    #expect(r.account[.unmatchedFragment] == 1)
    // With a large window the same first fragment arrives in time.
    #expect(run(input, window: 64).written.first == "orphan")
  }

  @Test("datagrams are told apart by source address and identification")
  func keys() {
    let r = run([
      ("a1", packet(1, offset: 0, more: true)), ("other-src", packet(1, offset: 8, more: false, src: 0x0A00_0002)),
      ("other-id", packet(2, offset: 8, more: false)),
    ])
    #expect(r.written == ["a1"])
  }
}

@Suite struct QuickVerdictTests {
  typealias F = Frames

  /// Frames built from random header fields around plausible values, plus the hand-made test frames.
  func frames() -> [[UInt8]] {
    var rng = SplitMix(seed: 7)
    func r(_ n: UInt64) -> Int { Int(rng.next() % n) }
    var out: [[UInt8]] = []
    let ports: [UInt16] = [47808, 47823, 47824, 53, 0, 65535]
    for k in 0..<6000 {
      let payload = [UInt8](repeating: 0x55, count: r(40))
      let transport = k % 3 == 0 ? F.tcp(ports[r(6)], ports[r(6)], payload) : F.udp(ports[r(6)], ports[r(6)], payload)
      let protos: [UInt8] = [17, 6, 1, 0, 44, 60, 59, 58]
      let proto = protos[r(8)]
      var ip: [UInt8]
      if k % 2 == 0 {
        let flags: [UInt16] = [0, 0, 0x4000, 0x2000, 185, 0x2001]
        ip = F.ipv4(proto: proto, transport, options: [UInt8](repeating: 1, count: 4 * r(3)), flagsOffset: flags[r(6)],
                    totalLength: r(5) == 0 ? r(80) : nil)
      } else {
        ip = F.ipv6(next: proto, proto == 44 ? F.fragmentHeader(next: 17, offset: 0, more: true, id: 1) + transport : transport)
        if r(6) == 0 { ip[4] = UInt8(r(256)); ip[5] = UInt8(r(256)) }
      }
      if r(8) == 0 { ip[0] = UInt8(r(256)) }
      let tagSets: [[(UInt16, UInt16)]] = [[], [], [(0x8100, 5)], [(0x88A8, 1), (0x8100, 2)], [(0x8100, 1), (0x8100, 2), (0x8100, 3)], [(0x9100, 4)]]
      var frame = F.ethernet(k % 2 == 0 ? 0x0800 : 0x86DD, ip, tags: tagSets[r(6)], pad: r(2) == 0)
      if r(10) == 0 { frame = Array(frame.prefix(r(UInt64(frame.count + 1)))) }
      out.append(frame)
    }
    return out
  }

  @Test("the quick verdict, when it gives one, always equals the full walk's", arguments: [
    PortFilter(), PortFilter(transport: .any), PortFilter(ports: PortSet([0...100]), transport: .tcp, keepNonIP: true),
  ])
  func agrees(_ filter: PortFilter) {
    var quick = 0
    for frame in frames() {
      let full = filter.verdict(linkType: .ethernet, frame: frame[...])
      if let q = filter.quickVerdict(linkType: .ethernet, frame: frame[...]) {
        quick += 1
        #expect(q == full, "\(frame)")
      }
    }
    #expect(quick > 1000)  // the shortcut is actually taken for ordinary frames
  }

  @Test("other link types, LLC, fragments and extension headers take the full walk")
  func declines() {
    let f = PortFilter()
    #expect(f.quickVerdict(linkType: .raw, frame: F.ipv4(proto: 17, F.udp(47808, 47808, []))[...]) == nil)
    #expect(f.quickVerdict(linkType: .ethernet, frame: F.ethernet(5, [0x82, 0x82, 0x03, 1, 0])[...]) == nil)
    #expect(f.quickVerdict(linkType: .ethernet, frame: F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 1, []), flagsOffset: 0x2000))[...]) == nil)
    #expect(f.quickVerdict(linkType: .ethernet, frame: F.ethernet(0x86DD, F.ipv6(next: 0, F.ext(next: 17) + F.udp(47808, 1, [])))[...]) == nil)
    #expect(f.quickVerdict(linkType: .ethernet, frame: F.ethernet(0x0800, F.ipv4(proto: 17, F.udp(47808, 1, [])))[...]) == .portMatch)
  }
}
