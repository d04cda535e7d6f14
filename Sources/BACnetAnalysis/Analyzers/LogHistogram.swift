/// Durations summarised in fixed memory: count, min, mean, max and quantiles from a log-scale histogram.
///
/// Values are nanoseconds. Bucket 0 holds values below 1 µs; bucket `i` ≥ 1 covers [2^((i−1)/8) µs, 2^(i/8) µs), so a quantile is exact to within
/// 9 % (one bucket); values below 1 µs go to bucket 0, above ~2^37 µs (38 hours) to the last bucket. 304 counters,
/// whatever the number of samples.
public struct LogHistogram: Hashable, Sendable {
  static let bucketsPerOctave = 8
  static let bucketCount = 304
  /// Number of samples.
  public private(set) var count = 0
  /// Smallest sample (ns).
  public private(set) var min: Int64 = .max
  /// Largest sample (ns).
  public private(set) var max: Int64 = .min
  /// Sum of samples (ns), for the mean.
  public private(set) var sum: Double = 0
  private var buckets: [UInt32] = []

  /// An empty histogram (no storage until the first sample).
  public init() {}

  /// Adds a sample in nanoseconds (negative samples count as 0).
  public mutating func add(_ ns: Int64) {
    let v = Swift.max(0, ns)
    if buckets.isEmpty { buckets = [UInt32](repeating: 0, count: Self.bucketCount) }
    count += 1
    sum += Double(v)
    if v < min { min = v }
    if v > max { max = v }
    buckets[Self.bucket(v)] &+= 1
  }

  /// Merges another histogram into this one.
  public mutating func merge(_ o: LogHistogram) {
    guard o.count > 0 else { return }
    if buckets.isEmpty { buckets = [UInt32](repeating: 0, count: Self.bucketCount) }
    count += o.count
    sum += o.sum
    min = Swift.min(min, o.min)
    max = Swift.max(max, o.max)
    for i in 0..<Self.bucketCount { buckets[i] &+= o.buckets[i] }
  }

  static func bucket(_ ns: Int64) -> Int {
    let us = Double(ns) / 1000
    guard us >= 1 else { return 0 }
    let i = Int(log2Approx(us) * Double(bucketsPerOctave)) + 1
    return Swift.min(Swift.max(i, 0), bucketCount - 1)
  }

  static func log2Approx(_ x: Double) -> Double {
    // exponent + mantissa refinement: exact enough for bucket selection
    let e = Double(x.exponent)
    let m = x.significand  // in [1, 2)
    // log2(m) by series on ln: ln(m) with m in [1,2)
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    let ln = 2 * y * (1 + y2 / 3 + y2 * y2 / 5 + y2 * y2 * y2 / 7 + y2 * y2 * y2 * y2 / 9)
    return e + ln / 0.6931471805599453
  }

  /// Upper edge (ns) of bucket `i`.
  static func upperEdge(_ i: Int) -> Double {
    if i == 0 { return 1000 }
    var v = 1000.0
    let octaves = Double(i) / Double(bucketsPerOctave)
    v *= pow2(octaves)
    return v
  }

  static func pow2(_ x: Double) -> Double {
    let whole = Int(x)
    let frac = x - Double(whole)
    // e^(frac ln2) by series
    let z = frac * 0.6931471805599453
    var term = 1.0, s = 1.0
    for k in 1...12 { term *= z / Double(k); s += term }
    return Double(sign: .plus, exponent: whole, significand: 1) * s
  }

  /// Mean in nanoseconds (0 when empty).
  public var mean: Double { count > 0 ? sum / Double(count) : 0 }

  /// The `q`-quantile (0…1) in nanoseconds: the upper edge of the bucket holding it, clamped to [min, max].
  public func quantile(_ q: Double) -> Int64 {
    guard count > 0 else { return 0 }
    let target = Swift.max(1, Int((q * Double(count)).rounded(.up)))
    var seen = 0
    for (i, c) in buckets.enumerated() where c > 0 {
      seen += Int(c)
      if seen >= target {
        let edge = Int64(Swift.min(Self.upperEdge(i), 9e18))
        return Swift.min(Swift.max(edge, min), max)
      }
    }
    return max
  }
}
