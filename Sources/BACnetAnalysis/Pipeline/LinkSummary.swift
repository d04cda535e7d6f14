public import PcapKit

/// A 48-bit IEEE 802 MAC address held in an integer (no heap storage).
public struct MACAddress: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The address, most significant (first transmitted) byte in bits 40–47.
  public var rawValue: UInt64

  /// Wraps an address; bits above 47 are cleared.
  public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

  /// True for a group (multicast or broadcast) address: the I/G bit of the first byte.
  public var isGroup: Bool { rawValue >> 40 & 1 != 0 }

  /// `ff:ff:ff:ff:ff:ff` style, lower case.
  public var description: String {
    // Built as bytes (this runs twice per packet in `list`): two hex digits per octet, colons between.
    var text = [UInt8](repeating: 0x3A, count: 17)
    for k in 0..<6 {
      let byte = UInt8(truncatingIfNeeded: rawValue >> UInt64(40 - 8 * k))
      text[3 * k] = Self.hexDigit(byte >> 4)
      text[3 * k + 1] = Self.hexDigit(byte & 0x0F)
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The lower-case ASCII hex digit of a value 0–15.
  @inline(__always)
  static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }
}

/// What a packet's link, network and transport headers say: the `PacketLayers` walk plus the MAC addresses.
///
/// Every field is held inline: building one allocates nothing.
public struct LinkSummary: Hashable, Sendable {
  /// The full header walk (positions are indices of the packet's `data` slice).
  public var layers: PacketLayers
  /// Ethernet source MAC (Ethernet II / 802.3), or the Linux cooked capture's 6-byte link-layer address; nil
  /// otherwise (raw IP, loopback, MS/TP: see ``DecodedPacket/mstp`` for MS/TP station addresses).
  public var sourceMAC: MACAddress?
  /// Ethernet destination MAC; nil for link types that do not carry one (Linux cooked captures, raw IP, …).
  public var destinationMAC: MACAddress?

  /// Creates a summary from a walk and addresses.
  public init(layers: PacketLayers, sourceMAC: MACAddress? = nil, destinationMAC: MACAddress? = nil) {
    self.layers = layers
    self.sourceMAC = sourceMAC
    self.destinationMAC = destinationMAC
  }

  /// Walks `frame` (captured with `linkType`) with PcapKit's header walk, which also gives the MAC addresses the
  /// link header carries (`PacketLayers.hardwareAddresses(in:)`): no link header is parsed here.
  public init(linkType: LinkType, frame: ArraySlice<UInt8>) {
    self.layers = PacketLayers(linkType: linkType, frame: frame)
    let macs = layers.hardwareAddresses(in: frame)
    sourceMAC = macs.source.map(MACAddress.init(rawValue:))
    destinationMAC = macs.destination.map(MACAddress.init(rawValue:))
  }

  /// VLAN identifiers, outermost first.
  public var vlans: VLANTags { layers.vlans }
  /// IP source address, when the frame carries IP.
  public var sourceIP: IPAddress? { layers.source }
  /// IP destination address.
  public var destinationIP: IPAddress? { layers.destination }
  /// UDP/TCP source port.
  public var sourcePort: UInt16? { layers.sourcePort }
  /// UDP/TCP destination port.
  public var destinationPort: UInt16? { layers.destinationPort }
  /// The transport protocol found.
  public var transport: TransportLayer { layers.transport }
  /// The network layer found.
  public var network: NetworkLayer { layers.network }
}
