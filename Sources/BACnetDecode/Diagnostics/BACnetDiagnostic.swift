/// A problem found while decoding, with where it is and what it means.
///
/// Decoding never throws and never traps: whatever could be decoded is returned, and everything that could not
/// (a truncated header, a reserved bit set, a CRC that does not match, a tag that overruns its buffer) becomes a
/// diagnostic. The offset is absolute: it counts from the first byte handed to the entry point
/// (``BACnetDecoder/decodeBVLL(_:mode:)``, ``BACnetDecoder/decodeNPDU(_:)`` or ``BACnetDecoder/decodeMSTP(_:mode:)``).
public struct BACnetDiagnostic: Hashable, Sendable, CustomStringConvertible {
  /// What kind of problem this is. An open set: new codes can be added without breaking clients.
  public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The stable, machine-readable spelling (used as the JSON `code`).
    public var rawValue: String
    /// Creates a code from its spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The spelling.
    public var description: String { rawValue }

    /// The input ended before a field that the layout requires.
    public static let truncated = Code(rawValue: "truncated")
    /// Bytes were left over after the layer's last field.
    public static let trailingBytes = Code(rawValue: "trailing-bytes")
    /// The BVLC type octet is neither 0x81 (Annex J) nor 0x82 (Annex U).
    public static let bvlcUnknownType = Code(rawValue: "bvlc-unknown-type")
    /// The BVLC function is not one the standard defines.
    public static let bvlcUnknownFunction = Code(rawValue: "bvlc-unknown-function")
    /// The BVLC length field disagrees with the number of bytes present; the bytes present were decoded.
    public static let bvlcLengthMismatch = Code(rawValue: "bvlc-length-mismatch")
    /// A BDT or FDT list whose size is not a whole number of entries.
    public static let bvlcPartialEntry = Code(rawValue: "bvlc-partial-entry")
    /// The NPDU protocol version is not 1.
    public static let npduVersion = Code(rawValue: "npdu-version")
    /// A reserved bit (6 or 4) of the NPDU control octet is set.
    public static let npduReservedBits = Code(rawValue: "npdu-reserved-bits")
    /// SLEN is 0 (the source address must be present when bit 3 is set).
    public static let npduInvalidSLEN = Code(rawValue: "npdu-invalid-slen")
    /// SNET is 0xFFFF (a source cannot be the global network) or 0.
    public static let npduInvalidSNET = Code(rawValue: "npdu-invalid-snet")
    /// DNET is 0 (not a valid network number).
    public static let npduInvalidDNET = Code(rawValue: "npdu-invalid-dnet")
    /// A DADR or SADR longer than any BACnet data link uses (more than 7 octets).
    public static let npduMACTooLong = Code(rawValue: "npdu-mac-too-long")
    /// A network-layer message body that does not match its type's layout.
    public static let networkMessageMalformed = Code(rawValue: "network-message-malformed")
    /// The APDU type is 8–15 (reserved).
    public static let apduUnknownType = Code(rawValue: "apdu-unknown-type")
    /// A reserved bit in an APDU header octet is set.
    public static let apduReservedBits = Code(rawValue: "apdu-reserved-bits")
    /// A tag header is malformed (an extended tag number or length runs past the end).
    public static let tagMalformed = Code(rawValue: "tag-malformed")
    /// A tag's length runs past the end of its buffer.
    public static let tagLengthOverrun = Code(rawValue: "tag-length-overrun")
    /// A closing tag without a matching opening tag, or with a different tag number.
    public static let tagUnmatchedClosing = Code(rawValue: "tag-unmatched-closing")
    /// An opening tag that is never closed.
    public static let tagMissingClosing = Code(rawValue: "tag-missing-closing")
    /// Constructed values nest deeper than ``BACnetDecoder/maxNestingDepth``.
    public static let tagDepthExceeded = Code(rawValue: "tag-depth-exceeded")
    /// An application tag's content is not valid for its type (e.g. a REAL of 3 octets, an Unsigned of 9).
    public static let tagInvalidValue = Code(rawValue: "tag-invalid-value")
    /// Service parameters do not follow the service's ASN.1 layout; the rest was decoded as a generic tag tree.
    public static let serviceMalformed = Code(rawValue: "service-malformed")
    /// The MS/TP record does not start with the `55 FF` preamble and its header CRC does not check at offset 0.
    public static let mstpNoPreamble = Code(rawValue: "mstp-no-preamble")
    /// The MS/TP header CRC-8 does not match.
    public static let mstpHeaderCRC = Code(rawValue: "mstp-header-crc")
    /// The MS/TP data CRC-16 does not match.
    public static let mstpDataCRC = Code(rawValue: "mstp-data-crc")
    /// The CRC-32K of a COBS-encoded extended frame does not match.
    public static let mstpCRC32K = Code(rawValue: "mstp-crc32k")
    /// The COBS encoding of an extended frame is invalid.
    public static let mstpCOBS = Code(rawValue: "mstp-cobs")
    /// The MS/TP length field is out of range for the frame type (e.g. data on a Token, more than 501 octets).
    public static let mstpLength = Code(rawValue: "mstp-length")
    /// The MS/TP frame type is reserved (8–31, 34–127).
    public static let mstpReservedFrameType = Code(rawValue: "mstp-reserved-frame-type")
  }

  /// Which protocol layer the problem belongs to. An open set.
  public struct Layer: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The spelling.
    public var rawValue: String
    /// Creates a layer from its spelling.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The spelling.
    public var description: String { rawValue }
    /// BACnet Virtual Link Control (Annex J / Annex U).
    public static let bvlc = Layer(rawValue: "bvlc")
    /// The network layer header (clause 6).
    public static let npdu = Layer(rawValue: "npdu")
    /// A network-layer message body.
    public static let networkMessage = Layer(rawValue: "network-message")
    /// The application layer header and service parameters (clause 20/21).
    public static let apdu = Layer(rawValue: "apdu")
    /// The MS/TP frame (clause 9).
    public static let mstp = Layer(rawValue: "mstp")
  }

  /// What kind of problem this is.
  public var code: Code
  /// Absolute offset of the byte where the problem was found.
  public var offset: Int
  /// A plain-language explanation.
  public var message: String
  /// The layer the problem belongs to.
  public var layer: Layer

  /// Creates a diagnostic.
  public init(code: Code, offset: Int, message: String, layer: Layer) {
    self.code = code
    self.offset = offset
    self.message = message
    self.layer = layer
  }

  /// `layer code at byte N: message`.
  public var description: String { "\(layer) \(code) at byte \(offset): \(message)" }
}

/// An internal decode failure: converted into a ``BACnetDiagnostic`` by whoever catches it.
struct DecodeFailure: Error {
  var code: BACnetDiagnostic.Code
  var offset: Int
  var message: String

  init(_ code: BACnetDiagnostic.Code, _ offset: Int, _ message: String) {
    self.code = code
    self.offset = offset
    self.message = message
  }

  func diagnostic(_ layer: BACnetDiagnostic.Layer) -> BACnetDiagnostic {
    BACnetDiagnostic(code: code, offset: offset, message: message, layer: layer)
  }
}
