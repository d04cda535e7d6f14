/// The thresholds the checks judge by: one named, documented field per threshold, each in its own unit (times
/// as `Duration`, shares in percent, counts as integers), so a misspelt threshold is a compile error, not a 0.
///
/// On the command line each field has a snake_case name carrying its unit (`--threshold apdu_timeout_ms=5000`);
/// ``named`` lists them, and findings and the report print the values in those units.
///
/// ```swift
/// var thresholds = SummaryThresholds()
/// thresholds.apduTimeout = .seconds(5)
/// try thresholds.set("who_is_storm_warn=20")
/// ```
public struct SummaryThresholds: Sendable, Hashable, Codable {
  /// A confirmed request with no reply after this long is unanswered (`apdu_timeout_ms`, default 3 s).
  public var apduTimeout: Duration = .milliseconds(3000)
  /// Unanswered requests fail above this share of all requests, warn below (`unanswered_fail_percent`, default 10).
  public var unansweredFailPercent: Double = 10
  /// Sliding window for Who-Is storm detection (`who_is_window_ms`, default 1 s).
  public var whoIsWindow: Duration = .milliseconds(1000)
  /// Who-Is messages in one window that make a storm, warn level (`who_is_storm_warn`, default 10).
  public var whoIsStormWarn = 10
  /// Who-Is messages in one window that make a storm, fail level (`who_is_storm_fail`, default 50).
  public var whoIsStormFail = 50
  /// I-Ams this soon after a Who-Is count as its replies (`i_am_reply_window_ms`, default 3 s).
  public var iAmReplyWindow: Duration = .milliseconds(3000)
  /// MS/TP token round trip that warns (`token_rtt_warn_ms`, default 85 ms).
  public var tokenRTTWarn: Duration = .milliseconds(85)
  /// MS/TP token round trip that fails (`token_rtt_fail_ms`, default 2 s).
  public var tokenRTTFail: Duration = .milliseconds(2000)
  /// MS/TP silence after which the token is lost, T_no_token (`tno_token_ms`, default 500 ms).
  public var noToken: Duration = .milliseconds(500)
  /// MS/TP reply to a Data-Expecting-Reply slower than this fails, T_reply_timeout (`treply_fail_ms`, default 250 ms).
  public var replyTimeout: Duration = .milliseconds(250)
  /// Routed NPDUs arriving with fewer hops left than this warn (`hop_count_warn`, default 10).
  public var hopCountWarn = 10
  /// Grace after a foreign device's TTL before a missed re-registration is flagged (`fd_grace_s`, default 30 s).
  public var foreignDeviceGrace: Duration = .seconds(30)
  /// Error responses warn above this share of all responses; Reject and Abort always warn (`error_warn_percent`,
  /// default 10).
  public var errorWarnPercent: Double = 10
  /// Rates (per minute, per second) are given only over at least this long; counts otherwise (`rate_min_window_s`,
  /// default 10 s).
  public var rateMinWindow: Duration = .seconds(10)
  /// The same message forwarded by a second BBMD this soon is a duplicate BBMD (`bbmd_duplicate_window_ms`,
  /// default 1 s).
  public var bbmdDuplicateWindow: Duration = .milliseconds(1000)

  /// The defaults.
  public init() {}

  /// The unit of a threshold's value on the command line and in reports.
  public enum Unit: String, Sendable {
    /// A time in milliseconds (names end in `_ms`).
    case milliseconds
    /// A time in seconds (names end in `_s`).
    case seconds
    /// A share in percent (names end in `_percent`).
    case percent
    /// A whole number of messages or hops.
    case count
  }

  /// One threshold as the command line and the reports name it: its snake_case name, unit, meaning, and how it
  /// reads and writes the typed field.
  public struct Named: Sendable {
    /// The name `--threshold NAME=VALUE` takes and reports print (`apdu_timeout_ms`, …).
    public let name: String
    /// The unit of the value.
    public let unit: Unit
    /// What it means.
    public let help: String
    let field: PartialKeyPath<SummaryThresholds> & Sendable
    let read: @Sendable (SummaryThresholds) -> Double
    let write: @Sendable (inout SummaryThresholds, Double) -> Void

    /// The value in ``unit`` in `t`.
    public func value(in t: SummaryThresholds) -> Double { read(t) }
    /// The default value in ``unit``.
    public var defaultValue: Double { read(SummaryThresholds()) }

    static func time(_ name: String, _ unit: Unit, _ field: WritableKeyPath<SummaryThresholds, Duration> & Sendable,
                     _ help: String) -> Named {
      let scale: Double = unit == .seconds ? 1e9 : 1e6
      return Named(name: name, unit: unit, help: help, field: field, read: { Double($0[keyPath: field].nanoseconds) / scale },
                   write: { $0[keyPath: field] = .nanoseconds(Int64(($1 * scale).rounded())) })
    }

    static func count(_ name: String, _ field: WritableKeyPath<SummaryThresholds, Int> & Sendable, _ help: String) -> Named {
      Named(name: name, unit: .count, help: help, field: field, read: { Double($0[keyPath: field]) }, write: { $0[keyPath: field] = Int($1) })
    }

    static func percent(_ name: String, _ field: WritableKeyPath<SummaryThresholds, Double> & Sendable,
                        _ help: String) -> Named {
      Named(name: name, unit: .percent, help: help, field: field, read: { $0[keyPath: field] }, write: { $0[keyPath: field] = $1 })
    }
  }

  /// Every threshold by name, in the order reports print them.
  public static let named: [Named] = [
    .time("apdu_timeout_ms", .milliseconds, \.apduTimeout, "a confirmed request with no reply after this long is unanswered"),
    .percent("unanswered_fail_percent", \.unansweredFailPercent, "unanswered requests fail above this share of all requests (warn below)"),
    .time("who_is_window_ms", .milliseconds, \.whoIsWindow, "sliding window for Who-Is storm detection"),
    .count("who_is_storm_warn", \.whoIsStormWarn, "Who-Is messages in one window that make a storm (warn)"),
    .count("who_is_storm_fail", \.whoIsStormFail, "Who-Is messages in one window that make a storm (fail)"),
    .time("i_am_reply_window_ms", .milliseconds, \.iAmReplyWindow, "I-Ams this soon after a Who-Is count as its replies"),
    .time("token_rtt_warn_ms", .milliseconds, \.tokenRTTWarn, "MS/TP token round trip (warn)"),
    .time("token_rtt_fail_ms", .milliseconds, \.tokenRTTFail, "MS/TP token round trip (fail)"),
    .time("tno_token_ms", .milliseconds, \.noToken, "MS/TP silence after which the token is lost"),
    .time("treply_fail_ms", .milliseconds, \.replyTimeout, "MS/TP reply to Data-Expecting-Reply latency (fail)"),
    .count("hop_count_warn", \.hopCountWarn, "routed NPDUs arriving with fewer hops left than this (warn)"),
    .time("fd_grace_s", .seconds, \.foreignDeviceGrace, "grace after a foreign-device TTL before a missed re-registration is flagged"),
    .percent("error_warn_percent", \.errorWarnPercent, "Error responses warn above this share of all responses (Reject and Abort always warn)"),
    .time("rate_min_window_s", .seconds, \.rateMinWindow, "rates (per minute, per second) are given only over at least this many seconds; counts otherwise"),
    .time("bbmd_duplicate_window_ms", .milliseconds, \.bbmdDuplicateWindow, "the same message forwarded by a second BBMD this soon is a duplicate BBMD"),
  ]

  /// The largest value any threshold takes (in its own unit): far beyond any useful setting, and small enough that
  /// every time converts to nanoseconds without overflow.
  public static let maximumValue = 1e9

  /// A threshold the command line named wrongly: an unknown name (the message lists the known ones) or a value that
  /// is not a number in range.
  public struct InvalidThreshold: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var description: String
  }

  /// The threshold called `name` (nil for an unknown name).
  public static func named(_ name: String) -> Named? { named.first { $0.name == name } }

  /// Sets a threshold from `NAME=VALUE` text.
  public mutating func set(_ text: String) throws(InvalidThreshold) {
    guard let eq = text.firstIndex(of: "=") else {
      throw InvalidThreshold(description: "threshold '\(text)' is not NAME=VALUE")
    }
    try set(String(text[..<eq]), value: String(text[text.index(after: eq)...]))
  }

  /// Sets the threshold called `name` from the text of a number in its unit.
  public mutating func set(_ name: String, value text: String) throws(InvalidThreshold) {
    guard let t = Self.named(name) else {
      throw InvalidThreshold(description: "unknown threshold '\(name)'; known: " + Self.named.map(\.name).joined(separator: ", "))
    }
    guard let v = Double(text), v.isFinite, v >= 0, v <= Self.maximumValue else {
      throw InvalidThreshold(description: "threshold \(name) needs a non-negative number up to 1e9, not '\(text)'")
    }
    guard t.unit != .count || v == v.rounded() else {
      throw InvalidThreshold(description: "threshold \(name) is a count and needs a whole number, not '\(text)'")
    }
    t.write(&self, v)
  }

  /// `(name, value)` of the threshold held in `field`, as a finding lists the thresholds it was judged by (every
  /// field is in ``named``; a test checks it).
  func pair(_ field: PartialKeyPath<SummaryThresholds>) -> (String, Double) {
    guard let t = Self.named.first(where: { $0.field == field }) else { return ("", 0) }
    return (t.name, t.read(self))
  }
}

extension Duration {
  /// The duration in whole nanoseconds (clamped to the range of `Int64`).
  var nanoseconds: Int64 {
    let c = components
    let (s, o) = c.seconds.multipliedReportingOverflow(by: 1_000_000_000)
    return o ? (c.seconds < 0 ? .min : .max) : s.addingReportingOverflow(c.attoseconds / 1_000_000_000).partialValue
  }

  /// The duration in milliseconds.
  var milliseconds: Double { Double(nanoseconds) / 1e6 }
}
