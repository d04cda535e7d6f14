internal import WireBytes

/// An MS/TP frame type (clause 9.3).
public struct MSTPFrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The frame type octet.
  public var rawValue: UInt8
  /// Creates a frame type.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Token (0).
  public static let token = Self(rawValue: 0)
  /// Poll For Master (1).
  public static let pollForMaster = Self(rawValue: 1)
  /// Reply To Poll For Master (2).
  public static let replyToPollForMaster = Self(rawValue: 2)
  /// Test_Request (3).
  public static let testRequest = Self(rawValue: 3)
  /// Test_Response (4).
  public static let testResponse = Self(rawValue: 4)
  /// BACnet Data Expecting Reply (5).
  public static let bacnetDataExpectingReply = Self(rawValue: 5)
  /// BACnet Data Not Expecting Reply (6).
  public static let bacnetDataNotExpectingReply = Self(rawValue: 6)
  /// Reply Postponed (7).
  public static let replyPostponed = Self(rawValue: 7)
  /// BACnet Extended Data Expecting Reply (32, COBS-encoded).
  public static let bacnetExtendedDataExpectingReply = Self(rawValue: 32)
  /// BACnet Extended Data Not Expecting Reply (33, COBS-encoded).
  public static let bacnetExtendedDataNotExpectingReply = Self(rawValue: 33)
  /// True for 32–127: the data is COBS-encoded with a CRC-32K.
  public var isCOBSEncoded: Bool { (32...127).contains(rawValue) }
  /// True for 128–255: proprietary; the data starts with a vendor id.
  public var isProprietary: Bool { rawValue >= 128 }
  /// True for frames that carry an NPDU (5, 6, 32, 33).
  public var carriesNPDU: Bool { rawValue == 5 || rawValue == 6 || rawValue == 32 || rawValue == 33 }
  /// Wireshark's name, or `Proprietary` / `Reserved`.
  public var name: String {
    if let n = WiresharkNames.mstpFrameTypes[UInt32(rawValue)] { return n }
    return rawValue >= 128 ? "Proprietary" : "Reserved"
  }
  /// The name.
  public var description: String { name }
}

/// A decoded MS/TP frame as stored in a LINKTYPE_BACNET_MS_TP (165) record.
///
/// ```
/// [55 FF] | type | dest | src | length(2, MSB first) | header CRC | [data(length) | data CRC(2, LSB first)] | [FF pad]
/// COBS frames (32–127): the data field holds length+2 octets: COBS(data) then COBS(CRC-32K, 5 octets).
/// ```
public struct MSTPFrame: Hashable, Sendable {
  /// True when the record starts with the `55 FF` preamble.
  public var hasPreamble: Bool
  /// The frame type.
  public var frameType: MSTPFrameType
  /// Destination station (255 = broadcast).
  public var destination: UInt8
  /// Source station.
  public var source: UInt8
  /// The length field.
  public var length: UInt16
  /// The header CRC octet as received.
  public var headerCRC: UInt8
  /// Whether the header CRC checks.
  public var headerCRCOK: Bool
  /// The data CRC-16 as received (LSB-first pair read as a number), for non-COBS frames with data.
  public var dataCRC: UInt16?
  /// Whether the data CRC-16 checks; nil when the frame has no data CRC (no data, COBS frame, or truncated).
  public var dataCRCOK: Bool?
  /// Whether the CRC-32K of a COBS-encoded frame checks; nil for other frames.
  public var crc32KOK: Bool?
  /// Vendor id of a proprietary frame (first two data octets).
  public var vendorID: UInt16?
  /// Absolute offset of the data field.
  public var dataOffset: Int
  /// The client data: a view of the record for plain frames, the decoded octets for COBS frames.
  public var data: ArraySlice<UInt8>
  /// True when a trailing 0xFF pad octet followed the frame.
  public var hasPadding: Bool

  /// The overall CRC verdict: header and (when present) data CRC or CRC-32K all correct.
  public var crcOK: Bool { headerCRCOK && (dataCRCOK ?? true) && (crc32KOK ?? true) }
}

/// The decode of one MS/TP record: the frame, the NPDU/APDU it carries, and every diagnostic.
public struct MSTPDecode: Hashable, Sendable {
  /// The frame header and checks (nil when the record is too short for a header).
  public var frame: MSTPFrame?
  /// The NPDU/APDU carried by a data frame (``BACnetMessage/bvlc`` is nil); its diagnostics are merged into
  /// ``diagnostics``.
  public var message: BACnetMessage?
  /// All diagnostics, MS/TP and upper layers, in offset order of discovery.
  public var diagnostics: [BACnetDiagnostic]
}

extension MSTPFrame {
  static func decode(_ bytes: ArraySlice<UInt8>, mode: DecodeMode = .full) -> MSTPDecode {
    var d: [BACnetDiagnostic] = []
    var c = ByteCursor(bytes)
    var hasPreamble = false
    if bytes.first == 0x55, bytes.count == 1 || bytes[bytes.startIndex + 1] == 0xFF {
      // The preamble (or, in 1-octet records of older mstpcap versions, its first octet).
      hasPreamble = true
      _ = try? c.skip(min(2, bytes.count))
    } else if bytes.count >= 6, MSTPChecksums.headerCRC(bytes.prefix(5)) == bytes[bytes.startIndex + 5] {
      hasPreamble = false  // a preamble-less record whose header CRC checks at offset 0
    } else {
      d.append(BACnetDiagnostic(code: .mstpNoPreamble, offset: 0,
                                message: "the record does not start with the 55 FF preamble and no header CRC checks at offset 0; reading it as preamble-less",
                                layer: .mstp))
    }
    let headerStart = c.offset
    guard c.remaining >= 6, let hdr = try? c.readBytes(6) else {
      d.append(BACnetDiagnostic(code: .truncated, offset: headerStart,
                                message: "an MS/TP header needs 6 octets after the preamble, \(c.remaining) present", layer: .mstp))
      return MSTPDecode(frame: nil, message: nil, diagnostics: d)
    }
    let h = hdr.startIndex
    let type = MSTPFrameType(rawValue: hdr[h])
    let length = UInt16(hdr[h + 3]) << 8 | UInt16(hdr[h + 4])
    let hcrc = hdr[h + 5]
    let headerOK = MSTPChecksums.headerCRC(hdr.prefix(5)) == hcrc
    var f = MSTPFrame(hasPreamble: hasPreamble, frameType: type, destination: hdr[h + 1], source: hdr[h + 2], length: length,
                      headerCRC: hcrc, headerCRCOK: headerOK, dataOffset: c.offset, data: [], hasPadding: false)
    if !headerOK {
      d.append(BACnetDiagnostic(code: .mstpHeaderCRC, offset: headerStart + 5,
                                message: "header CRC 0x\(hex2(hcrc)) is wrong (expected 0x\(hex2(MSTPChecksums.headerCRC(hdr.prefix(5)))))",
                                layer: .mstp))
    }
    if (8...31).contains(type.rawValue) || (34...127).contains(type.rawValue) {
      d.append(BACnetDiagnostic(code: .mstpReservedFrameType, offset: headerStart,
                                message: "frame type \(type.rawValue) is reserved", layer: .mstp))
    }
    if length == 0 {
      if !c.isAtEnd {
        if c.remaining == 1, c.peekUInt8() == 0xFF {
          f.hasPadding = true
        } else {
          d.append(BACnetDiagnostic(code: .trailingBytes, offset: c.offset,
                                    message: "\(c.remaining) octet(s) follow a frame without data", layer: .mstp))
        }
      }
      if type.carriesNPDU || type.isCOBSEncoded {
        d.append(BACnetDiagnostic(code: .mstpLength, offset: headerStart + 3,
                                  message: "a \(type.name) frame with no data", layer: .mstp))
      }
      return MSTPDecode(frame: f, message: nil, diagnostics: d)
    }
    if type.rawValue <= 4 || type.rawValue == 7 {
      if type.rawValue != 3 && type.rawValue != 4 {
        d.append(BACnetDiagnostic(code: .mstpLength, offset: headerStart + 3,
                                  message: "a \(type.name) frame must not carry data (length \(length))", layer: .mstp))
      }
    }
    var payload: ArraySlice<UInt8>
    if type.isCOBSEncoded {
      // The data field holds length + 2 octets: the encoded data then the 5-octet encoded CRC-32K.
      let fieldLength = Int(length) + 2
      let available = min(fieldLength, c.remaining)
      let field = (try? c.readBytes(available)) ?? []
      if available < fieldLength {
        d.append(BACnetDiagnostic(code: .truncated, offset: f.dataOffset,
                                  message: "the COBS data field needs \(fieldLength) octets, \(available) present", layer: .mstp))
      }
      let encData = field.prefix(max(0, field.count - 5))
      switch MSTPChecksums.checkExtendedField(field) {
      case .tooShort:
        d.append(BACnetDiagnostic(code: .mstpCOBS, offset: f.dataOffset,
                                  message: "a COBS data field needs at least the 5-octet encoded CRC-32K", layer: .mstp))
      case .invalidEncoding(let bad):
        d.append(BACnetDiagnostic(code: .mstpCOBS, offset: f.dataOffset + encData.count + bad,
                                  message: "the encoded CRC-32K is not valid COBS", layer: .mstp))
        f.crc32KOK = false
      case .wrong:
        f.crc32KOK = false
        d.append(BACnetDiagnostic(code: .mstpCRC32K, offset: f.dataOffset + encData.count,
                                  message: "the CRC-32K of the extended frame does not check", layer: .mstp))
      case .correct:
        f.crc32KOK = true
      }
      if field.count < 5 {
        payload = []
      } else {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encData.count)
        if let bad = COBS.decode(encData, into: &decoded) {
          d.append(BACnetDiagnostic(code: .mstpCOBS, offset: f.dataOffset + bad,
                                    message: "invalid COBS block in the extended frame data", layer: .mstp))
        }
        payload = decoded[...]
      }
    } else {
      let want = Int(length)
      let available = min(want, c.remaining)
      payload = (try? c.readBytes(available)) ?? []
      if available < want {
        d.append(BACnetDiagnostic(code: .truncated, offset: f.dataOffset,
                                  message: "the data field needs \(want) octets, \(available) present", layer: .mstp))
      } else if c.remaining >= 2, let lo = try? c.readUInt8(), let hi = try? c.readUInt8() {
        f.dataCRC = UInt16(hi) << 8 | UInt16(lo)
        var crc: UInt16 = 0xFFFF
        for b in payload { crc = MSTPChecksums.dataCRCStep(b, crc) }
        crc = MSTPChecksums.dataCRCStep(lo, crc)
        crc = MSTPChecksums.dataCRCStep(hi, crc)
        f.dataCRCOK = crc == 0xF0B8
        if f.dataCRCOK == false {
          d.append(BACnetDiagnostic(code: .mstpDataCRC, offset: c.offset - 2,
                                    message: "data CRC 0x\(String(f.dataCRC ?? 0, radix: 16)) is wrong (expected 0x\(String(MSTPChecksums.dataCRC(payload), radix: 16)))",
                                    layer: .mstp))
        }
      } else {
        d.append(BACnetDiagnostic(code: .truncated, offset: c.offset,
                                  message: "the 2-octet data CRC is missing", layer: .mstp))
        _ = try? c.skip(c.remaining)
      }
      if want > 501 && !type.isProprietary {
        d.append(BACnetDiagnostic(code: .mstpLength, offset: headerStart + 3,
                                  message: "length \(want) exceeds the 501-octet MS/TP data limit", layer: .mstp))
      }
    }
    if !c.isAtEnd {
      if c.remaining == 1, c.peekUInt8() == 0xFF {
        f.hasPadding = true
      } else {
        d.append(BACnetDiagnostic(code: .trailingBytes, offset: c.offset,
                                  message: "\(c.remaining) octet(s) follow the frame", layer: .mstp))
      }
    }
    f.data = payload
    var message: BACnetMessage? = nil
    if type.isProprietary {
      if payload.count >= 2 {
        f.vendorID = UInt16(payload[payload.startIndex]) << 8 | UInt16(payload[payload.startIndex + 1])
      } else {
        d.append(BACnetDiagnostic(code: .truncated, offset: f.dataOffset,
                                  message: "a proprietary frame needs a 2-octet vendor id", layer: .mstp))
      }
    } else if type.carriesNPDU && !payload.isEmpty {
      // For COBS frames the decoded data is a fresh buffer; offsets inside it are reported from the data field start.
      let m = BACnetDecoder.decodeNPDU(payload, baseOffset: f.dataOffset, mode: mode)
      d.append(contentsOf: m.diagnostics)
      message = m
    }
    return MSTPDecode(frame: f, message: message, diagnostics: d)
  }
}
