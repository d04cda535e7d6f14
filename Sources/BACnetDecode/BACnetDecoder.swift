internal import WireBytes

/// Entry points of the BACnet decoder. Every entry point is total: any byte sequence yields a result, with
/// diagnostics for whatever could not be decoded; nothing traps, and recursion is bounded by
/// ``maxNestingDepth``.
public enum BACnetDecoder {
  /// The deepest nesting of constructed values (opening/closing tags) that is decoded.
  public static let maxNestingDepth = 32

  /// Decodes a BACnet/IP or BACnet/IPv6 UDP payload: BVLC (type 0x81 or 0x82), then NPDU and APDU or
  /// network message.
  /// - Parameters:
  ///   - bytes: the UDP payload; offsets in diagnostics count from its first byte.
  ///   - mode: which service parameters are built (``DecodeMode/full`` by default).
  public static func decodeBVLL(_ bytes: ArraySlice<UInt8>, mode: DecodeMode = .full) -> BACnetMessage {
    var m = BACnetMessage()
    var c = ByteCursor(bytes)
    let (bvlc, npduCursor) = BVLC.decode(&c, diagnostics: &m.diagnostics)
    m.bvlc = bvlc
    if var n = npduCursor {
      decodeNetworkLayer(&n, into: &m, mode: mode)
    }
    return m
  }

  /// Decodes an NPDU and what it carries (BACnet/Ethernet LLC payload after `82 82 03`, ARCNET, MS/TP data).
  /// - Parameter bytes: the NPDU; offsets in diagnostics count from its first byte.
  public static func decodeNPDU(_ bytes: ArraySlice<UInt8>) -> BACnetMessage {
    decodeNPDU(bytes, baseOffset: 0)
  }

  /// Decodes an NPDU whose first byte sits at `baseOffset` in a larger input.
  /// - Parameters:
  ///   - bytes: the NPDU.
  ///   - baseOffset: absolute offset of its first byte, for diagnostics.
  ///   - mode: which service parameters are built (``DecodeMode/full`` by default).
  public static func decodeNPDU(_ bytes: ArraySlice<UInt8>, baseOffset: Int, mode: DecodeMode = .full) -> BACnetMessage {
    var m = BACnetMessage()
    var c = ByteCursor(bytes, baseOffset: baseOffset)
    decodeNetworkLayer(&c, into: &m, mode: mode)
    return m
  }

  /// Decodes an APDU on its own (for example one rebuilt by ``SegmentReassembler``).
  /// - Parameters:
  ///   - bytes: the APDU.
  ///   - baseOffset: absolute offset of its first byte, for diagnostics.
  ///   - mode: which service parameters are built (``DecodeMode/full`` by default).
  public static func decodeAPDU(_ bytes: ArraySlice<UInt8>, baseOffset: Int = 0, mode: DecodeMode = .full) -> (APDU?, [BACnetDiagnostic]) {
    var d: [BACnetDiagnostic] = []
    var c = ByteCursor(bytes, baseOffset: baseOffset)
    let a = APDU.decode(&c, diagnostics: &d, mode: mode)
    return (a, d)
  }

  /// Decodes one LINKTYPE_BACNET_MS_TP (165) record: with or without the `55 FF` preamble, with or without a
  /// trailing `FF` pad; header CRC-8, data CRC-16 and CRC-32K checked separately; data frames decoded into
  /// NPDU/APDU.
  /// - Parameters:
  ///   - bytes: the record; offsets in diagnostics count from its first byte.
  ///   - mode: which service parameters are built (``DecodeMode/full`` by default).
  public static func decodeMSTP(_ bytes: ArraySlice<UInt8>, mode: DecodeMode = .full) -> MSTPDecode {
    MSTPFrame.decode(bytes, mode: mode)
  }

  static func decodeNetworkLayer(_ c: inout ByteCursor, into m: inout BACnetMessage, mode: DecodeMode = .full) {
    let (npdu, complete) = NPDU.decode(&c, diagnostics: &m.diagnostics)
    m.npdu = npdu
    guard let npdu, complete else { return }
    if let type = npdu.messageType {
      m.networkMessage = NetworkMessage.decode(type: type, vendorID: npdu.vendorID, &c, diagnostics: &m.diagnostics)
    } else {
      m.apdu = APDU.decode(&c, diagnostics: &m.diagnostics, mode: mode)
    }
  }
}
