/// Thresholds and limits of a summary. Every threshold has a name (what `--threshold NAME=VALUE` sets) and a
/// default; findings print the values they were judged by.
public struct SummaryConfiguration: Sendable {
  /// One named threshold.
  public struct Threshold: Sendable {
    /// The name (`apdu_timeout_ms`, …).
    public var name: String
    /// The default value.
    public var defaultValue: Double
    /// What it means.
    public var help: String
  }

  /// Every threshold the analyzers use, with its default.
  public static let thresholds: [Threshold] = [
    Threshold(name: "apdu_timeout_ms", defaultValue: 3000, help: "a confirmed request with no reply after this long is unanswered"),
    Threshold(name: "unanswered_fail_percent", defaultValue: 10, help: "unanswered requests fail above this share of all requests (warn below)"),
    Threshold(name: "who_is_window_ms", defaultValue: 1000, help: "sliding window for Who-Is storm detection"),
    Threshold(name: "who_is_storm_warn", defaultValue: 10, help: "Who-Is messages in one window that make a storm (warn)"),
    Threshold(name: "who_is_storm_fail", defaultValue: 50, help: "Who-Is messages in one window that make a storm (fail)"),
    Threshold(name: "i_am_reply_window_ms", defaultValue: 3000, help: "I-Ams this soon after a Who-Is count as its replies"),
    Threshold(name: "token_rtt_warn_ms", defaultValue: 85, help: "MS/TP token round trip (warn)"),
    Threshold(name: "token_rtt_fail_ms", defaultValue: 2000, help: "MS/TP token round trip (fail)"),
    Threshold(name: "tno_token_ms", defaultValue: 500, help: "MS/TP silence after which the token is lost"),
    Threshold(name: "treply_fail_ms", defaultValue: 250, help: "MS/TP reply to Data-Expecting-Reply latency (fail)"),
    Threshold(name: "hop_count_warn", defaultValue: 10, help: "routed NPDUs arriving with fewer hops left than this (warn)"),
    Threshold(name: "fd_grace_s", defaultValue: 30, help: "grace after a foreign-device TTL before a missed re-registration is flagged"),
    Threshold(name: "error_warn_percent", defaultValue: 10, help: "Error responses warn above this share of all responses (Reject and Abort always warn)"),
    Threshold(name: "rate_min_window_s", defaultValue: 10, help: "rates (per minute, per second) are given only over at least this many seconds; counts otherwise"),
    Threshold(name: "bbmd_duplicate_window_ms", defaultValue: 1000, help: "the same message forwarded by a second BBMD this soon is a duplicate BBMD"),
  ]

  /// Current values by name.
  public private(set) var values: [String: Double]
  /// Most devices (BACnet addresses) tracked; more are counted as dropped.
  public var maxDevices = 16_384
  /// Most outstanding confirmed requests tracked; more are counted as dropped.
  public var maxOutstandingRequests = 65_536
  /// Most per-source, per-router, per-host rows of any other table.
  public var maxTableRows = 4096
  /// Evidence frames kept per finding.
  public var evidenceLimit = Evidence.defaultLimit
  /// Rows printed in top-N tables (talkers).
  public var topN = 10
  /// Buckets of the traffic-over-time histogram (the width doubles as needed to cover the capture).
  public var histogramBuckets = 60

  /// The defaults.
  public init() {
    var v: [String: Double] = [:]
    for t in Self.thresholds { v[t.name] = t.defaultValue }
    values = v
  }

  /// A configuration error: an unknown name or a value that is not a non-negative number.
  public struct InvalidThreshold: Error, CustomStringConvertible {
    /// What was wrong.
    public var description: String
  }

  /// Sets a threshold from `NAME=VALUE` text.
  public mutating func set(_ text: String) throws(InvalidThreshold) {
    guard let eq = text.firstIndex(of: "=") else {
      throw InvalidThreshold(description: "threshold '\(text)' is not NAME=VALUE")
    }
    try set(String(text[..<eq]), value: String(text[text.index(after: eq)...]))
  }

  /// Sets one threshold.
  public mutating func set(_ name: String, value text: String) throws(InvalidThreshold) {
    guard values[name] != nil else {
      throw InvalidThreshold(description: "unknown threshold '\(name)'; known: " + Self.thresholds.map(\.name).joined(separator: ", "))
    }
    guard let v = Double(text), v.isFinite, v >= 0 else {
      throw InvalidThreshold(description: "threshold \(name) needs a non-negative number, not '\(text)'")
    }
    values[name] = v
  }

  /// The value of a threshold (0 for unknown names).
  public subscript(_ name: String) -> Double { values[name] ?? 0 }

  func ns(_ name: String) -> Int64 { Int64(self[name] * 1_000_000) }
  func pair(_ name: String) -> (String, Double) { (name, self[name]) }
}
