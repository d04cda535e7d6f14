/// An Annex J (BACnet/IP, type 0x81) BVLC function.
public struct BVLCFunction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The function octet.
  public var rawValue: UInt8
  /// Creates a function code.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// BVLC-Result (0x00).
  public static let result = Self(rawValue: 0x00)
  /// Write-Broadcast-Distribution-Table (0x01).
  public static let writeBroadcastDistributionTable = Self(rawValue: 0x01)
  /// Read-Broadcast-Distribution-Table (0x02).
  public static let readBroadcastDistributionTable = Self(rawValue: 0x02)
  /// Read-Broadcast-Distribution-Table-Ack (0x03).
  public static let readBroadcastDistributionTableAck = Self(rawValue: 0x03)
  /// Forwarded-NPDU (0x04).
  public static let forwardedNPDU = Self(rawValue: 0x04)
  /// Register-Foreign-Device (0x05).
  public static let registerForeignDevice = Self(rawValue: 0x05)
  /// Read-Foreign-Device-Table (0x06).
  public static let readForeignDeviceTable = Self(rawValue: 0x06)
  /// Read-Foreign-Device-Table-Ack (0x07).
  public static let readForeignDeviceTableAck = Self(rawValue: 0x07)
  /// Delete-Foreign-Device-Table-Entry (0x08).
  public static let deleteForeignDeviceTableEntry = Self(rawValue: 0x08)
  /// Distribute-Broadcast-To-Network (0x09).
  public static let distributeBroadcastToNetwork = Self(rawValue: 0x09)
  /// Original-Unicast-NPDU (0x0A).
  public static let originalUnicastNPDU = Self(rawValue: 0x0A)
  /// Original-Broadcast-NPDU (0x0B).
  public static let originalBroadcastNPDU = Self(rawValue: 0x0B)
  /// Secure-BVLL (0x0C).
  public static let secureBVLL = Self(rawValue: 0x0C)
  /// Wireshark's name, or `unknown-0xNN`.
  public var name: String { WiresharkNames.bvlcFunctions[UInt32(rawValue)] ?? "unknown-0x\(hex2(rawValue))" }
  /// The name.
  public var description: String { name }
}

/// An Annex U (BACnet/IPv6, type 0x82) BVLC function.
public struct BVLC6Function: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The function octet.
  public var rawValue: UInt8
  /// Creates a function code.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// BVLC-Result (0x00).
  public static let result = Self(rawValue: 0x00)
  /// Original-Unicast-NPDU (0x01).
  public static let originalUnicastNPDU = Self(rawValue: 0x01)
  /// Original-Broadcast-NPDU (0x02).
  public static let originalBroadcastNPDU = Self(rawValue: 0x02)
  /// Address-Resolution (0x03).
  public static let addressResolution = Self(rawValue: 0x03)
  /// Forwarded-Address-Resolution (0x04).
  public static let forwardedAddressResolution = Self(rawValue: 0x04)
  /// Address-Resolution-ACK (0x05).
  public static let addressResolutionACK = Self(rawValue: 0x05)
  /// Virtual-Address-Resolution (0x06).
  public static let virtualAddressResolution = Self(rawValue: 0x06)
  /// Virtual-Address-Resolution-ACK (0x07).
  public static let virtualAddressResolutionACK = Self(rawValue: 0x07)
  /// Forwarded-NPDU (0x08).
  public static let forwardedNPDU = Self(rawValue: 0x08)
  /// Register-Foreign-Device (0x09).
  public static let registerForeignDevice = Self(rawValue: 0x09)
  /// Delete-Foreign-Device-Table-Entry (0x0A).
  public static let deleteForeignDeviceTableEntry = Self(rawValue: 0x0A)
  /// Secure-BVLL (0x0B).
  public static let secureBVLL = Self(rawValue: 0x0B)
  /// Distribute-Broadcast-To-Network (0x0C).
  public static let distributeBroadcastToNetwork = Self(rawValue: 0x0C)
  /// Wireshark's name, or `unknown-0xNN`.
  public var name: String { WiresharkNames.bvlc6Functions[UInt32(rawValue)] ?? "unknown-0x\(hex2(rawValue))" }
  /// The name.
  public var description: String { name }
}

/// A B/IP address: IPv4 address and UDP port (6 octets, Annex J).
public struct BIPAddress: Hashable, Sendable, CustomStringConvertible {
  /// The IPv4 address, most significant octet first.
  public var ipv4: UInt32
  /// The UDP port.
  public var port: UInt16
  /// Creates an address.
  public init(ipv4: UInt32, port: UInt16) {
    self.ipv4 = ipv4
    self.port = port
  }
  /// `192.168.1.10:47808`.
  public var description: String {
    "\(ipv4 >> 24).\(ipv4 >> 16 & 0xFF).\(ipv4 >> 8 & 0xFF).\(ipv4 & 0xFF):\(port)"
  }
}

/// A B/IPv6 address: IPv6 address and UDP port (18 octets, Annex U).
public struct BIP6Address: Hashable, Sendable, CustomStringConvertible {
  /// The high 64 bits of the address.
  public var high: UInt64
  /// The low 64 bits of the address.
  public var low: UInt64
  /// The UDP port.
  public var port: UInt16
  /// Creates an address.
  public init(high: UInt64, low: UInt64, port: UInt16) {
    self.high = high
    self.low = low
    self.port = port
  }
  /// `[2001:db8:0:0:0:0:0:1]:47808` (groups in hex, not compressed).
  public var description: String {
    let groups = (0..<8).map { i -> String in
      let word = i < 4 ? high >> UInt64(48 - 16 * i) : low >> UInt64(48 - 16 * (i - 4))
      return String(word & 0xFFFF, radix: 16)
    }
    return "[\(groups.joined(separator: ":"))]:\(port)"
  }
}

/// One Broadcast Distribution Table entry (Annex J.4.2.1): B/IP address and broadcast distribution mask.
public struct BDTEntry: Hashable, Sendable {
  /// The BBMD's address.
  public var address: BIPAddress
  /// The broadcast distribution mask.
  public var mask: UInt32
}

/// One Foreign Device Table entry (Annex J.5.2.1).
public struct FDTEntry: Hashable, Sendable {
  /// The foreign device's address.
  public var address: BIPAddress
  /// The time-to-live it registered with, in seconds.
  public var timeToLive: UInt16
  /// Seconds remaining before the entry is purged.
  public var secondsRemaining: UInt16
}
