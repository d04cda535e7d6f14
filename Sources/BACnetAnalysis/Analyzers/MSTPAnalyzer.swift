import BACnetDecode

/// Section 7: MS/TP per-station frame counts, masters and slaves, token order and round trip, token retries,
/// lost tokens, Poll-For-Master sweeps, reply latencies, CRC errors per source, and conflicting MACs.
///
/// State is a handful of 256-entry arrays (one per station), so memory is fixed.
struct MSTPAnalyzer {
  /// Frame-count columns: types 0–7, 32, 33, then everything else.
  static let columns = ["token", "poll_for_master", "reply_to_pfm", "test_request", "test_response",
                        "data_expecting_reply", "data_not_expecting_reply", "reply_postponed",
                        "extended_der", "extended_dner", "other"]
  static func column(_ t: UInt8) -> Int { t <= 7 ? Int(t) : t == 32 ? 8 : t == 33 ? 9 : 10 }

  var frames = 0
  var counts: [Int] = []  // 256 × columns
  var headerErrors = 0
  var dataErrors: [Int] = []
  var crc32KErrors: [Int] = []
  var crcEvidence = Evidence()
  var lastTokenNs: [Int64] = []
  var nextStation: [Int16] = []
  var stationChanges: [Int] = []
  var rpfmSinceChange: [Bool] = []
  var conflicts = Evidence()
  var conflictStations: [UInt8] = []
  var highestPFM: [Int16] = []
  var lastPFMDest: [Int16] = []
  var sweeps: [Int] = []
  var maxInfoFrames: [Int] = []
  var holder: Int16 = -1
  var holderFrames = 0
  var tokenRTT = LogHistogram()
  var rttWarn = Evidence(), rttFail = Evidence()
  var tokenRetries = Evidence()
  var lostTokens = Evidence()
  var pfmNoReply = 0
  var rpfmLatency = LogHistogram()
  var replyLatency = LogHistogram()
  var slowReplies = Evidence()
  var derNoReply = Evidence()
  // Previous frame.
  var prevType: UInt8 = 0xFF
  var prevSrc: UInt8 = 0, prevDst: UInt8 = 0
  var prevNs: Int64 = 0
  var hasPrev = false
  let warnNs: Int64, failNs: Int64, tnoTokenNs: Int64, treplyNs: Int64

  init(config: SummaryConfiguration) {
    warnNs = config.thresholds.tokenRTTWarn.nanoseconds
    failNs = config.thresholds.tokenRTTFail.nanoseconds
    tnoTokenNs = config.thresholds.noToken.nanoseconds
    treplyNs = config.thresholds.replyTimeout.nanoseconds
    let l = config.evidenceLimit
    for e in [\MSTPAnalyzer.crcEvidence, \.conflicts, \.rttWarn, \.rttFail, \.tokenRetries, \.lostTokens, \.slowReplies, \.derNoReply] {
      self[keyPath: e] = Evidence(limit: l)
    }
  }

  mutating func allocate() {
    counts = [Int](repeating: 0, count: 256 * Self.columns.count)
    dataErrors = [Int](repeating: 0, count: 256)
    crc32KErrors = dataErrors
    sweeps = dataErrors
    maxInfoFrames = dataErrors
    stationChanges = dataErrors
    lastTokenNs = [Int64](repeating: .min, count: 256)
    nextStation = [Int16](repeating: -1, count: 256)
    highestPFM = nextStation
    lastPFMDest = nextStation
    rpfmSinceChange = [Bool](repeating: false, count: 256)
  }

  mutating func consume(_ p: AnalysisPacket, _ d: DecodedPacket) {
    guard let f = d.mstpBox?.value.frame else { return }
    if counts.isEmpty { allocate() }
    frames += 1
    let t = p.timeNs
    // Silence before this frame.
    if hasPrev, t - prevNs > tnoTokenNs, f.headerCRCOK, f.frameType == .pollForMaster || f.frameType == .token {
      lostTokens.note(p.frame)
    }
    guard f.headerCRCOK else {
      headerErrors += 1
      crcEvidence.note(p.frame)
      hasPrev = true
      prevNs = t
      prevType = 0xFF
      return
    }
    let s = Int(f.source), d = Int(f.destination)
    counts[s * Self.columns.count + Self.column(f.frameType.rawValue)] += 1
    if f.dataCRCOK == false {
      dataErrors[s] += 1
      crcEvidence.note(p.frame)
    }
    if f.crc32KOK == false {
      crc32KErrors[s] += 1
      crcEvidence.note(p.frame)
    }
    guard f.crcOK else {
      // A data frame whose data failed its CRC: counted for its source (the header is sound), but it is neither a
      // reply nor evidence of anything else.
      hasPrev = true
      prevNs = t
      prevType = 0xFF
      return
    }
    // Reply to the previous frame.
    if hasPrev {
      if prevType == 5 || prevType == 32, prevDst != 0xFF {
        if UInt8(s) == prevDst && d == Int(prevSrc) || (UInt8(s) == prevDst && f.frameType == .replyPostponed) {
          replyLatency.add(t - prevNs)
          if t - prevNs >= treplyNs { slowReplies.note(p.frame) }
        } else {
          derNoReply.note(p.frame)
        }
      }
      if prevType == 1 {
        if f.frameType == .replyToPollForMaster, UInt8(s) == prevDst {
          rpfmLatency.add(t - prevNs)
        } else {
          pfmNoReply += 1
        }
      }
    }
    switch f.frameType {
    case .token:
      if hasPrev, prevType == 0, prevSrc == UInt8(s), prevDst == UInt8(d) { tokenRetries.note(p.frame) }
      if lastTokenNs[s] != .min {
        let rtt = t - lastTokenNs[s]
        tokenRTT.add(rtt)
        if rtt > failNs { rttFail.note(p.frame) } else if rtt > warnNs { rttWarn.note(p.frame) }
      }
      lastTokenNs[s] = t
      if nextStation[s] >= 0, nextStation[s] != Int16(d) {
        if !rpfmSinceChange[s] {
          stationChanges[s] += 1
          if stationChanges[s] == 2 {
            conflicts.note(p.frame)
            if conflictStations.count < 16 { conflictStations.append(UInt8(s)) }
          }
        }
        rpfmSinceChange[s] = false
      }
      nextStation[s] = Int16(d)
      if holder == Int16(s) { maxInfoFrames[s] = max(maxInfoFrames[s], holderFrames) }
      holder = Int16(d)
      holderFrames = 0
    case .pollForMaster:
      if lastPFMDest[s] < 0 || Int16(d) <= lastPFMDest[s] { sweeps[s] += 1 }
      lastPFMDest[s] = Int16(d)
      highestPFM[s] = max(highestPFM[s], Int16(d))
    case .replyToPollForMaster:
      rpfmSinceChange[d] = true
    default:
      if f.frameType.carriesNPDU, holder == Int16(s) { holderFrames += 1 }
    }
    hasPrev = true
    prevType = f.frameType.rawValue
    prevSrc = UInt8(s)
    prevDst = UInt8(d)
    prevNs = t
  }

  var isEmpty: Bool { frames == 0 }

  func isMaster(_ s: Int) -> Bool {
    counts[s * Self.columns.count + 0] + counts[s * Self.columns.count + 1] + counts[s * Self.columns.count + 2] > 0
  }

  var tokenOrder: [Int] {
    guard !counts.isEmpty, let start = (0..<255).first(where: { nextStation[$0] >= 0 }) else { return [] }
    var order = [start]
    var seen = Set([start])
    var cur = start
    while nextStation[cur] >= 0, order.count < 256 {
      let n = Int(nextStation[cur])
      order.append(n)
      if seen.contains(n) { break }
      seen.insert(n)
      cur = n
    }
    return order
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "mstp", title: "MS/TP")
    guard !isEmpty else { return s }
    s.facts = [("frames", .n(frames)), ("header_crc_errors", .n(headerErrors)),
               ("token_order", .ints(tokenOrder)),
               ("token_rtt_mean_ms", tokenRTT.count > 0 ? ms(tokenRTT.mean) : .null),
               ("token_rtt_max_ms", tokenRTT.count > 0 ? ms(tokenRTT.max) : .null),
               ("token_rtt_p95_ms", tokenRTT.count > 0 ? ms(tokenRTT.quantile(0.95)) : .null),
               ("token_retries", .n(tokenRetries.count)), ("lost_tokens", .n(lostTokens.count)),
               ("pfm_without_reply", .n(pfmNoReply)),
               ("reply_latency_mean_ms", replyLatency.count > 0 ? ms(replyLatency.mean) : .null),
               ("reply_latency_max_ms", replyLatency.count > 0 ? ms(replyLatency.max) : .null),
               ("rpfm_latency_max_ms", rpfmLatency.count > 0 ? ms(rpfmLatency.max) : .null)]
    var t = ReportTable(key: "stations", title: "MS/TP stations",
                        columns: [("mac", "MAC"), ("role", "Role")] + Self.columns.map { ($0, String($0.map { $0 == "_" ? " " : $0 })) }
                          + [("data_crc_errors", "data CRC errs"), ("crc32k_errors", "CRC-32K errs"), ("next_station", "Next station"),
                             ("pfm_sweeps", "PFM sweeps"), ("highest_pfm", "Highest PFM"), ("max_info_frames", "Max info frames")])
    let n = Self.columns.count
    for st in 0..<256 {
      let row = counts[st * n..<(st + 1) * n]
      guard row.contains(where: { $0 > 0 }) || dataErrors[st] > 0 else { continue }
      t.rows.append([.n(st), .string(isMaster(st) ? "master" : "slave")] + row.map { .n($0) }
                    + [.n(dataErrors[st]), .n(crc32KErrors[st]), nextStation[st] >= 0 ? .n(nextStation[st]) : .null,
                       .n(sweeps[st]), highestPFM[st] >= 0 ? .n(highestPFM[st]) : .null, .n(maxInfoFrames[st])])
    }
    s.tables = [t]
    return s
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    guard !isEmpty else { return [] }
    var out: [Finding] = []
    let rth = [config.thresholds.pair(\.tokenRTTWarn), config.thresholds.pair(\.tokenRTTFail)]
    if rttFail.isEmpty && rttWarn.isEmpty {
      out.append(Finding(check: "mstp.token_rtt", status: .ok, threshold: rth,
                         message: tokenRTT.count > 0 ? "token round trip mean \(fixed(tokenRTT.mean / 1e6, 3)) ms, max \(fixed(Double(tokenRTT.max) / 1e6, 3)) ms" : "no token round trip observed"))
    } else {
      let e = rttFail.isEmpty ? rttWarn : rttFail
      out.append(Finding(check: "mstp.token_rtt", status: rttFail.isEmpty ? .warn : .fail, threshold: rth, evidence: e,
                         message: "token round trip max \(fixed(Double(tokenRTT.max) / 1e6, 3)) ms (mean \(fixed(tokenRTT.mean / 1e6, 3)) ms); \(rttFail.count) round trip(s) above fail, \(rttWarn.count) above warn"))
    }
    out.append(tokenRetries.isEmpty
      ? Finding(check: "mstp.token_retries", status: .ok, message: "no token was passed twice to the same station in a row")
      : Finding(check: "mstp.token_retries", status: .warn, evidence: tokenRetries, message: "\(tokenRetries.count) token retry(ies): the next station did not use the token"))
    out.append(lostTokens.isEmpty
      ? Finding(check: "mstp.lost_token", status: .ok, threshold: [config.thresholds.pair(\.noToken)], message: "the token was never lost")
      : Finding(check: "mstp.lost_token", status: .fail, threshold: [config.thresholds.pair(\.noToken)], evidence: lostTokens,
                message: "\(lostTokens.count) lost token(s): silence longer than \(Int(config.thresholds.noToken.milliseconds)) ms, then a station regenerated the token"))
    let crcTotal = headerErrors + dataErrors.reduce(0, +) + crc32KErrors.reduce(0, +)
    var bySource: [String] = []
    for st in 0..<256 where dataErrors[st] + crc32KErrors[st] > 0 {
      bySource.append("station \(st): \(dataErrors[st]) data CRC, \(crc32KErrors[st]) CRC-32K")
    }
    if headerErrors > 0 { bySource.append("\(headerErrors) header CRC (source unknown)") }
    out.append(crcTotal == 0
      ? Finding(check: "mstp.crc_errors", status: .ok, message: "no CRC errors")
      : Finding(check: "mstp.crc_errors", status: .fail, evidence: crcEvidence, message: "\(crcTotal) frame(s) with CRC errors: " + bySource.joined(separator: "; ")))
    out.append(slowReplies.isEmpty
      ? Finding(check: "mstp.reply_latency", status: .ok, threshold: [config.thresholds.pair(\.replyTimeout)],
                message: replyLatency.count > 0 ? "replies within \(fixed(Double(replyLatency.max) / 1e6, 3)) ms" : "no Data-Expecting-Reply answered")
      : Finding(check: "mstp.reply_latency", status: .fail, threshold: [config.thresholds.pair(\.replyTimeout)], evidence: slowReplies,
                message: "\(slowReplies.count) reply(ies) slower than \(Int(config.thresholds.replyTimeout.milliseconds)) ms"))
    out.append(conflicts.isEmpty
      ? Finding(check: "duplicates.mstp_mac", status: .ok, message: "no conflicting MS/TP MAC addresses seen")
      : Finding(check: "duplicates.mstp_mac", status: .warn, evidence: conflicts,
                message: "station(s) " + conflictStations.map(String.init).joined(separator: ", ") + " pass the token to changing next stations without a new master joining: possibly two stations with one MAC"))
    return out
  }
}
