internal import WireBytes

/// A network address: network number and MAC address (clause 6.2.2).
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
  /// The network number (DNET or SNET); 0xFFFF as DNET means all networks.
  public var network: UInt16
  /// The MAC address (DADR or SADR), a view of the input; empty means broadcast on ``network``.
  public var mac: ArraySlice<UInt8>

  /// Creates an address.
  public init(network: UInt16, mac: ArraySlice<UInt8>) {
    self.network = network
    self.mac = mac
  }

  /// True for DNET 0xFFFF (global broadcast).
  public var isGlobalBroadcast: Bool { network == 0xFFFF }
  /// True when no MAC address is given (broadcast on the network).
  public var isBroadcast: Bool { mac.isEmpty }
  /// The MAC address as lowercase hex without separators (`05`, `c0a8010abac0`); empty for broadcast.
  public var macHex: String { hexString(mac) }
  /// `5:05`, `65535:*` style.
  public var description: String { "\(network):" + (mac.isEmpty ? "*" : macHex) }
}

/// Network priority (control bits 1–0).
public struct NetworkPriority: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 2-bit priority.
  public var rawValue: UInt8
  /// Creates a priority.
  public init(rawValue: UInt8) { self.rawValue = rawValue & 3 }
  /// Normal message (0).
  public static let normal = Self(rawValue: 0)
  /// Urgent message (1).
  public static let urgent = Self(rawValue: 1)
  /// Critical equipment message (2).
  public static let criticalEquipment = Self(rawValue: 2)
  /// Life safety message (3).
  public static let lifeSafety = Self(rawValue: 3)
  /// The name.
  public var description: String {
    ["normal", "urgent", "critical-equipment", "life-safety"][Int(rawValue & 3)]
  }
}

/// A network-layer message type (clause 6.2.4).
public struct NetworkMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The message type octet.
  public var rawValue: UInt8
  /// Creates a message type.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Who-Is-Router-To-Network (0x00).
  public static let whoIsRouterToNetwork = Self(rawValue: 0x00)
  /// I-Am-Router-To-Network (0x01).
  public static let iAmRouterToNetwork = Self(rawValue: 0x01)
  /// I-Could-Be-Router-To-Network (0x02).
  public static let iCouldBeRouterToNetwork = Self(rawValue: 0x02)
  /// Reject-Message-To-Network (0x03).
  public static let rejectMessageToNetwork = Self(rawValue: 0x03)
  /// Router-Busy-To-Network (0x04).
  public static let routerBusyToNetwork = Self(rawValue: 0x04)
  /// Router-Available-To-Network (0x05).
  public static let routerAvailableToNetwork = Self(rawValue: 0x05)
  /// Initialize-Routing-Table (0x06).
  public static let initializeRoutingTable = Self(rawValue: 0x06)
  /// Initialize-Routing-Table-Ack (0x07).
  public static let initializeRoutingTableAck = Self(rawValue: 0x07)
  /// Establish-Connection-To-Network (0x08).
  public static let establishConnectionToNetwork = Self(rawValue: 0x08)
  /// Disconnect-Connection-To-Network (0x09).
  public static let disconnectConnectionToNetwork = Self(rawValue: 0x09)
  /// What-Is-Network-Number (0x12).
  public static let whatIsNetworkNumber = Self(rawValue: 0x12)
  /// Network-Number-Is (0x13).
  public static let networkNumberIs = Self(rawValue: 0x13)
  /// True for 0x80–0xFF (vendor proprietary; a vendor id follows the type).
  public var isProprietary: Bool { rawValue >= 0x80 }
  /// Wireshark's name (`Who-Is-Router-To-Network`, …, `Reserved for Use by ASHRAE`, `Vendor Proprietary Message`).
  public var name: String {
    if let n = WiresharkNames.networkMessageTypes[UInt32(rawValue)] { return n }
    return rawValue >= 0x80 ? "Vendor Proprietary Message" : "Reserved for Use by ASHRAE"
  }
  /// The name.
  public var description: String { name }
}

/// A decoded NPDU header (clause 6.2).
///
/// ```
/// version(1)=0x01 | control(1) | [DNET(2) DLEN(1) DADR] | [SNET(2) SLEN(1) SADR] | [hop count(1)]
///                 | [message type(1) [vendor id(2)]] | APDU or network message body
/// control: bit7 network message, bit5 DNET present, bit3 SNET present, bit2 expecting reply, bits1-0 priority
/// ```
public struct NPDU: Hashable, Sendable {
  /// Protocol version (1).
  public var version: UInt8
  /// The control octet.
  public var control: UInt8
  /// DNET/DLEN/DADR, when control bit 5 is set.
  public var destination: NetworkAddress?
  /// SNET/SLEN/SADR, when control bit 3 is set.
  public var source: NetworkAddress?
  /// Hop count, when a destination is present.
  public var hopCount: UInt8?
  /// Network-layer message type, when control bit 7 is set.
  public var messageType: NetworkMessageType?
  /// Vendor id of a proprietary network message (type ≥ 0x80).
  public var vendorID: UInt16?
  /// Absolute offset of what follows the header (the APDU or the network message body).
  public var payloadOffset: Int

  /// True when the NPDU carries a network-layer message rather than an APDU.
  public var isNetworkMessage: Bool { control & 0x80 != 0 }
  /// The data-expecting-reply bit.
  public var expectingReply: Bool { control & 0x04 != 0 }
  /// The network priority.
  public var priority: NetworkPriority { NetworkPriority(rawValue: control & 3) }

  /// Decodes the header; on success returns the cursor positioned at the payload.
  static func decode(_ c: inout ByteCursor, diagnostics d: inout [BACnetDiagnostic]) -> (NPDU?, complete: Bool) {
    let start = c.offset
    guard c.remaining >= 2, let version = try? c.readUInt8(), let control = try? c.readUInt8() else {
      d.append(BACnetDiagnostic(code: .truncated, offset: start,
                                message: "an NPDU needs at least 2 octets (version, control), \(c.remaining) present", layer: .npdu))
      return (nil, false)
    }
    var n = NPDU(version: version, control: control, payloadOffset: c.offset)
    if version != 1 {
      d.append(BACnetDiagnostic(code: .npduVersion, offset: start,
                                message: "NPDU version is \(version), BACnet defines only version 1", layer: .npdu))
    }
    if control & 0x50 != 0 {
      d.append(BACnetDiagnostic(code: .npduReservedBits, offset: start + 1,
                                message: "reserved control bit(s) 0x\(hex2(control & 0x50)) are set", layer: .npdu))
    }
    do {
      if control & 0x20 != 0 {
        let netOffset = c.offset
        let dnet = try c.u16("DNET")
        let lenOffset = c.offset
        let dlen = try c.u8("DLEN")
        let dadr = try c.bytes(Int(dlen), "DADR")
        if dnet == 0 {
          d.append(BACnetDiagnostic(code: .npduInvalidDNET, offset: netOffset, message: "DNET 0 is not a valid network number", layer: .npdu))
        }
        if dlen > 7 {
          d.append(BACnetDiagnostic(code: .npduMACTooLong, offset: lenOffset,
                                    message: "DLEN \(dlen) is longer than any BACnet MAC address (at most 7)", layer: .npdu))
        }
        n.destination = NetworkAddress(network: dnet, mac: dadr)
      }
      if control & 0x08 != 0 {
        let netOffset = c.offset
        let snet = try c.u16("SNET")
        let lenOffset = c.offset
        let slen = try c.u8("SLEN")
        let sadr = try c.bytes(Int(slen), "SADR")
        if snet == 0xFFFF || snet == 0 {
          d.append(BACnetDiagnostic(code: .npduInvalidSNET, offset: netOffset,
                                    message: "SNET \(snet) is not a valid source network", layer: .npdu))
        }
        if slen == 0 {
          d.append(BACnetDiagnostic(code: .npduInvalidSLEN, offset: lenOffset,
                                    message: "SLEN 0 is invalid: a source address must have a MAC address", layer: .npdu))
        } else if slen > 7 {
          d.append(BACnetDiagnostic(code: .npduMACTooLong, offset: lenOffset,
                                    message: "SLEN \(slen) is longer than any BACnet MAC address (at most 7)", layer: .npdu))
        }
        n.source = NetworkAddress(network: snet, mac: sadr)
      }
      if control & 0x20 != 0 {
        n.hopCount = try c.u8("hop count")
      }
      if control & 0x80 != 0 {
        let t = NetworkMessageType(rawValue: try c.u8("network message type"))
        n.messageType = t
        if t.isProprietary { n.vendorID = try c.u16("proprietary network message vendor id") }
      }
    } catch {
      d.append(error.diagnostic(.npdu))
      n.payloadOffset = c.offset
      return (n, false)
    }
    n.payloadOffset = c.offset
    return (n, true)
  }
}
