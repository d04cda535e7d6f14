/// The unit of a capture's timestamps: 10^-n or 2^-n seconds (pcapng `if_tsresol`, draft-ietf-opsawg-pcapng §4.2).
///
/// Every value the option can encode that names a unit of at least 10^-19 or 2^-63 seconds is representable
/// (those are the units whose count per second fits in a `UInt64`); anything finer is rejected by
/// ``init(ifTsresol:)`` with ``CaptureError/Code/badTimestampResolution``.
public struct TimestampResolution: Hashable, Sendable, CustomStringConvertible {
  /// The `if_tsresol` byte: MSB clear → 10^-(value), MSB set → 2^-(value & 0x7F).
  public let rawValue: UInt8
  /// Number of units in one second (10^n or 2^n), at most 10^19.
  public let unitsPerSecond: UInt64

  /// Decodes an `if_tsresol` byte.
  /// - Throws: ``CaptureError/Code/badTimestampResolution`` for 10^-20 and finer or 2^-64 and finer.
  public init(ifTsresol raw: UInt8) throws(CaptureError) {
    let n = Int(raw & 0x7F)
    if raw & 0x80 == 0 {
      guard n <= 19 else {
        throw CaptureError(.badTimestampResolution, offset: nil, "if_tsresol 10^-\(n) is finer than 10^-19")
      }
      var ups: UInt64 = 1
      for _ in 0..<n { ups &*= 10 }
      self.rawValue = raw
      self.unitsPerSecond = ups
    } else {
      guard n <= 63 else {
        throw CaptureError(.badTimestampResolution, offset: nil, "if_tsresol 2^-\(n) is finer than 2^-63")
      }
      self.rawValue = raw
      self.unitsPerSecond = UInt64(1) << UInt64(n)
    }
  }

  /// 10^-`digits` seconds.
  /// - Parameter digits: 0…19; larger values are a programmer error.
  public static func decimal(_ digits: Int) -> TimestampResolution {
    precondition((0...19).contains(digits), "decimal resolution 10^-\(digits) out of range")
    return try! TimestampResolution(ifTsresol: UInt8(digits))
  }

  /// 2^-`bits` seconds.
  /// - Parameter bits: 0…63; larger values are a programmer error.
  public static func binary(_ bits: Int) -> TimestampResolution {
    precondition((0...63).contains(bits), "binary resolution 2^-\(bits) out of range")
    return try! TimestampResolution(ifTsresol: 0x80 | UInt8(bits))
  }

  /// Microseconds (10^-6), the pcapng default and classic pcap's `A1B2C3D4` unit.
  public static let microseconds = TimestampResolution.decimal(6)
  /// Nanoseconds (10^-9), classic pcap's `A1B23C4D` unit.
  public static let nanoseconds = TimestampResolution.decimal(9)
  /// Whole seconds.
  public static let seconds = TimestampResolution.decimal(0)

  /// True for a power-of-ten unit.
  public var isDecimal: Bool { rawValue & 0x80 == 0 }
  /// The exponent n of 10^-n or 2^-n.
  public var exponent: Int { Int(rawValue & 0x7F) }

  /// `"10^-6"`, `"2^-32"`.
  public var description: String { isDecimal ? "10^-\(exponent)" : "2^-\(exponent)" }

  /// Number of decimal digits needed to print one unit exactly (n for 10^-n, n for 2^-n as 5^n·2^-n has n digits).
  public var fractionDigits: Int { exponent }
}
