public import PcapKit

/// A link or BACnet address held in integers (no heap storage), used as a dictionary key on the per-packet path.
///
/// A BACnet address is a network number and a MAC address of up to 8 octets; the MAC is packed most significant
/// octet first into ``mac``. Network 0 means "the local network" (no SNET/DNET in the NPDU). An IPv6 host keeps all
/// 128 bits (``ext`` holds the high half), so it prints as its address, never as a digest.
public struct AddressKey: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// What kind of link the MAC belongs to: it decides how the MAC is written.
  public struct Kind: RawRepresentable, Hashable, Sendable {
    /// The kind number.
    public var rawValue: UInt8
    /// Creates a kind.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Unknown or remote MAC of any length (written in hex).
    public static let other = Kind(rawValue: 0)
    /// A B/IP address: IPv4 address and UDP port (6 octets).
    public static let bip = Kind(rawValue: 1)
    /// A B/IPv6 virtual MAC address (3 octets).
    public static let vmac = Kind(rawValue: 2)
    /// An MS/TP station (1 octet).
    public static let mstp = Kind(rawValue: 3)
    /// An Ethernet MAC address (6 octets).
    public static let ethernet = Kind(rawValue: 4)
    /// An IPv4 host without port.
    public static let ipv4 = Kind(rawValue: 5)
    /// An IPv6 host: the low 64 bits in ``AddressKey/mac``, the high 64 bits in ``AddressKey/ext``.
    public static let ipv6 = Kind(rawValue: 6)
    /// A MAC of 6 octets learned from an NPDU (SADR/DADR) on a network whose data link is not known: a B/IP
    /// address or an Ethernet MAC, written in hex.
    public static let sixOctets = Kind(rawValue: 7)
  }

  /// How to write the MAC.
  public var kind: Kind
  /// Network number; 0 for the local network.
  public var network: UInt16
  /// Number of MAC octets (0 = broadcast on ``network``).
  public var length: UInt8
  /// The MAC octets, most significant first, right-aligned.
  public var mac: UInt64
  /// Further address bits: the high 64 bits of an IPv6 address (0 for every other kind).
  public var ext: UInt64

  /// Creates an address.
  public init(kind: Kind, network: UInt16, length: UInt8, mac: UInt64, ext: UInt64 = 0) {
    self.kind = kind
    self.network = network
    self.length = length
    self.mac = mac
    self.ext = ext
  }

  /// An IPv6 host.
  public static func ipv6(high: UInt64, low: UInt64) -> AddressKey {
    AddressKey(kind: .ipv6, network: 0, length: 16, mac: low, ext: high)
  }

  /// An IPv4 host (no port).
  public static func ipv4(_ address: UInt32) -> AddressKey {
    AddressKey(kind: .ipv4, network: 0, length: 4, mac: UInt64(address))
  }

  /// Hashes the address as three words (cheaper than five separate fields on the per-packet path).
  public func hash(into h: inout Hasher) {
    h.combine(mac)
    h.combine(ext)
    h.combine(UInt32(network) << 16 | UInt32(kind.rawValue) << 8 | UInt32(length))
  }

  /// A B/IP address on the local network.
  public static func bip(ipv4: UInt32, port: UInt16, network: UInt16 = 0) -> AddressKey {
    AddressKey(kind: .bip, network: network, length: 6, mac: UInt64(ipv4) << 16 | UInt64(port))
  }

  /// An MS/TP station on the local network.
  public static func mstp(_ station: UInt8, network: UInt16 = 0) -> AddressKey {
    AddressKey(kind: .mstp, network: network, length: 1, mac: UInt64(station))
  }

  /// Packs up to 8 MAC octets from a slice (longer MACs are folded so distinct MACs stay distinct in practice).
  public static func packing(_ bytes: ArraySlice<UInt8>, network: UInt16) -> AddressKey {
    var v: UInt64 = 0
    var i = 0
    for b in bytes {
      if i < 8 { v = v << 8 | UInt64(b) } else { v = (v &* 0x100_0000_01B3) ^ UInt64(b) }
      i += 1
    }
    let len = UInt8(min(bytes.count, 255))
    // A 6-octet SADR/DADR may be a B/IP address or an Ethernet MAC: the NPDU does not say which.
    let kind: Kind = len == 6 ? .sixOctets : len == 1 ? .mstp : len == 3 ? .vmac : .other
    return AddressKey(kind: kind, network: network, length: len, mac: v)
  }

  /// The same MAC on another network.
  public func on(network n: UInt16) -> AddressKey {
    AddressKey(kind: kind, network: n, length: length, mac: mac, ext: ext)
  }

  /// The MAC alone, written for its kind (`192.168.1.10:47808`, `5`, `0a0b0c`, `00:11:22:33:44:55`).
  public var macText: String {
    if length == 0 { return "*" }
    switch kind {
    case .bip where length == 6:
      let ip = UInt32(truncatingIfNeeded: mac >> 16)
      return "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF):\(mac & 0xFFFF)"
    case .ipv4:
      let ip = UInt32(truncatingIfNeeded: mac)
      return "\(ip >> 24).\(ip >> 16 & 0xFF).\(ip >> 8 & 0xFF).\(ip & 0xFF)"
    case .mstp where length == 1:
      return String(mac)
    case .ethernet:
      return (0..<6).map { i in hexByte(UInt8(truncatingIfNeeded: mac >> UInt64(40 - 8 * i))) }.joined(separator: ":")
    case .ipv6:
      return IPAddress.v6(high: ext, low: mac).description
    default:
      let n = Int(min(length, 8))
      return (0..<n).map { i in hexByte(UInt8(truncatingIfNeeded: mac >> UInt64(8 * (n - 1 - i)))) }.joined()
    }
  }

  /// `network:mac` (`0:192.168.1.10:47808`, `5:12`, `0:[2001:db8::1]`).
  public var description: String { kind == .ipv6 ? "\(network):[\(macText)]" : "\(network):\(macText)" }

  /// What the MAC is, in words (`B/IP`, `MS/TP`, `B/IPv6 VMAC`, `Ethernet`, `IPv4 host`, `IPv6 host`,
  /// `6 octets: B/IP or Ethernet (ambiguous)`, `2 octets`); empty for a broadcast.
  public var kindText: String {
    if length == 0 { return "" }
    switch kind {
    case .bip: return "B/IP"
    case .vmac: return "B/IPv6 VMAC"
    case .mstp: return "MS/TP"
    case .ethernet: return "Ethernet"
    case .ipv4: return "IPv4 host"
    case .ipv6: return "IPv6 host"
    case .sixOctets: return "6 octets: B/IP or Ethernet (ambiguous)"
    default: return "\(length) octets"
    }
  }

  /// Orders by network, then kind, length and MAC (a stable order for reports).
  public static func < (a: AddressKey, b: AddressKey) -> Bool {
    (a.network, a.kind.rawValue, a.length, a.ext, a.mac) < (b.network, b.kind.rawValue, b.length, b.ext, b.mac)
  }
}

/// Two lowercase hex digits.
func hexByte(_ b: UInt8) -> String {
  let d: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
  return String([d[Int(b >> 4)], d[Int(b & 0xF)]])
}
