/// Thresholds and limits of a summary: the typed ``SummaryThresholds`` the checks judge by, and the caps that bound
/// the analyzers' memory.
public struct SummaryConfiguration: Sendable {
  /// The thresholds the checks judge by.
  public var thresholds = SummaryThresholds()
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
  public init() {}

  /// Sets a threshold from `NAME=VALUE` text (see ``SummaryThresholds/set(_:)``).
  public mutating func set(_ text: String) throws(SummaryThresholds.InvalidThreshold) {
    try thresholds.set(text)
  }
}
