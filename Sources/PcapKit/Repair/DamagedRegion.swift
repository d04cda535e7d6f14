/// A stretch of a capture that a ``LenientCaptureReader`` could not read as it stood: skipped to resynchronise on
/// the next plausible record, or patched in place (a file header with an impossible version).
public struct DamagedRegion: Hashable, Sendable, CustomStringConvertible {
  /// What was done about the damage: an open set of named values.
  public struct Action: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// A stable, kebab-case identifier.
    public var rawValue: String
    /// Wraps an identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The identifier.
    public var description: String { rawValue }

    /// The bytes were dropped; reading resumed at ``DamagedRegion/offset`` + ``DamagedRegion/length``.
    public static let skipped = Action(rawValue: "skipped")
    /// The bytes were rewritten to a valid value (e.g. a pcap version field) and the record kept.
    public static let patched = Action(rawValue: "patched")
    /// A packet whose data the input cuts short was kept with its captured length reduced to the bytes present
    /// (``DamagedRegion/length`` is the record's bytes that were there, header included).
    public static let truncatedPacket = Action(rawValue: "kept-truncated")
  }

  /// Absolute offset (in the decompressed stream) of the first damaged byte.
  public var offset: Int
  /// Number of bytes skipped or patched.
  public var length: Int
  /// The reader error that revealed the damage (its code and message; its offset may point inside the region).
  public var reason: CaptureError
  /// Skipped, patched, or a packet kept truncated.
  public var action: Action

  /// Creates a region.
  public init(offset: Int, length: Int, reason: CaptureError, action: Action = .skipped) {
    self.offset = offset
    self.length = length
    self.reason = reason
    self.action = action
  }

  /// `"skipped 120 bytes at 4096: trailer-mismatch at byte 4212: …"`.
  public var description: String {
    "\(action) \(length) byte\(length == 1 ? "" : "s") at \(offset): \(reason)"
  }
}
