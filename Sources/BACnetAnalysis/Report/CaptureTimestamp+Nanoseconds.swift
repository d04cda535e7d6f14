import PcapKit

extension CaptureTimestamp {
  /// Powers of ten from 10^0 to 10^9: the nanoseconds in one unit of a decimal resolution 10^-(9-i).
  private static let nanosecondsPerUnit: [Int128] = [
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
  ]

  /// ``nanosecondsSinceEpoch`` computed without a 128-bit division for the decimal resolutions no finer than
  /// nanoseconds (every classic pcap and most pcapng): there a unit is a whole number of nanoseconds, so the
  /// product is exact and equal to the rounded-down quotient the general path computes.
  var nanosecondsFast: Int128 {
    let r = resolution
    guard r.isDecimal, r.exponent <= 9 else { return nanosecondsSinceEpoch }
    let (product, overflow) = ticks.multipliedReportingOverflow(by: Self.nanosecondsPerUnit[9 - r.exponent])
    return overflow ? nanosecondsSinceEpoch : product
  }
}
