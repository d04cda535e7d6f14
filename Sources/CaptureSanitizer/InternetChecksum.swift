/// Ones-complement arithmetic for the Internet checksum (RFC 1071) and its incremental update (RFC 1624), so a
/// checksum can follow an edit without the whole datagram being present (truncated captures, IP fragments), and
/// a checksum that was wrong before stays exactly as wrong after.
enum InternetChecksum {
  /// The 32-bit running sum of `bytes[range]` read as big-endian 16-bit words starting at an even position.
  static func sum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32 {
    var total: UInt32 = 0
    var i = range.lowerBound
    let end = range.upperBound
    while i + 1 < end {
      total &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
      i += 2
    }
    if i < end { total &+= UInt32(bytes[i]) << 8 }
    return fold(total)
  }

  /// Folds a running sum into 16 bits.
  static func fold(_ value: UInt32) -> UInt32 {
    var v = value
    while v > 0xFFFF { v = (v & 0xFFFF) + (v >> 16) }
    return v
  }

  /// The checksum field after the covered data's sum went from `old` to `new` (RFC 1624 equation 3).
  static func updated(_ field: UInt16, oldSum: UInt32, newSum: UInt32) -> UInt16 {
    let v = fold(UInt32(~field) + (~fold(oldSum) & 0xFFFF) + fold(newSum))
    return ~UInt16(truncatingIfNeeded: v)
  }

  /// Reads the big-endian checksum at `offset`, applies the sum change and writes it back.
  static func adjust(_ bytes: inout [UInt8], at offset: Int, oldSum: UInt32, newSum: UInt32, zeroMeansNone: Bool) {
    guard offset + 2 <= bytes.count, fold(oldSum) != fold(newSum) else { return }
    let field = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    if zeroMeansNone && field == 0 { return }  // UDP over IPv4 without a checksum
    var value = updated(field, oldSum: oldSum, newSum: newSum)
    if zeroMeansNone && value == 0 { value = 0xFFFF }
    bytes[offset] = UInt8(value >> 8)
    bytes[offset + 1] = UInt8(value & 0xFF)
  }

  /// Computes the checksum of `bytes[range]` (with the field at `offset`, inside the range, taken as zero) plus
  /// `extra` (a pseudo-header's sum), and stores it at `offset`. A UDP checksum of 0 is sent as 0xFFFF.
  static func store(_ bytes: inout [UInt8], at offset: Int, over range: Range<Int>, plus extra: UInt32, zeroMeansNone: Bool) {
    guard offset >= range.lowerBound, offset + 2 <= range.upperBound, range.upperBound <= bytes.count else { return }
    bytes[offset] = 0
    bytes[offset + 1] = 0
    var value = ~UInt16(truncatingIfNeeded: fold(sum(bytes, range) + fold(extra)))
    if zeroMeansNone && value == 0 { value = 0xFFFF }
    bytes[offset] = UInt8(value >> 8)
    bytes[offset + 1] = UInt8(value & 0xFF)
  }
}
