internal import PcapKit

/// Keyed, consistent pseudonyms for every kind of address a BACnet capture carries: IPv4 and IPv6 (Crypto-PAn,
/// prefix-preserving), Ethernet MAC addresses, BACnet/IPv6 virtual addresses and MS/TP station numbers (keyed
/// permutations). Every map is a bijection, so distinct devices stay distinct; results are cached.
///
/// IPv4 rules, in order:
/// 1. kept as they are: 0.0.0.0/8, 127.0.0.0/8, multicast 224.0.0.0/4 and 240.0.0.0/4 (with 255.255.255.255);
/// 2. with ``SanitizerConfiguration/keepPrivateRanges``, 10/8, 172.16/12, 192.168/16 and 169.254/16 keep their
///    prefix and the rest is Crypto-PAn's, so a private address stays a private address of the same range;
/// 3. a last octet of 0 or 255 is kept (the network and directed-broadcast addresses of a /24 stay those of the
///    pseudonymized /24); other last octets are walked through Crypto-PAn's permutation of the last octet until
///    they are neither 0 nor 255;
/// 4. a public address whose pseudonym falls into a kept or private range is walked again through the map (cycle
///    walking), which keeps the map a bijection; only these rare walked addresses lose prefix preservation.
///
/// IPv6: `::`, `::1` and multicast `ff00::/8` are kept; with private ranges kept, `fe80::/10` and `fc00::/7` keep
/// their prefix.
final class AddressPseudonymizer {
  let configuration: SanitizerConfiguration
  let map: PseudonymMap?
  private let cryptoPAn: CryptoPAn
  private let macPermutation: KeyedPermutation
  private let nicPermutation: KeyedPermutation
  private let vmacPermutation: KeyedPermutation
  private let mstpPermutation: KeyedPermutation
  /// MS/TP pseudonyms computed so far (-1: not yet).
  private var mstpTable = [Int16](repeating: -1, count: 256)
  private var v4Cache: [UInt32: UInt32] = [:]
  private var v6Cache: [IPv6Value: IPv6Value] = [:]
  private var macCache: [UInt64: UInt64] = [:]
  // Direct-mapped caches in front of the dictionaries: the same few addresses come packet after packet.
  private var recentIPv4 = [UInt64](repeating: .max, count: 256)  // address << 32 | pseudonym
  private var recentMACKeys = [UInt64](repeating: .max, count: 256)
  private var recentMACValues = [UInt64](repeating: 0, count: 256)
  private var vmacCache: [UInt32: UInt32] = [:]

  struct IPv6Value: Hashable {
    var high: UInt64
    var low: UInt64
  }

  init?(key: SanitizerKey, configuration: SanitizerConfiguration, map: PseudonymMap?) {
    guard let pan = CryptoPAn(key: key.derive("crypto-pan")),
      let mac = KeyedPermutation(key: key.derive("mac"), bits: 48),
      let nic = KeyedPermutation(key: key.derive("mac-nic"), bits: 24),
      let vmac = KeyedPermutation(key: key.derive("vmac"), bits: 24),
      let mstp = KeyedPermutation(key: key.derive("mstp"), bits: 8)
    else { return nil }
    self.configuration = configuration
    self.map = map
    cryptoPAn = pan
    macPermutation = mac
    nicPermutation = nic
    vmacPermutation = vmac
    mstpPermutation = mstp
  }

  // MARK: IPv4

  static func isKept(_ a: UInt32) -> Bool {
    let first = a >> 24
    return first == 0 || first == 127 || first >= 224
  }

  /// The prefix length of the private range `a` is in, or nil.
  static func privatePrefix(_ a: UInt32) -> Int? {
    if a >> 24 == 10 { return 8 }
    if a >> 20 == 0xAC1 { return 12 }
    if a >> 16 == 0xC0A8 { return 16 }
    if a >> 16 == 0xA9FE { return 16 }
    return nil
  }

  /// The pseudonym of an IPv4 address.
  func ipv4(_ a: UInt32) -> UInt32 {
    let slot = Int((a ^ a >> 8 ^ a >> 16 ^ a >> 24) & 0xFF)
    let recent = recentIPv4[slot]
    if recent != .max && UInt32(truncatingIfNeeded: recent >> 32) == a { return UInt32(truncatingIfNeeded: recent) }
    let result = pseudonym4(a)
    recentIPv4[slot] = UInt64(a) << 32 | UInt64(result)
    return result
  }

  private func pseudonym4(_ a: UInt32) -> UInt32 {
    if let cached = v4Cache[a] { return cached }
    var result = a
    if !Self.isKept(a) {
      let privatePrefix = configuration.keepPrivateRanges ? Self.privatePrefix(a) : nil
      result = core4(a, keepingPrefix: privatePrefix)
      if privatePrefix == nil {
        var steps = 0
        while Self.isKept(result) || (configuration.keepPrivateRanges && Self.privatePrefix(result) != nil) {
          steps += 1
          if steps > 10_000 { break }
          result = core4(result, keepingPrefix: nil)
        }
      }
    }
    v4Cache[a] = result
    if result != a { map?.record("ipv4", pseudonym: Self.text4(result), original: Self.text4(a)) }
    return result
  }

  /// Crypto-PAn with the private prefix restored and the last-octet rule: a permutation of the whole space (of
  /// the private range, with a prefix).
  private func core4(_ a: UInt32, keepingPrefix prefix: Int?) -> UInt32 {
    var c = cryptoPAn.encrypt(a)
    if let prefix {
      let mask: UInt32 = ~(UInt32.max >> UInt32(prefix))
      c = (a & mask) | (c & ~mask)
    }
    let last = a & 0xFF
    if last == 0 || last == 0xFF { return (c & ~0xFF) | last }
    var octet = c & 0xFF
    var steps = 0
    while octet == 0 || octet == 0xFF {
      steps += 1
      if steps > 256 { break }
      octet = cryptoPAn.encrypt((a & ~0xFF) | octet) & 0xFF
    }
    return (c & ~0xFF) | octet
  }

  static func text4(_ a: UInt32) -> String { IPAddress.v4(a).description }

  // MARK: IPv6

  /// The pseudonym of an IPv6 address.
  func ipv6(high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
    let key = IPv6Value(high: high, low: low)
    if let cached = v6Cache[key] { return (cached.high, cached.low) }
    var result = key
    let kept = (high == 0 && low <= 1) || high >> 56 == 0xFF
    if !kept {
      var prefix: Int? = nil
      if configuration.keepPrivateRanges {
        if high >> 54 == 0x3FA { prefix = 10 } else if high >> 57 == 0x7E { prefix = 7 }
      }
      var walked = cryptoPAn.encrypt(high: high, low: low)
      if let prefix {
        let mask: UInt64 = ~(UInt64.max >> UInt64(prefix))
        walked.high = (high & mask) | (walked.high & ~mask)
      } else {
        var steps = 0
        while Self.isSpecial6(walked.high, walked.low, privateToo: configuration.keepPrivateRanges) {
          steps += 1
          if steps > 10_000 { break }
          walked = cryptoPAn.encrypt(high: walked.high, low: walked.low)
        }
      }
      result = IPv6Value(high: walked.high, low: walked.low)
    }
    v6Cache[key] = result
    if result != key {
      map?.record("ipv6", pseudonym: IPAddress.v6(high: result.high, low: result.low).description, original: IPAddress.v6(high: high, low: low).description)
    }
    return (result.high, result.low)
  }

  static func isSpecial6(_ high: UInt64, _ low: UInt64, privateToo: Bool) -> Bool {
    if (high == 0 && low <= 1) || high >> 56 == 0xFF { return true }
    return privateToo && (high >> 54 == 0x3FA || high >> 57 == 0x7E)
  }

  // MARK: Link and BACnet addresses

  /// The pseudonym of an Ethernet MAC address (48 bits, first octet most significant). Group addresses
  /// (multicast, broadcast) and the all-zero address are kept; with ``SanitizerConfiguration/keepOUI`` only
  /// the last three octets change.
  func mac(_ m: UInt64) -> UInt64 {
    if m == 0 || (m >> 40) & 1 == 1 { return m }
    let slot = Int((m ^ m >> 8 ^ m >> 16 ^ m >> 24 ^ m >> 32 ^ m >> 40) & 0xFF)
    if recentMACKeys[slot] == m { return recentMACValues[slot] }
    let result = pseudonymMAC(m)
    recentMACKeys[slot] = m
    recentMACValues[slot] = result
    return result
  }

  private func pseudonymMAC(_ m: UInt64) -> UInt64 {
    if let cached = macCache[m] { return cached }
    let result: UInt64
    if configuration.keepOUI {
      let oui = m >> 24
      result = oui << 24 | nicPermutation.apply(m & 0xFF_FFFF, tweak: oui)
    } else {
      result = macPermutation.apply(m, accepting: { ($0 >> 40) & 1 == 0 && $0 != 0 })
    }
    macCache[m] = result
    map?.record("mac", pseudonym: Self.macText(result), original: Self.macText(m))
    return result
  }

  static func macText(_ m: UInt64) -> String {
    (0..<6).map { i in
      let b = UInt8(truncatingIfNeeded: m >> UInt64(40 - 8 * i))
      return (b < 16 ? "0" : "") + String(b, radix: 16)
    }.joined(separator: ":")
  }

  /// The pseudonym of an MS/TP station number: masters (0–127) stay masters, slaves (128–254) stay slaves,
  /// 255 (broadcast) is kept.
  func mstp(_ station: UInt8) -> UInt8 {
    if configuration.keepMSTPAddresses || station == 255 { return station }
    let known = mstpTable[Int(station)]
    let result: UInt8
    if known >= 0 {
      result = UInt8(known)
    } else {
      let v = UInt64(station)
      result = UInt8(
        station <= 127
          ? mstpPermutation.apply(v, accepting: { $0 <= 127 }) : mstpPermutation.apply(v, accepting: { $0 >= 128 && $0 <= 254 }))
      mstpTable[Int(station)] = Int16(result)
    }
    if result != station { map?.record("mstp", pseudonym: String(result), original: String(station)) }
    return result
  }

  /// The pseudonym of a BACnet/IPv6 virtual address (24 bits); 0xFFFFFF is kept.
  func vmac(_ v: UInt32) -> UInt32 {
    if v == 0xFF_FFFF { return v }
    if let cached = vmacCache[v] { return cached }
    let result = UInt32(vmacPermutation.apply(UInt64(v), accepting: { $0 != 0xFF_FFFF }))
    vmacCache[v] = result
    map?.record("vmac", pseudonym: Self.hex(UInt64(result), digits: 6), original: Self.hex(UInt64(v), digits: 6))
    return result
  }

  static func hex(_ v: UInt64, digits: Int) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, digits - s.count)) + s
  }
}

@available(*, unavailable)
extension AddressPseudonymizer: Sendable {}
