/// An error reading or writing a capture: what went wrong (``code``), where (``offset``) and a plain message.
///
/// Every malformed input the readers can meet maps to a distinct ``Code``; the ``offset`` is the absolute byte
/// offset in the (decompressed) capture stream of the structure at fault, or `nil` when the error is not tied to a
/// position (an I/O failure, a writer misuse). Equality and hashing include all three fields.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The kind of failure: an open set of named values, so new codes can be added without breaking clients.
  public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// A stable, kebab-case identifier such as `"truncated"`.
    public var rawValue: String
    /// Wraps an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The identifier.
    public var description: String { rawValue }

    /// The input ended inside a header, record or block: every complete record before it was delivered.
    public static let truncated = Code(rawValue: "truncated")
    /// The first bytes are neither a pcap magic, a pcapng Section Header Block nor gzip.
    public static let badMagic = Code(rawValue: "bad-magic")
    /// A pcapng Section Header Block's byte-order magic is neither `1A2B3C4D` nor its byte swap.
    public static let badByteOrderMagic = Code(rawValue: "bad-byte-order-magic")
    /// A pcap major version other than 2, or a pcapng major version other than 1.
    public static let unsupportedVersion = Code(rawValue: "unsupported-version")
    /// A pcapng block total length that is zero, shorter than the block's fixed fields, or not a multiple of 4
    /// (when the trailer does not make the intent clear).
    public static let badBlockLength = Code(rawValue: "bad-block-length")
    /// A block or record larger than the configured cap (``ReaderOptions/maxBlockSize``, ``ReaderOptions/maxSectionHeaderSize``).
    public static let blockTooLarge = Code(rawValue: "block-too-large")
    /// The trailing copy of a pcapng block's total length differs from the leading one.
    public static let trailerMismatch = Code(rawValue: "trailer-mismatch")
    /// A pcapng option (or name-resolution record) whose length runs past the end of its block.
    public static let optionOverrun = Code(rawValue: "option-overrun")
    /// A packet's captured length runs past the end of its block.
    public static let capturedLengthOverrun = Code(rawValue: "captured-length-overrun")
    /// A packet's captured length exceeds the cap for its link type (``ReaderOptions/maxCapturedLength(for:)``).
    public static let capturedLengthTooLarge = Code(rawValue: "captured-length-too-large")
    /// An `if_tsresol` value that names no representable resolution (10^-n with n > 19, 2^-n with n > 63).
    public static let badTimestampResolution = Code(rawValue: "bad-timestamp-resolution")
    /// A packet or statistics block names an interface ID with no Interface Description Block in its section.
    public static let unknownInterface = Code(rawValue: "unknown-interface")
    /// The reserved bits of a classic pcap link-type word are set.
    public static let reservedLinkTypeBits = Code(rawValue: "reserved-link-type-bits")
    /// The gzip stream is corrupt.
    public static let badCompressedData = Code(rawValue: "bad-compressed-data")
    /// An operating-system I/O call failed (open, read, write).
    public static let ioError = Code(rawValue: "io-error")
    /// Writing pcapng content as classic pcap: the packets use several link types (or resolutions) classic pcap cannot carry.
    public static let incompatibleContent = Code(rawValue: "incompatible-content")
    /// A writer was used out of order (e.g. a packet before any interface) or given a value it cannot encode.
    public static let invalidArgument = Code(rawValue: "invalid-argument")
  }

  /// What went wrong.
  public var code: Code
  /// Absolute byte offset (in the decompressed stream) of the structure at fault; `nil` if not positional.
  public var offset: Int?
  /// A plain-language explanation, e.g. "block total length 13 is not a multiple of 4".
  public var message: String

  /// Creates an error.
  /// - Parameters:
  ///   - code: the kind of failure.
  ///   - offset: the absolute byte offset at fault, if any.
  ///   - message: a plain-language explanation.
  public init(_ code: Code, offset: Int?, _ message: String) {
    self.code = code
    self.offset = offset
    self.message = message
  }

  /// `"<code> at byte <offset>: <message>"`.
  public var description: String {
    if let offset { return "\(code) at byte \(offset): \(message)" }
    return "\(code): \(message)"
  }
}
