import Testing

@testable import BACnetAnalysis

@Suite("Typed summary thresholds")
struct SummaryThresholdsTests {
  /// Every typed field, so that a field added without a name (or named twice) fails here.
  static var fields: [PartialKeyPath<SummaryThresholds>] { [
    \.apduTimeout, \.unansweredFailPercent, \.whoIsWindow, \.whoIsStormWarn, \.whoIsStormFail, \.iAmReplyWindow,
    \.tokenRTTWarn, \.tokenRTTFail, \.noToken, \.replyTimeout, \.hopCountWarn, \.foreignDeviceGrace,
    \.errorWarnPercent, \.rateMinWindow, \.bbmdDuplicateWindow,
  ] }

  @Test("each field has one command-line name whose suffix says its unit, and the documented default")
  func namesAndDefaults() {
    let names = Self.fields.map { SummaryThresholds().pair($0).0 }
    #expect(!names.contains(""))
    #expect(Set(names).count == Self.fields.count && SummaryThresholds.named.count == Self.fields.count)
    for t in SummaryThresholds.named {
      switch t.unit {
      case .milliseconds: #expect(t.name.hasSuffix("_ms"))
      case .seconds: #expect(t.name.hasSuffix("_s"))
      case .percent: #expect(t.name.hasSuffix("_percent"))
      case .count: #expect(!t.name.hasSuffix("_ms") && !t.name.hasSuffix("_s") && !t.name.hasSuffix("_percent"))
      }
    }
    let defaults = Dictionary(uniqueKeysWithValues: SummaryThresholds.named.map { ($0.name, $0.defaultValue) })
    #expect(defaults == ["apdu_timeout_ms": 3000, "unanswered_fail_percent": 10, "who_is_window_ms": 1000,
                         "who_is_storm_warn": 10, "who_is_storm_fail": 50, "i_am_reply_window_ms": 3000,
                         "token_rtt_warn_ms": 85, "token_rtt_fail_ms": 2000, "tno_token_ms": 500, "treply_fail_ms": 250,
                         "hop_count_warn": 10, "fd_grace_s": 30, "error_warn_percent": 10, "rate_min_window_s": 10,
                         "bbmd_duplicate_window_ms": 1000])
  }

  @Test("NAME=VALUE sets the typed field in the name's unit")
  func settingByName() throws {
    var t = SummaryThresholds()
    try t.set("apdu_timeout_ms=2500")
    try t.set("fd_grace_s=0.5")
    try t.set("who_is_storm_warn=20")
    try t.set("error_warn_percent=2.5")
    #expect(t.apduTimeout == .milliseconds(2500))
    #expect(t.foreignDeviceGrace == .milliseconds(500))
    #expect(t.whoIsStormWarn == 20)
    #expect(t.errorWarnPercent == 2.5)
    #expect(t.pair(\.apduTimeout) == ("apdu_timeout_ms", 2500) && t.pair(\.foreignDeviceGrace) == ("fd_grace_s", 0.5))
  }

  @Test("unknown names list the known ones; negative, huge, non-numeric and fractional counts are refused")
  func refusals() {
    var t = SummaryThresholds()
    do {
      try t.set("apdu_timeout=1")
      Issue.record("an unknown name was accepted")
    } catch {
      #expect(error.description.contains("unknown threshold 'apdu_timeout'"))
      #expect(error.description.contains("apdu_timeout_ms") && error.description.contains("bbmd_duplicate_window_ms"))
    }
    for bad in ["apdu_timeout_ms=-1", "apdu_timeout_ms=1e300", "apdu_timeout_ms=nan", "apdu_timeout_ms=x",
                "who_is_storm_warn=10.5", "apdu_timeout_ms"] {
      #expect(throws: SummaryThresholds.InvalidThreshold.self, "\(bad)") { try t.set(bad) }
    }
    #expect(t == SummaryThresholds())
  }
}
