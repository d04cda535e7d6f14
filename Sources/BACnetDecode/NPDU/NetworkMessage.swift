internal import WireBytes

/// One entry of an Initialize-Routing-Table(-Ack) message.
public struct RoutingTableEntry: Hashable, Sendable {
  /// The network reachable through the port.
  public var network: UInt16
  /// The port id (0 removes the entry).
  public var portID: UInt8
  /// The port information octets.
  public var portInfo: ArraySlice<UInt8>
}

/// A decoded network-layer message body (clause 6.4). Fields that the type does not carry are nil or empty.
public struct NetworkMessage: Hashable, Sendable {
  /// The message type.
  public var type: NetworkMessageType
  /// Vendor id of a proprietary message.
  public var vendorID: UInt16?
  /// Network numbers: the optional DNET of Who-Is-Router, the lists of I-Am-Router, Router-Busy and
  /// Router-Available, the DNET of I-Could-Be-Router, Reject, Establish and Disconnect.
  public var networks: [UInt16]
  /// Performance index (I-Could-Be-Router-To-Network).
  public var performanceIndex: UInt8?
  /// Reject reason (Reject-Message-To-Network).
  public var rejectReason: UInt8?
  /// Termination time in seconds (Establish-Connection-To-Network).
  public var terminationTime: UInt8?
  /// Routing table entries (Initialize-Routing-Table and -Ack).
  public var routingTable: [RoutingTableEntry]
  /// Network number (Network-Number-Is).
  public var networkNumber: UInt16?
  /// True when the network number is configured, false when learned (Network-Number-Is).
  public var networkNumberConfigured: Bool?
  /// The raw body (security messages 0x0A–0x11, proprietary and reserved types keep it undecoded).
  public var body: ArraySlice<UInt8>

  /// Wireshark's name of a Reject-Message-To-Network reason, when there is one.
  public var rejectReasonName: String? {
    rejectReason.map { r in
      switch r {
      case 0: "other"
      case 1: "not directly connected to DNET, no route"
      case 2: "router busy"
      case 3: "unknown network message type"
      case 4: "message too long"
      case 5: "security error"
      case 6: "addressing error"
      default: "reserved-\(r)"
      }
    }
  }

  static func decode(type: NetworkMessageType, vendorID: UInt16?, _ c: inout ByteCursor,
                     diagnostics d: inout [BACnetDiagnostic]) -> NetworkMessage {
    var m = NetworkMessage(type: type, vendorID: vendorID, networks: [], routingTable: [], body: c.rest)
    do {
      switch type.rawValue {
      case 0x00:
        if !c.isAtEnd { m.networks.append(try c.u16("DNET")) }
      case 0x01, 0x04, 0x05:
        while c.remaining >= 2 { m.networks.append(try c.u16("DNET")) }
      case 0x02:
        m.networks.append(try c.u16("DNET"))
        m.performanceIndex = try c.u8("performance index")
      case 0x03:
        m.rejectReason = try c.u8("reject reason")
        m.networks.append(try c.u16("DNET"))
      case 0x06, 0x07:
        if c.isAtEnd, type.rawValue == 0x07 { break }
        let count = try c.u8("number of ports")
        for _ in 0..<count {
          let net = try c.u16("routing table DNET")
          let port = try c.u8("port id")
          let infoLen = try c.u8("port info length")
          let info = try c.bytes(Int(infoLen), "port info")
          m.routingTable.append(RoutingTableEntry(network: net, portID: port, portInfo: info))
        }
      case 0x08:
        m.networks.append(try c.u16("DNET"))
        m.terminationTime = try c.u8("termination time")
      case 0x09:
        m.networks.append(try c.u16("DNET"))
      case 0x12:
        break
      case 0x13:
        m.networkNumber = try c.u16("network number")
        let flag = try c.u8("network number flag")
        m.networkNumberConfigured = flag != 0
      default:
        _ = try? c.readBytes(c.remaining)  // security (0x0A–0x11), reserved and proprietary bodies stay raw
      }
      if !c.isAtEnd {
        d.append(BACnetDiagnostic(code: .trailingBytes, offset: c.offset,
                                  message: "\(c.remaining) octet(s) follow the \(type.name) body", layer: .networkMessage))
      }
    } catch {
      var f = error
      f.code = .networkMessageMalformed
      d.append(f.diagnostic(.networkMessage))
    }
    return m
  }
}
