internal import WireBytes

/// A decoded APDU (clause 20.1): the header of all eight PDU types, the service, the error/reject/abort
/// details and the service parameters.
///
/// ```
/// 0 Confirmed-Request  0000 SEG MOR SA 0 | 0 maxSegs(3) maxResp(4) | invokeID | [seq# window] | service | …
/// 1 Unconfirmed        0001 0000 | service | …
/// 2 SimpleACK          0010 0000 | invokeID | service
/// 3 ComplexACK         0011 SEG MOR 0 0 | invokeID | [seq# window] | service | …
/// 4 SegmentACK         0100 00 NAK SRV | invokeID | seq# | actual window
/// 5 Error              0101 0000 | invokeID | service | errorClass errorCode …
/// 6 Reject             0110 0000 | invokeID | reason
/// 7 Abort              0111 000 SRV | invokeID | reason
/// ```
public struct APDU: Hashable, Sendable {
  /// The PDU type.
  public var pduType: APDUType
  /// The first octet (type and flags).
  public var flags: UInt8
  /// The invoke id (all types except Unconfirmed-Request).
  public var invokeID: UInt8?
  /// The service choice octet (Confirmed/Unconfirmed-Request, SimpleACK, ComplexACK, Error).
  public var serviceChoice: UInt8?
  /// Max segments accepted, the 3-bit code (Confirmed-Request).
  public var maxSegmentsCode: UInt8?
  /// Max APDU length accepted, the 4-bit code (Confirmed-Request).
  public var maxAPDUCode: UInt8?
  /// Sequence number (segmented requests/ACKs, SegmentACK).
  public var sequenceNumber: UInt8?
  /// Proposed window size (segmented) or actual window size (SegmentACK).
  public var windowSize: UInt8?
  /// Error class (Error-PDU).
  public var errorClass: ErrorClass?
  /// Error code (Error-PDU).
  public var errorCode: ErrorCode?
  /// Reject reason (Reject-PDU).
  public var rejectReason: RejectReason?
  /// Abort reason (Abort-PDU).
  public var abortReason: AbortReason?
  /// The primary object of the service: the device of an I-Am, the object of ReadProperty(-ACK), WriteProperty,
  /// ReadRange, a COV notification or subscription (the monitored object), the first object of
  /// ReadPropertyMultiple(-ACK) and WritePropertyMultiple, the event object of an event notification, the object
  /// of I-Have, Who-Has (by identifier), AtomicRead/WriteFile (the file), You-Are (the device), and of the generic
  /// AcknowledgeAlarm, Add/RemoveListElement, CreateObject(-ACK), DeleteObject and LifeSafetyOperation.
  public var primaryObject: ObjectIdentifier?
  /// The primary property of the service (ReadProperty, WriteProperty, first of ReadPropertyMultiple, the first
  /// value of a COV notification, …).
  public var primaryProperty: PropertyIdentifier?
  /// The decoded service parameters.
  public var parameters: ServiceParameters
  /// The octets after the service choice (or after the header for types without one), a view of the input.
  public var serviceData: ArraySlice<UInt8>
  /// Absolute offset of ``serviceData``.
  public var serviceDataOffset: Int

  /// SEG: the message is segmented (Confirmed-Request, ComplexACK).
  public var isSegmented: Bool { (pduType == .confirmedRequest || pduType == .complexACK) && flags & 0x08 != 0 }
  /// MOR: more segments follow (Confirmed-Request, ComplexACK).
  public var moreFollows: Bool { (pduType == .confirmedRequest || pduType == .complexACK) && flags & 0x04 != 0 }
  /// True for one segment of a segmented Confirmed-Request or ComplexACK (other than a lone final segment 0):
  /// ``parameters`` is `.noParameters` and ``serviceData`` holds this segment's octets; join the segments with a
  /// ``SegmentReassembler`` to decode the parameters.
  public var needsReassembly: Bool { isSegmented && (moreFollows || (sequenceNumber ?? 0) != 0) }
  /// SA: segmented response accepted (Confirmed-Request).
  public var segmentedResponseAccepted: Bool { pduType == .confirmedRequest && flags & 0x02 != 0 }
  /// NAK (SegmentACK).
  public var negativeACK: Bool { pduType == .segmentACK && flags & 0x02 != 0 }
  /// SRV: sent by the server (SegmentACK, Abort).
  public var sentByServer: Bool { (pduType == .segmentACK || pduType == .abort) && flags & 0x01 != 0 }

  /// The confirmed service (Confirmed-Request, SimpleACK, ComplexACK, Error).
  public var confirmedService: ConfirmedServiceChoice? {
    guard pduType != .unconfirmedRequest, let s = serviceChoice else { return nil }
    return ConfirmedServiceChoice(rawValue: s)
  }
  /// The unconfirmed service (Unconfirmed-Request).
  public var unconfirmedService: UnconfirmedServiceChoice? {
    guard pduType == .unconfirmedRequest, let s = serviceChoice else { return nil }
    return UnconfirmedServiceChoice(rawValue: s)
  }
  /// The service's name as Wireshark spells it, when there is a service.
  public var serviceName: String? { unconfirmedService?.name ?? confirmedService?.name }

  /// Max segments accepted as a number (nil = unspecified, `Int.max` = more than 64).
  public var maxSegmentsAccepted: Int? {
    guard let c = maxSegmentsCode, c != 0 else { return nil }
    return c == 7 ? Int.max : 1 << Int(c)
  }
  /// Max APDU length accepted in octets (nil when reserved).
  public var maxAPDULengthAccepted: Int? {
    guard let c = maxAPDUCode else { return nil }
    let sizes = [50, 128, 206, 480, 1024, 1476]
    return Int(c) < sizes.count ? sizes[Int(c)] : nil
  }

  init(pduType: APDUType, flags: UInt8, serviceData: ArraySlice<UInt8>, serviceDataOffset: Int) {
    self.pduType = pduType
    self.flags = flags
    self.parameters = .noParameters
    self.serviceData = serviceData
    self.serviceDataOffset = serviceDataOffset
  }
}

extension APDU {
  /// Decodes an APDU from the cursor to its end.
  static func decode(_ c: inout ByteCursor, diagnostics d: inout [BACnetDiagnostic], mode: DecodeMode = .full) -> APDU? {
    let start = c.offset
    guard let first = try? c.readUInt8() else {
      d.append(BACnetDiagnostic(code: .truncated, offset: start, message: "the APDU is empty", layer: .apdu))
      return nil
    }
    let type = APDUType(rawValue: first >> 4)
    var a = APDU(pduType: type, flags: first & 0x0F, serviceData: [], serviceDataOffset: c.offset)
    func reserved(_ mask: UInt8) {
      if first & mask != 0 {
        d.append(BACnetDiagnostic(code: .apduReservedBits, offset: start,
                                  message: "reserved bit(s) 0x\(hex2(first & mask)) of the \(type.name) header are set", layer: .apdu))
      }
    }
    do {
      switch type {
      case .confirmedRequest:
        reserved(0x01)
        let segOctet = try c.u8("max-segments/max-APDU octet")
        if segOctet & 0x80 != 0 {
          d.append(BACnetDiagnostic(code: .apduReservedBits, offset: c.offset - 1,
                                    message: "reserved bit 7 of the max-segments octet is set", layer: .apdu))
        }
        a.maxSegmentsCode = (segOctet >> 4) & 0x07
        a.maxAPDUCode = segOctet & 0x0F
        a.invokeID = try c.u8("invoke id")
        if a.isSegmented {
          a.sequenceNumber = try c.u8("sequence number")
          a.windowSize = try c.u8("proposed window size")
        }
        a.serviceChoice = try c.u8("service choice")
      case .unconfirmedRequest:
        reserved(0x0F)
        a.serviceChoice = try c.u8("service choice")
      case .simpleACK:
        reserved(0x0F)
        a.invokeID = try c.u8("invoke id")
        a.serviceChoice = try c.u8("service choice")
      case .complexACK:
        reserved(0x03)
        a.invokeID = try c.u8("invoke id")
        if a.isSegmented {
          a.sequenceNumber = try c.u8("sequence number")
          a.windowSize = try c.u8("proposed window size")
        }
        a.serviceChoice = try c.u8("service choice")
      case .segmentACK:
        reserved(0x0C)
        a.invokeID = try c.u8("invoke id")
        a.sequenceNumber = try c.u8("sequence number")
        a.windowSize = try c.u8("actual window size")
      case .error:
        reserved(0x0F)
        a.invokeID = try c.u8("invoke id")
        a.serviceChoice = try c.u8("service choice")
      case .reject:
        reserved(0x0F)
        a.invokeID = try c.u8("invoke id")
        a.rejectReason = RejectReason(rawValue: try c.u8("reject reason"))
      case .abort:
        reserved(0x0E)
        a.invokeID = try c.u8("invoke id")
        a.abortReason = AbortReason(rawValue: try c.u8("abort reason"))
      default:
        d.append(BACnetDiagnostic(code: .apduUnknownType, offset: start,
                                  message: "APDU type \(type.rawValue) is reserved", layer: .apdu))
        a.serviceData = c.rest
        a.serviceDataOffset = c.offset
        return a
      }
    } catch {
      d.append(error.diagnostic(.apdu))
      a.serviceData = c.rest
      a.serviceDataOffset = c.offset
      return a
    }
    a.serviceData = c.rest
    a.serviceDataOffset = c.offset
    if a.needsReassembly {
      // One segment of a larger message: its parameters can only be decoded once all segments are joined
      // (SegmentReassembler). Not a fault, so no diagnostic; the segment's octets stay in serviceData.
      return a
    }
    ServiceDecoder.decodeParameters(&a, diagnostics: &d, mode: mode)
    return a
  }
}
