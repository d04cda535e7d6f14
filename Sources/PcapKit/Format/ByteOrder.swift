internal import WireBytes

/// The byte order of a capture file's (or pcapng section's) header fields.
public enum ByteOrder: Hashable, Sendable, CustomStringConvertible {
  /// Least significant byte first.
  case little
  /// Most significant byte first.
  case big

  /// The byte order of the machine running this code.
  public static var host: ByteOrder { UInt32(1).littleEndian == 1 ? .little : .big }

  /// `"little-endian"` or `"big-endian"`.
  public var description: String { self == .little ? "little-endian" : "big-endian" }

  /// The same order as a ``WireBytes`` endianness.
  var endianness: Endianness { self == .little ? .little : .big }
}
