public import PcapKit
import BACnetDecode

/// One address to select (`--address`): an IP host, optionally with its UDP port; an Ethernet MAC; or an MS/TP
/// station.
///
/// | text | a packet matches when | Wireshark's equivalent |
/// |---|---|---|
/// | `192.168.1.10`, `fe80::1` | the IP source or destination is the host, or a Forwarded-NPDU's original source is | `ip.addr == A \|\| bvlc.fwd_ip == A` |
/// | `192.168.1.10:47808`, `[fe80::1]:47808` | as above, with that UDP port on the same side | `(ip.src == A && udp.srcport == P) \|\| (ip.dst == A && udp.dstport == P)` |
/// | `00:11:22:33:44:55` (or `-` separated) | the Ethernet source or destination is the MAC | `eth.addr == M` |
/// | `5` (0–255) | an MS/TP frame's source or destination is the station | `mstp.src == 5 \|\| mstp.dst == 5` |
public enum AddressSelector: Hashable, Sendable, CustomStringConvertible {
  /// An IP host and optional UDP port.
  case ip(IPAddress, port: UInt16?)
  /// An Ethernet MAC address.
  case mac(MACAddress)
  /// An MS/TP station.
  case mstp(UInt8)

  /// Parses the text forms in the table above; nil for anything else.
  public init?(parsing text: String) {
    if let n = UInt8(text) {
      self = .mstp(n)
    } else if let m = AddressSelector.parseMAC(text) {
      self = .mac(m)
    } else if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      let inner = text[text.index(after: text.startIndex)..<close]
      let rest = text[text.index(after: close)...]
      guard let a = AddressSelector.parseIPv6(inner), rest.hasPrefix(":"), let p = UInt16(rest.dropFirst()) else {
        return nil
      }
      self = .ip(a, port: p)
    } else if let a = AddressSelector.parseIPv4(Substring(text)) {
      self = .ip(a, port: nil)
    } else if let colon = text.lastIndex(of: ":"), let a = AddressSelector.parseIPv4(text[..<colon]),
              let p = UInt16(text[text.index(after: colon)...]) {
      self = .ip(a, port: p)
    } else if let a = AddressSelector.parseIPv6(Substring(text)) {
      self = .ip(a, port: nil)
    } else {
      return nil
    }
  }

  /// True when `d` is to or from this address.
  public func matches(_ d: borrowing DecodedPacket) -> Bool {
    switch self {
    case .mstp(let n):
      guard d.carrier == .mstp, let f = d.mstp?.frame else { return false }
      return f.source == n || f.destination == n
    case .mac(let m):
      return d.link.sourceMAC == m || d.link.destinationMAC == m
    case .ip(let a, let port):
      let l = d.link.layers
      if l.source == a && (port == nil || l.sourcePort == port) { return true }
      if l.destination == a && (port == nil || l.destinationPort == port) { return true }
      guard let b = d.bvlc else { return false }
      if case .v4(let v) = a, let o = b.originalSource, o.ipv4 == v, port == nil || o.port == port { return true }
      return false
    }
  }

  /// The address as given, normalised.
  public var description: String {
    switch self {
    case .mstp(let n): "\(n)"
    case .mac(let m): m.description
    case .ip(let a, nil): a.description
    case .ip(.v6(let h, let l), let p?): "[\(IPAddress.v6(high: h, low: l))]:\(p)"
    case .ip(let a, let p?): "\(a):\(p)"
    }
  }

  static func parseMAC(_ text: String) -> MACAddress? {
    let parts = text.split(separator: text.contains("-") ? "-" : ":", omittingEmptySubsequences: false)
    guard parts.count == 6 else { return nil }
    var v: UInt64 = 0
    for p in parts {
      guard p.count == 2, let b = UInt8(p, radix: 16) else { return nil }
      v = v << 8 | UInt64(b)
    }
    return MACAddress(rawValue: v)
  }

  static func parseIPv4(_ text: Substring) -> IPAddress? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var v: UInt32 = 0
    for p in parts {
      guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let b = UInt8(p) else { return nil }
      v = v << 8 | UInt32(b)
    }
    return .v4(v)
  }

  static func parseIPv6(_ text: Substring) -> IPAddress? {
    guard text.contains(":"), text.count <= 45 else { return nil }
    var head: [UInt16] = [], tail: [UInt16] = []
    var sawGap = false
    let halves = text.components(separatedByGap: ())
    guard halves.count <= 2 else { return nil }
    func groups(_ s: Substring) -> [UInt16]? {
      if s.isEmpty { return [] }
      var out: [UInt16] = []
      let parts = s.split(separator: ":", omittingEmptySubsequences: false)
      for (i, p) in parts.enumerated() {
        if i == parts.count - 1, p.contains("."), case .v4(let v)? = parseIPv4(p) {
          out.append(UInt16(v >> 16))
          out.append(UInt16(v & 0xFFFF))
        } else {
          guard (1...4).contains(p.count), let g = UInt16(p, radix: 16) else { return nil }
          out.append(g)
        }
      }
      return out
    }
    guard let h = groups(halves[0]) else { return nil }
    head = h
    if halves.count == 2 {
      sawGap = true
      guard let t = groups(halves[1]) else { return nil }
      tail = t
    }
    let total = head.count + tail.count
    guard sawGap ? total <= 7 : total == 8 else { return nil }
    let all = head + [UInt16](repeating: 0, count: 8 - total) + tail
    var hi: UInt64 = 0, lo: UInt64 = 0
    for i in 0..<4 { hi = hi << 16 | UInt64(all[i]) }
    for i in 4..<8 { lo = lo << 16 | UInt64(all[i]) }
    return .v6(high: hi, low: lo)
  }
}

extension Substring {
  /// Splits at the first `::` (the IPv6 zero-run gap): one part when there is none; three or more parts when
  /// there are several gaps (invalid).
  fileprivate func components(separatedByGap: ()) -> [Substring] {
    var parts: [Substring] = []
    var start = startIndex
    var i = startIndex
    while i < endIndex {
      let next = index(after: i)
      if self[i] == ":", next < endIndex, self[next] == ":" {
        parts.append(self[start..<i])
        start = index(after: next)
        i = start
        continue
      }
      i = next
    }
    parts.append(self[start...])
    return parts
  }
}
