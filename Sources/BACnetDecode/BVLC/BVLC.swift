internal import WireBytes

/// A decoded BACnet Virtual Link Layer header and body (Annex J for type 0x81, Annex U for type 0x82).
///
/// ```
/// 81 | function | length(2) | body …                       (Annex J)
/// 82 | function | length(2) | source VMAC(3) | body …      (Annex U; no VMAC for Secure-BVLL)
/// ```
/// Fields that a function does not carry are nil or empty.
public struct BVLC: Hashable, Sendable {
  /// The type octet: 0x81 (BACnet/IP) or 0x82 (BACnet/IPv6); anything else is reported.
  public var type: UInt8
  /// The function octet.
  public var function: UInt8
  /// The length field (whole BVLL including the header), as declared.
  public var length: UInt16
  /// The number of bytes actually present (differs from ``length`` on damaged or truncated messages).
  public var actualLength: Int
  /// BVLC-Result code.
  public var resultCode: UInt16?
  /// Broadcast Distribution Table entries (Write-BDT, Read-BDT-Ack).
  public var bdtEntries: [BDTEntry]
  /// Foreign Device Table entries (Read-FDT-Ack).
  public var fdtEntries: [FDTEntry]
  /// The original source of a Forwarded-NPDU (Annex J): the device, not the BBMD that sent the packet.
  public var originalSource: BIPAddress?
  /// The address in a Delete-Foreign-Device-Table-Entry (Annex J).
  public var deleteAddress: BIPAddress?
  /// Time-to-live in seconds (Register-Foreign-Device).
  public var timeToLive: UInt16?
  /// Source virtual address (Annex U; 24 bits).
  public var sourceVMAC: UInt32?
  /// Destination virtual address (Annex U Original-Unicast, Address-Resolution-ACK, Virtual-Address-Resolution-ACK).
  public var destinationVMAC: UInt32?
  /// Target virtual address (Annex U Address-Resolution, Forwarded-Address-Resolution).
  public var targetVMAC: UInt32?
  /// The original B/IPv6 address (Annex U Forwarded-NPDU, Forwarded-Address-Resolution) or the entry to delete
  /// (Annex U Delete-Foreign-Device-Table-Entry).
  public var originalSource6: BIP6Address?
  /// Absolute offset of the NPDU, for functions that carry one.
  public var npduOffset: Int?

  /// True for Annex U (type 0x82).
  public var isIPv6: Bool { type == 0x82 }
  /// The function as an Annex J code point (nil for Annex U).
  public var annexJFunction: BVLCFunction? { type == 0x81 ? BVLCFunction(rawValue: function) : nil }
  /// The function as an Annex U code point (nil for Annex J).
  public var annexUFunction: BVLC6Function? { type == 0x82 ? BVLC6Function(rawValue: function) : nil }

  /// Wireshark's name of the function (`Original-Unicast-NPDU`, …).
  public var functionName: String {
    switch type {
    case 0x81: BVLCFunction(rawValue: function).name
    case 0x82: BVLC6Function(rawValue: function).name
    default: "unknown-0x\(hex2(function))"
    }
  }

  /// Wireshark's name of the result code (`Successful completion`, `Register-Foreign-Device NAK`, …).
  public var resultName: String? {
    guard let r = resultCode else { return nil }
    let table = isIPv6 ? WiresharkNames.bvlc6Results : WiresharkNames.bvlcResults
    return table[UInt32(r)] ?? "unknown-0x" + String(r, radix: 16)
  }

  /// Wireshark's name of the type octet.
  public var typeName: String {
    switch type {
    case 0x81: "BACnet/IP (Annex J)"
    case 0x82: "BACnet/IPV6 (Annex U)"
    default: "unknown-0x\(hex2(type))"
    }
  }

  init(type: UInt8, function: UInt8, length: UInt16, actualLength: Int) {
    self.type = type
    self.function = function
    self.length = length
    self.actualLength = actualLength
    bdtEntries = []
    fdtEntries = []
  }
}

extension BVLC {
  static func readBIP(_ c: inout ByteCursor, _ what: String) throws(DecodeFailure) -> BIPAddress {
    let ip = try c.u32("\(what) IPv4 address")
    let port = try c.u16("\(what) port")
    return BIPAddress(ipv4: ip, port: port)
  }

  static func readBIP6(_ c: inout ByteCursor, _ what: String) throws(DecodeFailure) -> BIP6Address {
    guard c.remaining >= 18 else {
      throw DecodeFailure(.truncated, c.offset, "\(what) needs 18 octets (IPv6 address and port), \(c.remaining) left")
    }
    let h = (try? c.readUInt64()) ?? 0
    let l = (try? c.readUInt64()) ?? 0
    let port = (try? c.readUInt16()) ?? 0
    return BIP6Address(high: h, low: l, port: port)
  }

  static func readVMAC(_ c: inout ByteCursor, _ what: String) throws(DecodeFailure) -> UInt32 {
    do { return try c.readUInt24() } catch {
      throw DecodeFailure(.truncated, c.offset, "\(what) virtual address needs 3 octets, \(c.remaining) left")
    }
  }

  /// Decodes a BVLL. Returns the header (nil only when fewer than 4 octets are present) and the NPDU bytes.
  static func decode(_ c: inout ByteCursor, diagnostics d: inout [BACnetDiagnostic]) -> (BVLC?, ByteCursor?) {
    let start = c.offset
    let total = c.remaining
    guard total >= 4, let type = try? c.readUInt8(), let function = try? c.readUInt8(), let length = try? c.readUInt16() else {
      d.append(BACnetDiagnostic(code: .truncated, offset: start,
                                message: "a BVLC header needs 4 octets, \(total) present", layer: .bvlc))
      return (nil, nil)
    }
    var b = BVLC(type: type, function: function, length: length, actualLength: total)
    if Int(length) != total {
      let what = Int(length) > total ? "only \(total) are present" : "\(total) are present"
      d.append(BACnetDiagnostic(code: .bvlcLengthMismatch, offset: start + 2,
                                message: "BVLC length says \(length) octets but \(what); decoding the octets present", layer: .bvlc))
    }
    var npdu: ByteCursor? = nil
    do {
      switch type {
      case 0x81: npdu = try decodeAnnexJ(&b, &c, &d)
      case 0x82: npdu = try decodeAnnexU(&b, &c, &d)
      default:
        d.append(BACnetDiagnostic(code: .bvlcUnknownType, offset: start,
                                  message: "BVLC type 0x\(hex2(type)) is neither 0x81 (BACnet/IP) nor 0x82 (BACnet/IPv6)", layer: .bvlc))
      }
    } catch {
      d.append(error.diagnostic(.bvlc))
    }
    if let n = npdu { b.npduOffset = n.offset }
    return (b, npdu)
  }

  private static func trailing(_ c: ByteCursor, _ b: BVLC, _ d: inout [BACnetDiagnostic]) {
    if !c.isAtEnd {
      d.append(BACnetDiagnostic(code: .trailingBytes, offset: c.offset,
                                message: "\(c.remaining) octet(s) follow the \(b.functionName) body", layer: .bvlc))
    }
  }

  private static func decodeAnnexJ(_ b: inout BVLC, _ c: inout ByteCursor, _ d: inout [BACnetDiagnostic]) throws(DecodeFailure) -> ByteCursor? {
    switch b.function {
    case 0x00:
      b.resultCode = try c.u16("BVLC-Result code")
      trailing(c, b, &d)
    case 0x01, 0x03:
      while c.remaining >= 10 {
        let a = try readBIP(&c, "BDT entry")
        b.bdtEntries.append(BDTEntry(address: a, mask: try c.u32("BDT mask")))
      }
      if !c.isAtEnd {
        d.append(BACnetDiagnostic(code: .bvlcPartialEntry, offset: c.offset,
                                  message: "\(c.remaining) octet(s) left: not a whole 10-octet BDT entry", layer: .bvlc))
      }
    case 0x02, 0x06:
      trailing(c, b, &d)
    case 0x04:
      b.originalSource = try readBIP(&c, "Forwarded-NPDU original source")
      return c
    case 0x05:
      b.timeToLive = try c.u16("Register-Foreign-Device time-to-live")
      trailing(c, b, &d)
    case 0x07:
      while c.remaining >= 10 {
        let a = try readBIP(&c, "FDT entry")
        let ttl = try c.u16("FDT time-to-live")
        b.fdtEntries.append(FDTEntry(address: a, timeToLive: ttl, secondsRemaining: try c.u16("FDT seconds remaining")))
      }
      if !c.isAtEnd {
        d.append(BACnetDiagnostic(code: .bvlcPartialEntry, offset: c.offset,
                                  message: "\(c.remaining) octet(s) left: not a whole 10-octet FDT entry", layer: .bvlc))
      }
    case 0x08:
      b.deleteAddress = try readBIP(&c, "Delete-FDT-Entry address")
      trailing(c, b, &d)
    case 0x09, 0x0A, 0x0B:
      return c
    case 0x0C:
      break  // Secure-BVLL: a security wrapper (clause 24, deprecated); kept opaque.
    default:
      d.append(BACnetDiagnostic(code: .bvlcUnknownFunction, offset: c.offset - 3,
                                message: "BVLC function 0x\(hex2(b.function)) is not defined by Annex J", layer: .bvlc))
    }
    return nil
  }

  private static func decodeAnnexU(_ b: inout BVLC, _ c: inout ByteCursor, _ d: inout [BACnetDiagnostic]) throws(DecodeFailure) -> ByteCursor? {
    if b.function == 0x0B { return nil }  // Secure-BVLL: no virtual address, opaque wrapper.
    guard b.function <= 0x0C else {
      d.append(BACnetDiagnostic(code: .bvlcUnknownFunction, offset: c.offset - 3,
                                message: "BVLC function 0x\(hex2(b.function)) is not defined by Annex U", layer: .bvlc))
      return nil
    }
    b.sourceVMAC = try readVMAC(&c, "source")
    switch b.function {
    case 0x00:
      b.resultCode = try c.u16("BVLC-Result code")
      trailing(c, b, &d)
    case 0x01:
      b.destinationVMAC = try readVMAC(&c, "destination")
      return c
    case 0x02, 0x0C:
      return c
    case 0x03:
      b.targetVMAC = try readVMAC(&c, "target")
      trailing(c, b, &d)
    case 0x04:
      b.targetVMAC = try readVMAC(&c, "target")
      b.originalSource6 = try readBIP6(&c, "original source B/IPv6 address")
      trailing(c, b, &d)
    case 0x05, 0x07:
      b.destinationVMAC = try readVMAC(&c, "destination")
      trailing(c, b, &d)
    case 0x06:
      trailing(c, b, &d)
    case 0x08:
      b.originalSource6 = try readBIP6(&c, "original source B/IPv6 address")
      return c
    case 0x09:
      b.timeToLive = try c.u16("Register-Foreign-Device time-to-live")
      trailing(c, b, &d)
    case 0x0A:
      b.originalSource6 = try readBIP6(&c, "FDT entry B/IPv6 address")
      trailing(c, b, &d)
    default:
      break
    }
    return nil
  }
}
