/// An exact packet timestamp: a signed count of ``resolution`` units since 1970-01-01T00:00:00Z.
///
/// No floating point is involved anywhere: every pcapng resolution (10^0…10^-19, 2^0…2^-63) plus the signed
/// `if_tsoffset` is held exactly in an `Int128` tick count, which covers a 64-bit unit count plus any 64-bit second
/// offset at the finest resolution. Dates past 2038 and 2106 are ordinary values.
///
/// Timestamps of different resolutions compare (and hash) by the instant they denote: `1 s` at 10^0 equals
/// `1 000 000 µs` at 10^-6. Ordering splits each value into whole seconds and a fraction and compares fractions by
/// `UInt128` cross-multiplication, so the order is total and exact.
public struct CaptureTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Units of ``resolution`` since the epoch (negative before 1970).
  public let ticks: Int128
  /// The unit of ``ticks``.
  public let resolution: TimestampResolution

  /// A timestamp of `ticks` units of `resolution` since the epoch.
  public init(ticks: Int128, resolution: TimestampResolution) {
    self.ticks = ticks
    self.resolution = resolution
  }

  /// A timestamp as pcapng stores it: an unsigned 64-bit unit count plus the interface's `if_tsoffset` seconds.
  /// - Parameters:
  ///   - units: the EPB/ISB 64-bit timestamp (high and low words joined).
  ///   - resolution: the interface's `if_tsresol`.
  ///   - offsetSeconds: the interface's `if_tsoffset` (signed seconds added to every timestamp).
  public init(units: UInt64, resolution: TimestampResolution, offsetSeconds: Int64 = 0) {
    self.ticks = Int128(units) + Int128(offsetSeconds) * Int128(resolution.unitsPerSecond)
    self.resolution = resolution
  }

  /// A nanosecond-resolution timestamp from whole seconds and nanoseconds (which may exceed 10^9 or be negative;
  /// the sum is what counts).
  public init(seconds: Int64, nanoseconds: Int64) {
    self.ticks = Int128(seconds) * 1_000_000_000 + Int128(nanoseconds)
    self.resolution = .nanoseconds
  }

  /// A nanosecond-resolution timestamp.
  public init(nanosecondsSinceEpoch: Int128) {
    self.ticks = nanosecondsSinceEpoch
    self.resolution = .nanoseconds
  }

  @inline(__always) var unitsPerSecond: Int128 { Int128(resolution.unitsPerSecond) }

  /// Whole seconds since the epoch, rounded towards minus infinity.
  public var seconds: Int128 {
    let ups = unitsPerSecond
    let q = ticks / ups
    return (ticks % ups < 0) ? q - 1 : q
  }

  /// The fraction of a second, in ``resolution`` units: always in `0 ..< unitsPerSecond`.
  public var fractionUnits: UInt64 {
    let ups = unitsPerSecond
    var r = ticks % ups
    if r < 0 { r += ups }
    return UInt64(r)
  }

  /// Nanoseconds since the epoch, rounded down (towards minus infinity). `Int128` so that every representable
  /// timestamp converts without overflow (a 64-bit count of whole seconds alone exceeds `Int64` in nanoseconds).
  public var nanosecondsSinceEpoch: Int128 {
    if resolution.rawValue == 9 { return ticks }
    return seconds * 1_000_000_000 + Int128(UInt128(fractionUnits) * 1_000_000_000 / UInt128(resolution.unitsPerSecond))
  }

  /// The number of `target` units since the epoch, rounded down; exact when `target` is at least as fine and
  /// divides evenly (e.g. µs → ns).
  public func ticks(in target: TimestampResolution) -> Int128 {
    if target == resolution { return ticks }
    let frac = UInt128(fractionUnits) * UInt128(target.unitsPerSecond) / UInt128(resolution.unitsPerSecond)
    return seconds * Int128(target.unitsPerSecond) + Int128(frac)
  }

  /// This instant expressed in `target` units, rounded down.
  public func converted(to target: TimestampResolution) -> CaptureTimestamp {
    CaptureTimestamp(ticks: ticks(in: target), resolution: target)
  }

  /// The timestamp moved by a signed number of seconds; always exact, resolution unchanged.
  public func adding(seconds delta: Int64) -> CaptureTimestamp {
    CaptureTimestamp(ticks: ticks + Int128(delta) * unitsPerSecond, resolution: resolution)
  }

  /// The timestamp moved by a signed number of nanoseconds.
  ///
  /// Exact when the resolution is 10^-9 or finer (the result keeps it). A coarser decimal resolution is first
  /// re-expressed exactly in nanoseconds. A binary resolution keeps its unit when the offset is a whole number of
  /// seconds; otherwise the result is in nanoseconds, with this timestamp rounded down to the nanosecond first.
  public func adding(nanoseconds delta: Int128) -> CaptureTimestamp {
    let ups = resolution.unitsPerSecond
    if resolution.isDecimal {
      if ups >= 1_000_000_000 {
        return CaptureTimestamp(ticks: ticks + delta * Int128(ups / 1_000_000_000), resolution: resolution)
      }
      return CaptureTimestamp(ticks: ticks(in: .nanoseconds) + delta, resolution: .nanoseconds)
    }
    if delta % 1_000_000_000 == 0 {
      return CaptureTimestamp(ticks: ticks + (delta / 1_000_000_000) * unitsPerSecond, resolution: resolution)
    }
    return CaptureTimestamp(ticks: nanosecondsSinceEpoch + delta, resolution: .nanoseconds)
  }

  /// Exact comparison across resolutions.
  @inlinable
  public static func < (a: CaptureTimestamp, b: CaptureTimestamp) -> Bool {
    if a.resolution.rawValue == b.resolution.rawValue { return a.ticks < b.ticks }
    return compare(a, b) < 0
  }

  /// Exact equality across resolutions.
  @inlinable
  public static func == (a: CaptureTimestamp, b: CaptureTimestamp) -> Bool {
    if a.resolution.rawValue == b.resolution.rawValue { return a.ticks == b.ticks }
    return compare(a, b) == 0
  }

  /// Hashes the instant (consistent with `==` across resolutions).
  public func hash(into hasher: inout Hasher) {
    hasher.combine(seconds)
    // floor(fraction · 2^64): a function of the rational value only.
    hasher.combine((UInt128(fractionUnits) << 64) / UInt128(resolution.unitsPerSecond))
  }

  /// -1, 0 or 1 as `a` is before, at or after `b`.
  public static func compare(_ a: CaptureTimestamp, _ b: CaptureTimestamp) -> Int {
    if a.resolution == b.resolution { return a.ticks < b.ticks ? -1 : (a.ticks == b.ticks ? 0 : 1) }
    let sa = a.seconds, sb = b.seconds
    if sa != sb { return sa < sb ? -1 : 1 }
    // Both fractions are < 2^64 and both unit counts ≤ 10^19 < 2^64: the products fit in UInt128.
    let l = UInt128(a.fractionUnits) * UInt128(b.resolution.unitsPerSecond)
    let r = UInt128(b.fractionUnits) * UInt128(a.resolution.unitsPerSecond)
    return l < r ? -1 : (l == r ? 0 : 1)
  }

  /// Seconds since the epoch with the exact fraction, e.g. `"1700000000.123456"` at 10^-6 (tshark's
  /// `frame.time_epoch` style but never rounded). A 2^-n resolution prints n fraction digits, which is exact.
  public var epochString: String {
    // 1/10^n and 1/2^n both have exactly n decimal fraction digits.
    epochString(fractionDigits: resolution.fractionDigits)
  }

  /// `epochString` rounded down to `digits` fraction digits (0…19), e.g. 9 for tshark-like nanoseconds.
  public func epochString(fractionDigits digits: Int) -> String {
    let s = seconds
    if digits <= 0 { return "\(s)" }
    return "\(s)." + fractionString(digits)
  }

  /// UTC calendar date and time, ISO 8601 with the exact fraction: `"2024-01-15T08:00:00.000001Z"`.
  public var iso8601: String { iso8601(fractionDigits: resolution.fractionDigits) }

  /// UTC calendar date and time with `digits` fraction digits (rounded down).
  public func iso8601(fractionDigits digits: Int) -> String {
    let s = seconds
    var days = s / 86_400
    var rem = s % 86_400
    if rem < 0 { rem += 86_400; days -= 1 }
    let (y, m, d) = CaptureTimestamp.civil(days: days)
    func two(_ v: Int128) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var out = (y >= 0 && y < 1000 ? String(repeating: "0", count: 4 - String(y).count) : "") + "\(y)-\(two(m))-\(two(d))"
    out += "T\(two(rem / 3600)):\(two(rem / 60 % 60)):\(two(rem % 60))"
    if digits > 0 {
      out += "." + fractionString(digits)
    }
    return out + "Z"
  }

  /// The first `digits` decimal digits of the fraction of a second, by exact long division (no overflow at 2^-63).
  func fractionString(_ digits: Int) -> String {
    let ups = UInt128(resolution.unitsPerSecond)
    var rem = UInt128(fractionUnits)
    var out = ""
    out.reserveCapacity(digits)
    for _ in 0..<digits {
      rem *= 10
      out.append(Character(Unicode.Scalar(UInt8(48 + rem / ups))))
      rem %= ups
    }
    return out
  }

  /// ISO 8601 form.
  public var description: String { iso8601 }

  /// Days since 1970-01-01 → proleptic Gregorian (year, month, day) (H. Hinnant's `civil_from_days`).
  static func civil(days z0: Int128) -> (Int128, Int128, Int128) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }
}

