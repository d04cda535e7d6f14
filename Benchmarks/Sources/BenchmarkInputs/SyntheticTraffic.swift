/// A small deterministic pseudo-random generator (SplitMix64): same seed, same sequence, on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  var state: UInt64

  /// Starts the sequence at `seed`.
  public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A value in `0..<bound` (bound > 0).
  public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// True with probability `percent`/100.
  public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Ethernet traffic resembling a building network: BACnet/IP (UDP 47808–47823; ReadProperty,
/// ReadPropertyMultiple, WriteProperty, Who-Is/I-Am, COV notifications, Forwarded-NPDU, routed NPDUs to MS/TP
/// devices, BVLC registration; about 4% of the exchanges 802.1Q-tagged) mixed with noise (TCP/443 data and acks,
/// DNS over IPv4/IPv6/VLAN, ARP, NTP, ICMP), in the proportions of `../shared/tools/gen_capture.py`.
///
/// Deterministic: the same seed gives the same frames. Frames are 60–1514 bytes without FCS.
public struct SyntheticTraffic: Sendable {
  var rng: SplitMix64
  /// Fraction of packets that are BACnet/IP, in percent.
  public let bacnetPercent: Int
  var pending: [[UInt8]] = []
  var ipIdent: UInt16 = 0x1000
  var invoke: UInt8 = 0
  var tcpSeq: [UInt32]
  let pool: [UInt8]

  /// BACnet/IP packets per BACnet event (requests with answers, Who-Is with I-Ams) vs noise packets per event,
  /// used to turn the packet fraction into an event probability.
  static let bacnetPacketsPerEvent = 1.75
  static let noisePacketsPerEvent = 1.0

  /// Creates the generator.
  /// - Parameters:
  ///   - seed: the random seed.
  ///   - bacnetPercent: share of BACnet/IP packets (default 30, as in the workload).
  public init(seed: UInt64, bacnetPercent: Int = 30) {
    rng = SplitMix64(seed: seed)
    self.bacnetPercent = bacnetPercent
    var r = SplitMix64(seed: seed ^ 0x5EED)
    pool = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: r.next()) }
    tcpSeq = (0..<64).map { _ in UInt32(truncatingIfNeeded: r.next()) }
  }

  /// The next frame (Ethernet, link type 1).
  public mutating func nextFrame() -> [UInt8] {
    if !pending.isEmpty { return pending.removeFirst() }
    let f = Double(bacnetPercent) / 100
    let pb = f * Self.noisePacketsPerEvent / (Self.bacnetPacketsPerEvent * (1 - f) + f * Self.noisePacketsPerEvent)
    var frames: [[UInt8]]
    if Double(rng.below(1_000_000)) / 1_000_000 < pb {
      frames = bacnetEvent()
    } else {
      frames = noiseEvent()
    }
    let first = frames.removeFirst()
    pending.append(contentsOf: frames)
    return first
  }

  // MARK: BACnet events

  mutating func bacnetEvent() -> [[UInt8]] {
    let x = rng.below(100)
    let vlan: UInt16? = rng.chance(4) ? 0x2064 : nil
    let device = rng.below(72)
    let routed = device >= 48  // behind the MS/TP router: routed NPDUs with DNET/DADR and SNET/SADR
    let devIP = routed ? ip(10, 20, 1, 2) : ip(10, 20, 1, UInt8(20 + device))
    let devPort: UInt16 = device % 12 == 0 && !routed ? 47809 : 47808
    let client = ip(10, 20, 1, UInt8(5 + rng.below(3)))
    let clientPort: UInt16 = rng.chance(30) ? UInt16(49152 + rng.below(16000)) : 47808
    invoke &+= 1
    let inv = invoke
    let instance = UInt32(routed ? 200_000 + device : 1000 + device * 7)
    let object = objectID(type: UInt32(rng.below(6)), instance: UInt32(1 + rng.below(10)))
    let reqNPDU: [UInt8] = routed ? [0x01, 0x24, 0x07, 0xD1 + UInt8(device & 1), 0x01, UInt8(device - 47), 0xFF] : [0x01, 0x04]
    let ackNPDU: [UInt8] = routed ? [0x01, 0x08, 0x07, 0xD1 + UInt8(device & 1), 0x01, UInt8(device - 47)] : [0x01, 0x00]
    func pair(_ req: [UInt8], _ ack: [UInt8]) -> [[UInt8]] {
      [
        bacnetFrame(client, clientPort, devIP, devPort, bvlc(0x0A, reqNPDU + req), vlan: vlan),
        bacnetFrame(devIP, devPort, client, clientPort, bvlc(0x0A, ackNPDU + ack), vlan: vlan),
      ]
    }
    switch x {
    case 0..<44:  // ReadProperty
      let prop = propertyID()
      let req = [0x02, 0x75, inv, 0x0C] + contextTag(0, object) + contextTag(1, unsigned(prop))
      if rng.chance(6) { return pair(req, [0x50, inv, 0x0C, 0x91, 0x02, 0x91, 0x20]) }
      let ack = [0x30, inv, 0x0C] + contextTag(0, object) + contextTag(1, unsigned(prop)) + [0x3E] + value(prop) + [0x3F]
      return pair(req, ack)
    case 44..<66:  // ReadPropertyMultiple
      var req: [UInt8] = [0x02, 0x75, inv, 0x0E]
      var ack: [UInt8] = [0x30, inv, 0x0E]
      for _ in 0...rng.below(4) {
        let obj = objectID(type: UInt32(rng.below(6)), instance: UInt32(1 + rng.below(10)))
        let props = (0...rng.below(4)).map { _ in propertyID() }
        req += contextTag(0, obj) + [0x1E]
        ack += contextTag(0, obj) + [0x1E]
        for p in props {
          req += contextTag(0, unsigned(p))
          ack += contextTag(2, unsigned(p)) + [0x4E] + value(p) + [0x4F]
        }
        req += [0x1F]
        ack += [0x1F]
      }
      return pair(req, ack)
    case 66..<74:  // WriteProperty
      let req = [0x02, 0x75, inv, 0x0F] + contextTag(0, object) + [0x19, 0x55, 0x3E] + real(21.5) + [0x3F, 0x49, 0x08]
      return pair(req, rng.chance(8) ? [0x50, inv, 0x0F, 0x91, 0x02, 0x91, 0x28] : [0x20, inv, 0x0F])
    case 74..<79:  // Who-Is (global broadcast) and a few I-Am answers
      var frames = [
        bacnetFrame(
          client, clientPort, ip(10, 20, 1, 255), 47808,
          bvlc(0x0B, [0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08]), vlan: nil)
      ]
      for k in 0..<(1 + rng.below(3)) { frames.append(iAm(UInt32(1000 + (device + k) % 48 * 7), from: ip(10, 20, 1, UInt8(20 + (device + k) % 48)))) }
      return frames
    case 79..<82:
      return [iAm(instance, from: devIP)]
    case 82..<86:  // Forwarded-NPDU from a BBMD
      let apdu: [UInt8] = [0x10, 0x00, 0xC4] + objectID(type: 8, instance: UInt32(3000 + rng.below(16))) + [0x22, 0x05, 0xC4, 0x91, 0x00, 0x21, 0x07]
      let body: [UInt8] = [10, 30, 5, UInt8(40 + rng.below(16)), 0xBA, 0xC0, 0x01, 0x00] + apdu
      return [bacnetFrame(ip(10, 20, 1, 1), 47808, ip(10, 20, 1, 255), 47808, bvlc(0x04, body), vlan: nil)]
    case 86..<98:  // unconfirmed COV notification
      let apdu: [UInt8] =
        [0x10, 0x02, 0x09, UInt8(1 + rng.below(40)), 0x1C] + objectID(type: 8, instance: instance) + [0x2C] + object
        + [0x39, UInt8(rng.below(255)), 0x4E, 0x09, 0x55, 0x2E] + real(Float(rng.below(1000)) / 10) + [0x2F, 0x09, 0x6F, 0x2E, 0x82, 0x04, 0x00, 0x2F, 0x4F]
      return [bacnetFrame(devIP, devPort, client, 47808, bvlc(0x0A, ackNPDU + apdu), vlan: vlan)]
    default:  // Register-Foreign-Device and BVLC-Result
      return [
        bacnetFrame(ip(10, 20, 1, 77), 47808, ip(10, 20, 1, 1), 47808, [0x81, 0x05, 0x00, 0x06, 0x01, 0x2C], vlan: nil),
        bacnetFrame(ip(10, 20, 1, 1), 47808, ip(10, 20, 1, 77), 47808, [0x81, 0x00, 0x00, 0x06, 0x00, 0x00], vlan: nil),
      ]
    }
  }

  mutating func iAm(_ instance: UInt32, from source: [UInt8]) -> [UInt8] {
    let apdu: [UInt8] = [0x10, 0x00, 0xC4] + objectID(type: 8, instance: instance) + [0x22, 0x05, 0xC4, 0x91, 0x03, 0x21, 0x05]
    return bacnetFrame(source, 47808, ip(10, 20, 1, 255), 47808, bvlc(0x0B, [0x01, 0x00] + apdu), vlan: nil, broadcast: true)
  }

  mutating func propertyID() -> UInt32 { [85, 77, 111, 117, 81, 28, 121, 76][rng.below(8)] }

  mutating func value(_ property: UInt32) -> [UInt8] {
    switch property {
    case 85: return real(Float(rng.below(12_000)) / 100 - 10)
    case 77: return characterString("AHU-\(rng.below(48)).ZoneTemp-\(rng.below(10))")
    case 28: return characterString("Point \(rng.below(10)) of VAV-\(rng.below(100)) (building 4, level \(rng.below(5)))")
    case 111: return [0x82, 0x04, 0x00]
    case 117: return [0x91, 62]
    case 81: return [0x10]
    case 121: return characterString("Delta Controls")
    default: return (0..<(1 + rng.below(8))).flatMap { i in [0xC4] + objectID(type: 0, instance: UInt32(i)) }
    }
  }

  // MARK: Noise events

  mutating func noiseEvent() -> [[UInt8]] {
    let host = UInt8(100 + rng.below(30))
    let server = ip(203, 0, 113, UInt8(10 + rng.below(10)))
    switch rng.below(100) {
    case 0..<46:  // TLS application data
      let flow = rng.below(64)
      let size = 40 + rng.below(1420)
      tcpSeq[flow] &+= UInt32(size)
      let payload = [0x17, 0x03, 0x03, UInt8(size >> 8), UInt8(size & 0xFF)] + filler(size - 5)
      return [ethernet(ipv4(ip(10, 20, 1, host), server, 6, tcp(UInt16(40000 + flow), 443, tcpSeq[flow], payload)))]
    case 46..<64:  // TCP ack
      let flow = rng.below(64)
      return [ethernet(ipv4(server, ip(10, 20, 1, host), 6, tcp(443, UInt16(40000 + flow), tcpSeq[flow], [])))]
    case 64..<78:  // DNS query and answer
      let q = dnsQuery()
      let c = ip(10, 20, 1, host), d = ip(10, 20, 0, 53)
      let port = UInt16(33000 + rng.below(20000))
      return [
        ethernet(ipv4(c, d, 17, udp(port, 53, q))),
        ethernet(ipv4(d, c, 17, udp(53, port, q + [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4] + server))),
      ]
    case 78..<85:  // ARP
      return [arp(ip(10, 20, 1, host), ip(10, 20, 1, 254))]
    case 85..<90:  // DNS over IPv6
      let src: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 1, 0x02, 0x1B, 0x4F, 0xFF, 0xFE, 0, 2, host]
      let dst: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [0x35]
      return [ethernet(ipv6(src, dst, udp(UInt16(33000 + rng.below(20000)), 53, dnsQuery())), etherType: 0x86DD)]
    case 90..<97:  // VLAN-tagged DNS
      return [ethernet(ipv4(ip(10, 20, 1, host), ip(10, 20, 0, 53), 17, udp(UInt16(33000 + rng.below(20000)), 53, dnsQuery())), vlan: 0x0064)]
    case 97..<99:  // NTP
      return [ethernet(ipv4(ip(10, 20, 1, host), ip(10, 20, 0, 123), 17, udp(123, 123, [0x23] + filler(47))))]
    default:  // ICMP echo
      return [ethernet(ipv4(ip(10, 20, 1, host), server, 1, [8, 0, 0, 0, 0, 1, 0, UInt8(rng.below(255))] + filler(56)))]
    }
  }

  mutating func dnsQuery() -> [UInt8] {
    let names = ["time.example.com", "updates.vendor-bms.example.net", "api.weather.example.org", "cdn.example.net"]
    var q: [UInt8] = [UInt8(rng.below(256)), UInt8(rng.below(256)), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
    for label in names[rng.below(names.count)].split(separator: ".") {
      q.append(UInt8(label.utf8.count))
      q += Array(label.utf8)
    }
    return q + [0, 0, 1, 0, 1]
  }

  mutating func filler(_ n: Int) -> [UInt8] {
    let at = rng.below(pool.count - 1600)
    return Array(pool[at..<(at + n)])
  }

  // MARK: Layers

  func ip(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> [UInt8] { [a, b, c, d] }

  func objectID(type: UInt32, instance: UInt32) -> [UInt8] { be32(type << 22 | instance) }

  func unsigned(_ v: UInt32) -> [UInt8] { v < 0x100 ? [UInt8(v)] : v < 0x10000 ? Array(be32(v)[2...]) : Array(be32(v)[1...]) }

  func real(_ v: Float) -> [UInt8] { [0x44] + be32(v.bitPattern) }

  func characterString(_ s: String) -> [UInt8] {
    let body = [0] + Array(s.utf8)
    return body.count < 5 ? [0x70 | UInt8(body.count)] + body : [0x75, UInt8(body.count)] + body
  }

  func contextTag(_ n: UInt8, _ data: [UInt8]) -> [UInt8] { [n << 4 | 0x08 | UInt8(data.count)] + data }

  func bvlc(_ function: UInt8, _ body: [UInt8]) -> [UInt8] {
    let n = body.count + 4
    return [0x81, function, UInt8(n >> 8), UInt8(n & 0xFF)] + body
  }

  mutating func bacnetFrame(
    _ src: [UInt8], _ sport: UInt16, _ dst: [UInt8], _ dport: UInt16, _ payload: [UInt8], vlan: UInt16?, broadcast: Bool = false
  ) -> [UInt8] {
    ethernet(ipv4(src, dst, 17, udp(sport, dport, payload)), vlan: vlan, broadcast: broadcast || dst[3] == 255)
  }

  func udp(_ sport: UInt16, _ dport: UInt16, _ payload: [UInt8]) -> [UInt8] {
    be16(sport) + be16(dport) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
  }

  func tcp(_ sport: UInt16, _ dport: UInt16, _ seq: UInt32, _ payload: [UInt8]) -> [UInt8] {
    be16(sport) + be16(dport) + be32(seq) + be32(seq &+ 1) + [0x50, payload.isEmpty ? 0x10 : 0x18, 0x01, 0xF5, 0, 0, 0, 0] + payload
  }

  mutating func ipv4(_ src: [UInt8], _ dst: [UInt8], _ proto: UInt8, _ payload: [UInt8]) -> [UInt8] {
    ipIdent &+= 1
    var h: [UInt8] = [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(ipIdent) + [0, 0, 64, proto, 0, 0] + src + dst
    var sum: UInt32 = 0
    for i in stride(from: 0, to: 20, by: 2) { sum += UInt32(h[i]) << 8 | UInt32(h[i + 1]) }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    let c = ~UInt16(sum)
    h[10] = UInt8(c >> 8)
    h[11] = UInt8(c & 0xFF)
    return h + payload
  }

  func ipv6(_ src: [UInt8], _ dst: [UInt8], _ payload: [UInt8]) -> [UInt8] {
    [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [17, 64] + src + dst + payload
  }

  func arp(_ sender: [UInt8], _ target: [UInt8]) -> [UInt8] {
    let body: [UInt8] = [0, 1, 8, 0, 6, 4, 0, 1] + mac(sender[3]) + sender + [0, 0, 0, 0, 0, 0] + target
    return ethernet(body, etherType: 0x0806, broadcast: true)
  }

  func mac(_ i: UInt8) -> [UInt8] { [0x00, 0x1B, 0x4F, 0x00, 0x01, i] }

  func ethernet(_ payload: [UInt8], etherType: UInt16 = 0x0800, vlan: UInt16? = nil, broadcast: Bool = false) -> [UInt8] {
    var f = (broadcast ? [UInt8](repeating: 0xFF, count: 6) : mac(UInt8(truncatingIfNeeded: payload.count))) + mac(0xFE)
    if let vlan { f += [0x81, 0x00] + be16(vlan) }
    f += be16(etherType) + payload
    if f.count < 60 { f += [UInt8](repeating: 0, count: 60 - f.count) }
    return f
  }
}

/// Big-endian bytes of a 16-bit value.
func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
/// Big-endian bytes of a 32-bit value.
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
