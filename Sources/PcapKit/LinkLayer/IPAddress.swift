/// An IPv4 or IPv6 address held in integers (no heap storage), as found in a packet header.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
  /// An IPv4 address, most significant byte first (10.0.0.1 is `0x0A00_0001`).
  case v4(UInt32)
  /// An IPv6 address as two 64-bit halves, most significant byte first.
  case v6(high: UInt64, low: UInt64)

  /// Dotted-quad for IPv4; RFC 5952 text (lower case, longest zero run compressed) for IPv6.
  public var description: String {
    switch self {
    case .v4(let a):
      // Built as bytes (this runs for every packet of `list`): up to three decimal digits per octet.
      var text: [UInt8] = []
      text.reserveCapacity(15)
      for shift in [24, 16, 8, 0] as [UInt32] {
        let octet = UInt8(truncatingIfNeeded: a >> shift)
        if shift != 24 { text.append(0x2E) }
        if octet >= 100 { text.append(0x30 + octet / 100) }
        if octet >= 10 { text.append(0x30 + octet / 10 % 10) }
        text.append(0x30 + octet % 10)
      }
      return String(decoding: text, as: UTF8.self)
    case .v6(let high, let low):
      var groups: [UInt16] = []
      groups.reserveCapacity(8)
      for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
      for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
      // Longest run of two or more zero groups (first one on ties), per RFC 5952 section 4.2.
      var bestStart = -1, bestLength = 1, runStart = -1
      for i in 0...8 {
        if i < 8 && groups[i] == 0 {
          if runStart < 0 { runStart = i }
        } else if runStart >= 0 {
          if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
          runStart = -1
        }
      }
      func text(_ r: Range<Int>) -> String { r.map { String(groups[$0], radix: 16) }.joined(separator: ":") }
      if bestStart < 0 { return text(0..<8) }
      return text(0..<bestStart) + "::" + text((bestStart + bestLength)..<8)
    }
  }
}
