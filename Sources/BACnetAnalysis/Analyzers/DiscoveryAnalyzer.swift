import BACnetDecode

/// Section 4: Who-Is, Who-Has and Who-Is-Router-To-Network per source with scope and range; I-Am replies per
/// Who-Is; Who-Is storm detection over a sliding window (a fixed ring of timestamps and frame numbers).
struct DiscoveryAnalyzer {
  struct Source {
    var whoIs = 0, whoHas = 0, whoIsRouter = 0
    /// I-Ams seen within `i_am_reply_window_ms` after a Who-Is from this source (and before any later Who-Is).
    var iAmReplies = 0
    var ranged = 0
    var scopes = [Int](repeating: 0, count: 4)
    var firstNs: Int64 = .max
    var lastNs: Int64 = .min
  }

  let cap: Int
  var sources: [AddressKey: Source] = [:]
  var dropped = 0
  var whoIs = 0, iAm = 0, whoHas = 0, iHave = 0, whoIsRouter = 0
  // Sliding window of Who-Is: ring of (time, frame).
  let windowNs: Int64
  let warnCount: Int
  let failCount: Int
  var ringTimes: [Int64]
  var ringFrames: [Int]
  var ringHead = 0  // index of the oldest entry
  var ringCount = 0
  var peak = 0
  var peakFrame = 0
  var stormFrames: [Int] = []   // frames of the first window that reached the warn count
  var stormWindows = Evidence()  // frame at which each storm (a run of windows at or above warn) began
  var inStorm = false
  let evidenceLimit: Int
  var lastWhoIsSource: AddressKey?
  var lastWhoIsNs: Int64 = 0
  let replyWindowNs: Int64
  /// Rates are given only over at least this long (`rate_min_window_s`).
  let rateMinNs: Int64

  init(config: SummaryConfiguration) {
    cap = config.maxTableRows
    windowNs = config.thresholds.whoIsWindow.nanoseconds
    replyWindowNs = config.thresholds.iAmReplyWindow.nanoseconds
    rateMinNs = max(1, config.thresholds.rateMinWindow.nanoseconds)
    warnCount = max(1, config.thresholds.whoIsStormWarn)
    failCount = max(warnCount, config.thresholds.whoIsStormFail)
    let size = min(max(4096, failCount + 1), 100_000)
    ringTimes = [Int64](repeating: 0, count: size)
    ringFrames = [Int](repeating: 0, count: size)
    evidenceLimit = config.evidenceLimit
    stormWindows = Evidence(limit: config.evidenceLimit)
  }

  mutating func source(_ k: AddressKey) -> Bool {
    if sources[k] != nil { return true }
    guard sources.count < cap else { dropped += 1; return false }
    sources[k] = Source()
    return true
  }

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    if c.messageType == 0x00 {
      whoIsRouter += 1
      if let s = c.source, source(s) { touch(s, p) { $0.whoIsRouter += 1 } }
      return
    }
    guard c.apduType == 1, let svc = c.service else { return }
    switch svc {
    case 8:
      whoIs += 1
      let ranged = c.whoIsRanged
      if let s = c.source, source(s) {
        touch(s, p) {
          $0.whoIs += 1
          if ranged { $0.ranged += 1 }
          $0.scopes[Int(c.scope.rawValue)] += 1
        }
      }
      window(p)
      lastWhoIsSource = c.source
      lastWhoIsNs = p.timeNs
    case 7:
      whoHas += 1
      if let s = c.source, source(s) { touch(s, p) { $0.whoHas += 1 } }
    case 0:
      iAm += 1
      if let s = lastWhoIsSource, p.timeNs - lastWhoIsNs <= replyWindowNs, let i = sources.index(forKey: s) {
        sources.values[i].iAmReplies += 1
      }
    case 1: iHave += 1
    default: break
    }
  }

  mutating func touch(_ k: AddressKey, _ p: AnalysisPacket, _ f: (inout Source) -> Void) {
    guard let i = sources.index(forKey: k) else { return }
    f(&sources.values[i])
    if p.timeNs < sources.values[i].firstNs { sources.values[i].firstNs = p.timeNs }
    if p.timeNs > sources.values[i].lastNs { sources.values[i].lastNs = p.timeNs }
  }

  mutating func window(_ p: AnalysisPacket) {
    let n = ringTimes.count
    // Drop entries older than the window.
    while ringCount > 0, p.timeNs - ringTimes[ringHead] >= windowNs {
      ringHead = (ringHead + 1) % n
      ringCount -= 1
    }
    if ringCount == n {  // full: keep the newest n
      ringHead = (ringHead + 1) % n
      ringCount -= 1
    }
    let tail = (ringHead + ringCount) % n
    ringTimes[tail] = p.timeNs
    ringFrames[tail] = p.frame
    ringCount += 1
    if ringCount > peak {
      peak = ringCount
      peakFrame = p.frame
    }
    if ringCount >= warnCount {
      if !inStorm {
        inStorm = true
        stormWindows.note(p.frame)
        if stormFrames.isEmpty {
          for i in 0..<min(ringCount, max(evidenceLimit, warnCount)) { stormFrames.append(ringFrames[(ringHead + i) % n]) }
        }
      }
    } else if ringCount <= warnCount / 2 {
      inStorm = false
    }
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "discovery", title: "Discovery")
    s.facts = [("who_is", .n(whoIs)), ("i_am", .n(iAm)), ("i_am_per_who_is", whoIs > 0 ? .double(Double(iAm) / Double(whoIs)) : .null),
               ("who_has", .n(whoHas)), ("i_have", .n(iHave)), ("who_is_router_to_network", .n(whoIsRouter)),
               ("peak_who_is_per_window", .n(peak)), ("sources_dropped", .n(dropped))]
    var t = ReportTable(key: "sources", title: "Discovery by source", columns: [
      ("source", "Source"), ("who_is", "Who-Is"), ("who_is_per_minute", "Who-Is/min"), ("i_am_replies", "I-Am replies"),
      ("i_am_per_who_is", "I-Am/Who-Is"), ("ranged", "Ranged"),
      ("global", "Global"), ("remote", "Remote"), ("local", "Local"), ("directed", "Directed"),
      ("who_has", "Who-Has"), ("who_is_router", "Who-Is-Router")])
    for (k, v) in sources.sorted(by: { ($0.value.whoIs, $1.key) > ($1.value.whoIs, $0.key) }) {
      let span = Double(v.lastNs - v.firstNs) / 6e10
      let rate: ReportValue = v.lastNs - v.firstNs >= rateMinNs ? .double(Double(v.whoIs) / span) : .null
      let perWhoIs: ReportValue = v.whoIs > 0 ? .double(Double(v.iAmReplies) / Double(v.whoIs)) : .null
      t.rows.append([.string(k.description), .n(v.whoIs), rate, .n(v.iAmReplies), perWhoIs, .n(v.ranged), .n(v.scopes[0]), .n(v.scopes[1]),
                     .n(v.scopes[2]), .n(v.scopes[3]), .n(v.whoHas), .n(v.whoIsRouter)])
    }
    s.tables = [t]
    return s
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    let th = [config.thresholds.pair(\.whoIsWindow), config.thresholds.pair(\.whoIsStormWarn), config.thresholds.pair(\.whoIsStormFail)]
    if peak < warnCount {
      return [Finding(check: "discovery.who_is_storm", status: .ok, threshold: th,
                      message: "at most \(peak) Who-Is in any \(Int(config.thresholds.whoIsWindow.milliseconds)) ms window")]
    }
    let status: FindingStatus = peak >= failCount ? .fail : .warn
    return [Finding(check: "discovery.who_is_storm", status: status, threshold: th, frames: stormFrames, frameCount: whoIs,
                    message: "Who-Is storm: \(peak == ringTimes.count ? "at least " : "")\(peak) Who-Is in one \(Int(config.thresholds.whoIsWindow.milliseconds)) ms window (peak ending at frame \(peakFrame)); \(stormWindows.count) storm period(s) starting at frame(s) "
                      + stormWindows.frames.map(String.init).joined(separator: ", "))]
  }
}
