import Testing

@testable import PcapKit

@Suite struct TimestampTests {
  @Test("every if_tsresol value from 10^0 to 10^-19 and 2^0 to 2^-63 is accepted, finer ones rejected")
  func resolutions() throws {
    for n in 0...19 {
      let r = try TimestampResolution(ifTsresol: UInt8(n))
      var expect: UInt64 = 1
      for _ in 0..<n { expect *= 10 }
      #expect(r.unitsPerSecond == expect)
    }
    for n in 0...63 {
      let r = try TimestampResolution(ifTsresol: 0x80 | UInt8(n))
      #expect(r.unitsPerSecond == UInt64(1) << UInt64(n))
    }
    for raw: UInt8 in [20, 127, 0x80 | 64, 0xFF] {
      let e = #expect(throws: CaptureError.self) { try TimestampResolution(ifTsresol: raw) }
      #expect(e?.code == .badTimestampResolution)
    }
  }

  @Test("nanoseconds since the epoch are exact and rounded down, also for negative and binary values")
  func nanoseconds() {
    #expect(CaptureTimestamp(units: 1_700_000_000_123_456, resolution: .microseconds).nanosecondsSinceEpoch
      == 1_700_000_000_123_456_000)
    // 2^-32: one unit is 0.23283064365386962890625 ns → rounds down to 0.
    #expect(CaptureTimestamp(units: 1, resolution: .binary(32)).nanosecondsSinceEpoch == 0)
    // 3 units at 2^-1 = 1.5 s.
    #expect(CaptureTimestamp(units: 3, resolution: .binary(1)).nanosecondsSinceEpoch == 1_500_000_000)
    // 10^-10: 19 units = 1.9 ns → 1; 10^-19: 9 999 999 999 units = 0.9999999999 ns → 0.
    #expect(CaptureTimestamp(units: 19, resolution: .decimal(10)).nanosecondsSinceEpoch == 1)
    #expect(CaptureTimestamp(units: 9_999_999_999, resolution: .decimal(19)).nanosecondsSinceEpoch == 0)
    // Negative offset: -1 s + 0.5 s = -0.5 s; -1 ns - 0.25 ns rounds towards minus infinity.
    #expect(CaptureTimestamp(units: 5, resolution: .decimal(1), offsetSeconds: -1).nanosecondsSinceEpoch == -500_000_000)
    #expect(CaptureTimestamp(ticks: -5, resolution: .decimal(10)).nanosecondsSinceEpoch == -1)
    // The largest 64-bit count at 10^0 with the largest offset: no overflow.
    let big = CaptureTimestamp(units: .max, resolution: .seconds, offsetSeconds: .max)
    #expect(big.nanosecondsSinceEpoch == (Int128(UInt64.max) + Int128(Int64.max)) * 1_000_000_000)
  }

  @Test("ordering is exact across resolutions and agrees with equality and hashing")
  func ordering() {
    let a = CaptureTimestamp(units: 1_000_000, resolution: .microseconds)
    let b = CaptureTimestamp(units: 1, resolution: .seconds)
    let c = CaptureTimestamp(units: UInt64(1) << 32, resolution: .binary(32))
    #expect(a == b && b == c)
    #expect(a.hashValue == b.hashValue && b.hashValue == c.hashValue)
    #expect(Set([a, b, c]).count == 1)
    // 1 unit at 2^-63 is after 0 and before 1 unit at 10^-19 (1.08e-19 > 1e-19? no: 2^-63 = 1.0842e-19).
    let tiny2 = CaptureTimestamp(units: 1, resolution: .binary(63))
    let tiny10 = CaptureTimestamp(units: 1, resolution: .decimal(19))
    #expect(tiny10 < tiny2)
    #expect(CaptureTimestamp(units: 0, resolution: .seconds) < tiny10)
    // Values that differ below a nanosecond still order.
    let x = CaptureTimestamp(units: 10_000_000_000_000_000_001, resolution: .decimal(19))
    let y = CaptureTimestamp(units: 1, resolution: .seconds)
    #expect(y < x && x.nanosecondsSinceEpoch == y.nanosecondsSinceEpoch)
    // Signed offsets and negative ticks.
    let neg = CaptureTimestamp(units: 0, resolution: .binary(10), offsetSeconds: -5)
    #expect(neg < CaptureTimestamp(units: 0, resolution: .seconds))
    #expect(neg == CaptureTimestamp(seconds: -5, nanoseconds: 0))
    // Sorting a mixed array is a total order.
    let mixed = [x, a, tiny2, neg, tiny10, c].sorted()
    for (l, r) in zip(mixed, mixed.dropFirst()) { #expect(!(r < l)) }
  }

  @Test("dates past 2038 and 2106 format correctly")
  func dates() {
    #expect(CaptureTimestamp(units: 0x7FFF_FFFF, resolution: .seconds).iso8601 == "2038-01-19T03:14:07Z")
    #expect(CaptureTimestamp(units: 0xFFFF_FFFF, resolution: .seconds).iso8601 == "2106-02-07T06:28:15Z")
    #expect(CaptureTimestamp(units: 4_323_283_200, resolution: .seconds).iso8601 == "2107-01-01T00:00:00Z")
    #expect(CaptureTimestamp(units: 951_782_400_5, resolution: .decimal(1)).iso8601 == "2000-02-29T00:00:00.5Z")
    #expect(CaptureTimestamp(seconds: -1, nanoseconds: 0).iso8601(fractionDigits: 0) == "1969-12-31T23:59:59Z")
  }

  @Test("exact decimal strings at every resolution")
  func strings() {
    #expect(CaptureTimestamp(units: 1_500_000, resolution: .microseconds).epochString == "1.500000")
    #expect(CaptureTimestamp(units: 1, resolution: .binary(63)).epochString
      == "0.000000000000000000108420217248550443400745280086994171142578125")
    #expect(CaptureTimestamp(units: 3, resolution: .binary(2)).epochString == "0.75")
    #expect(CaptureTimestamp(ticks: -1, resolution: .decimal(3)).epochString == "-1.999")
  }

  @Test("adding offsets: seconds always exact, nanoseconds exact for decimal units")
  func adding() {
    let t = CaptureTimestamp(units: 1_000_001, resolution: .microseconds)
    #expect(t.adding(seconds: -2).nanosecondsSinceEpoch == -999_999_000)
    #expect(t.adding(nanoseconds: 1).nanosecondsSinceEpoch == 1_000_001_001)
    #expect(t.adding(nanoseconds: 1).resolution == .nanoseconds)
    let fine = CaptureTimestamp(units: 7, resolution: .decimal(12))
    #expect(fine.adding(nanoseconds: 2) == CaptureTimestamp(units: 2007, resolution: .decimal(12)))
    let bin = CaptureTimestamp(units: 3, resolution: .binary(2))
    #expect(bin.adding(nanoseconds: 1_000_000_000) == CaptureTimestamp(units: 7, resolution: .binary(2)))
    #expect(bin.adding(nanoseconds: 1).nanosecondsSinceEpoch == 750_000_001)
  }
}
