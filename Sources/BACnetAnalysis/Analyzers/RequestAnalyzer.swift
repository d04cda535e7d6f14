import BACnetDecode

/// Section 6: confirmed requests paired with their SimpleACK, ComplexACK, Error, Reject or Abort by (client,
/// server, invoke id); response times per server and per service in log histograms; unanswered requests after
/// the APDU timeout; retries; invoke-id reuse; Error/Reject/Abort tables; segmentation; messages larger than
/// their receiver accepts (a request above the server's I-Am max APDU, an unsegmented response above the client's
/// max APDU accepted, a segmented response to a client that did not accept segmentation).
///
/// Memory is bounded by the outstanding requests (capped) and the servers; a request leaves the table when it
/// is answered or some time after it timed out.
struct RequestAnalyzer {
  struct Key: Hashable {
    var client: AddressKey
    var server: AddressKey
    var invokeID: UInt8
  }
  struct Pending {
    var frame: Int
    var firstNs: Int64
    var lastNs: Int64
    var service: UInt8
    var digest: Int
    /// The client's max APDU length accepted (0 = unknown) and its segmented-response-accepted flag.
    var clientMaxAPDU = 0
    var segmentedResponseAccepted = false
    var attempts = 1
    var timedOut = false
  }
  struct ServerStats {
    var requests = 0, responses = 0, unanswered = 0, errors = 0, rejects = 0, aborts = 0
    var times = LogHistogram()
  }
  struct ServiceStats {
    var requests = 0, responses = 0, unanswered = 0
    var times = LogHistogram()
  }
  struct ErrorKey: Hashable {
    var device: AddressKey
    var service: Int16  // -1 when the PDU carries none (Reject, Abort)
    var kind: UInt8     // 5 error, 6 reject, 7 abort
    var reasonA: UInt32
    var reasonB: UInt32
  }

  let cap: Int
  let tableCap: Int
  let timeoutNs: Int64
  var pending: [Key: Pending] = [:]
  var pendingDropped = 0
  var lastSweepNs: Int64 = .min
  var nowNs: Int64 = .min
  var servers: [AddressKey: ServerStats] = [:]
  var services = [ServiceStats](repeating: ServiceStats(), count: 256)
  var requests = 0, responses = 0
  /// Requests replaced, before any answer or timeout, by a new request with the same invoke id (counted so that
  /// requests = responses + unanswered + pending_at_end + superseded).
  var superseded = 0
  let errorWarnPercent: Double
  var unanswered = Evidence()
  var retries = Evidence()
  var reuse = Evidence()
  var late = Evidence()
  var unmatched = Evidence()
  var serviceMismatch = Evidence()
  var errorFrames = Evidence(), rejectFrames = Evidence(), abortFrames = Evidence()
  var errorTable: [ErrorKey: Int] = [:]
  var errorTableDropped = 0
  var all = LogHistogram()
  // Segmentation.
  var segmented = Evidence()
  var segmentACKs = 0
  var segmentNAKs = Evidence()
  var maxWindow = 0
  var openSegmented: [Key: Int] = [:]  // transaction → frame of its first segment, while more segments follow
  var pendingAtEnd = 0
  // Max-APDU mismatches.
  /// Device address → max APDU length accepted from its I-Am.
  var announcedMaxAPDU: [AddressKey: Int] = [:]
  var oversizedRequests = Evidence()
  var oversizedResponses = Evidence()
  var unacceptedSegmentation = Evidence()

  init(config: SummaryConfiguration) {
    cap = config.maxOutstandingRequests
    tableCap = config.maxTableRows
    timeoutNs = max(1, config.thresholds.apduTimeout.nanoseconds)
    errorWarnPercent = config.thresholds.errorWarnPercent
    let l = config.evidenceLimit
    for e in [\RequestAnalyzer.unanswered, \.retries, \.reuse, \.late, \.unmatched, \.serviceMismatch, \.errorFrames,
              \.rejectFrames, \.abortFrames, \.segmented, \.segmentNAKs, \.oversizedRequests, \.oversizedResponses,
              \.unacceptedSegmentation] {
      self[keyPath: e] = Evidence(limit: l)
    }
  }

  /// Octets of a max-APDU-length-accepted code (clause 20.1.2.5); 0 for reserved codes.
  static func maxAPDUOctets(_ code: UInt8) -> Int {
    switch code {
    case 0: 50
    case 1: 128
    case 2: 206
    case 3: 480
    case 4: 1024
    case 5: 1476
    default: 0
    }
  }

  static func digest(_ s: ArraySlice<UInt8>) -> Int {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return Int(truncatingIfNeeded: h ^ UInt64(s.count))
  }

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    if p.hasTime, p.timeNs > nowNs {
      nowNs = p.timeNs
      if lastSweepNs == .min { lastSweepNs = nowNs }
    }
    if nowNs != .min, nowNs &- lastSweepNs >= timeoutNs / 2 { sweep(now: nowNs, final: false) }
    if c.apduType == 1, let max = c.announced?.2, let src = c.source,
       announcedMaxAPDU[src] != nil || announcedMaxAPDU.count < tableCap {
      announcedMaxAPDU[src] = Int(clamping: max)
    }
    guard c.apduType != 0xFF, let src = c.source, let dst = c.destination, let invoke = c.invokeID else { return }
    let t = p.timeNs
    switch c.apduType {
    case 0:
      let key = Key(client: src, server: dst, invokeID: invoke)
      // No device accepts fewer than 50 octets: shorter requests (most of them) need no lookup.
      if c.apduLength > 50, !c.isSegmented, let max = announcedMaxAPDU[dst], c.apduLength > max { oversizedRequests.note(p.frame) }
      if c.isSegmented {
        segmented.note(p.frame)
        maxWindow = max(maxWindow, Int(c.windowSize ?? 0))
        if c.moreFollows { if openSegmented[key] == nil, openSegmented.count < cap { openSegmented[key] = p.frame } } else { openSegmented[key] = nil }
        if (c.sequenceNumber ?? 0) != 0 { return }  // a later segment of a request already tracked
      }
      let svc = c.service ?? 0
      let d = c.requestDigest
      if var e = pending[key] {
        if e.digest == d && e.service == svc {
          retries.note(p.frame)
          if e.timedOut {
            unanswered.withdraw(e.frame)
            services[Int(e.service)].unanswered -= 1
            servers[key.server]?.unanswered -= 1
          }
          e.attempts += 1
          e.lastNs = t
          e.timedOut = false
          pending[key] = e
          return
        }
        if !e.timedOut {
          reuse.note(p.frame)
          superseded += 1
        }
      } else if pending.count >= cap {
        pendingDropped += 1
        return
      }
      requests += 1
      services[Int(svc)].requests += 1
      if servers[dst] != nil || servers.count < tableCap { servers[dst, default: ServerStats()].requests += 1 }
      pending[key] = Pending(frame: p.frame, firstNs: t, lastNs: t, service: svc, digest: d,
                             clientMaxAPDU: Self.maxAPDUOctets(c.maxAPDUCode), segmentedResponseAccepted: c.apduFlags & 0x02 != 0)
    case 2, 3, 5, 6, 7:
      let fromServer = c.apduType != 7 || c.sentByServer
      let key = fromServer ? Key(client: dst, server: src, invokeID: invoke) : Key(client: src, server: dst, invokeID: invoke)
      if c.apduType == 3, c.isSegmented || c.apduLength > 50, let e = pending[key] {
        if c.isSegmented {
          if !e.segmentedResponseAccepted, (c.sequenceNumber ?? 0) == 0 { unacceptedSegmentation.note(p.frame) }
        } else if e.clientMaxAPDU > 0, c.apduLength > e.clientMaxAPDU {
          oversizedResponses.note(p.frame)
        }
      }
      if c.apduType == 3, c.isSegmented {
        segmented.note(p.frame)
        maxWindow = max(maxWindow, Int(c.windowSize ?? 0))
        if c.moreFollows { if openSegmented[key] == nil, openSegmented.count < cap { openSegmented[key] = p.frame } } else { openSegmented[key] = nil }
        if (c.sequenceNumber ?? 0) != 0 { return }
      }
      if c.apduType == 7 { openSegmented[key] = nil }
      noteError(c, device: fromServer ? src : dst, frame: p.frame, pendingService: pending[key]?.service)
      guard let e = pending.removeValue(forKey: key) else {
        unmatched.note(p.frame)
        return
      }
      responses += 1
      if let s = c.service, c.apduType != 6, c.apduType != 7, s != e.service { serviceMismatch.note(p.frame) }
      if e.timedOut {
        unanswered.withdraw(e.frame)
        services[Int(e.service)].unanswered -= 1
        servers[key.server]?.unanswered -= 1
        late.note(p.frame)
      }
      let rtt = t - e.lastNs
      all.add(rtt)
      services[Int(e.service)].responses += 1
      services[Int(e.service)].times.add(rtt)
      if let i = servers.index(forKey: key.server) {
        servers.values[i].responses += 1
        servers.values[i].times.add(rtt)
      }
    case 4:
      segmentACKs += 1
      maxWindow = max(maxWindow, Int(c.windowSize ?? 0))
      if c.negativeACK { segmentNAKs.note(p.frame) }
    default: break
    }
  }

  mutating func noteError(_ c: MessageContext, device: AddressKey, frame: Int, pendingService: UInt8?) {
    var k = ErrorKey(device: device, service: -1, kind: c.apduType, reasonA: 0, reasonB: 0)
    switch c.apduType {
    case 5:
      errorFrames.note(frame)
      k.service = Int16(c.service ?? 0)
      k.reasonA = c.errorClass ?? 0
      k.reasonB = c.errorCode ?? 0
      if let i = servers.index(forKey: device) { servers.values[i].errors += 1 }
    case 6:
      rejectFrames.note(frame)
      k.service = pendingService.map { Int16($0) } ?? -1
      k.reasonA = UInt32(c.reason ?? 0)
      if let i = servers.index(forKey: device) { servers.values[i].rejects += 1 }
    case 7:
      abortFrames.note(frame)
      k.service = pendingService.map { Int16($0) } ?? -1
      k.reasonA = UInt32(c.reason ?? 0)
      if let i = servers.index(forKey: device) { servers.values[i].aborts += 1 }
    default: return
    }
    if errorTable[k] != nil || errorTable.count < tableCap { errorTable[k, default: 0] += 1 } else { errorTableDropped += 1 }
  }

  /// Marks requests older than the timeout as unanswered; forgets them four timeouts later.
  mutating func sweep(now: Int64, final: Bool) {
    lastSweepNs = now
    var forget: [Key] = []
    // Noted in frame order, not in the dictionary's (per-instance, unordered) order, so the evidence frames are
    // the same on every run.
    var expired: [Int] = []
    for (k, e) in pending {
      let age = now - e.lastNs
      if !e.timedOut {
        if age > timeoutNs || (final && age >= timeoutNs) {
          if let i = pending.index(forKey: k) { pending.values[i].timedOut = true }
          expired.append(e.frame)
          services[Int(e.service)].unanswered += 1
          servers[k.server]?.unanswered += 1
        } else if final {
          pendingAtEnd += 1
        }
      } else if age > 4 * timeoutNs, !final {
        forget.append(k)
      }
    }
    for k in forget { pending[k] = nil }
    if !expired.isEmpty {
      expired.sort()
      for f in expired { unanswered.note(f) }
    }
  }

  mutating func finish() {
    if nowNs != .min { sweep(now: nowNs, final: true) }
  }

  static func timing(_ h: LogHistogram) -> [ReportValue] {
    guard h.count > 0 else { return [.null, .null, .null, .null] }
    return [ms(h.min), ms(h.mean), ms(h.quantile(0.95)), ms(h.max)]
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "requests", title: "Confirmed requests")
    s.facts = [("requests", .n(requests)), ("responses", .n(responses)), ("unanswered", .n(unanswered.count)),
               ("pending_at_end", .n(pendingAtEnd)), ("superseded", .n(superseded)), ("retries", .n(retries.count)), ("invoke_id_reuse", .n(reuse.count)),
               ("late_responses", .n(late.count)), ("unmatched_responses", .n(unmatched.count)),
               ("service_mismatches", .n(serviceMismatch.count)), ("errors", .n(errorFrames.count)),
               ("rejects", .n(rejectFrames.count)), ("aborts", .n(abortFrames.count)),
               ("segmented_messages", .n(segmented.count)), ("segment_acks", .n(segmentACKs)),
               ("segment_naks", .n(segmentNAKs.count)), ("max_window_size", .n(maxWindow)),
               ("incomplete_segmented", .n(openSegmented.count)), ("requests_dropped", .n(pendingDropped)),
               ("oversized_requests", .n(oversizedRequests.count)), ("oversized_responses", .n(oversizedResponses.count)),
               ("unaccepted_segmentation", .n(unacceptedSegmentation.count))]
    let tcols: [(String, String)] = [("min_ms", "Min ms"), ("mean_ms", "Mean ms"), ("p95_ms", "p95 ms"), ("max_ms", "Max ms")]
    var bs = ReportTable(key: "by_server", title: "Response time by server", columns: [
      ("server", "Server"), ("requests", "Requests"), ("responses", "Responses"), ("unanswered", "Unanswered"),
      ("errors", "Errors"), ("rejects", "Rejects"), ("aborts", "Aborts")] + tcols)
    for (k, v) in servers.sorted(by: { $0.key < $1.key }) {
      bs.rows.append([.string(k.description), .n(v.requests), .n(v.responses), .n(v.unanswered), .n(v.errors),
                      .n(v.rejects), .n(v.aborts)] + Self.timing(v.times))
    }
    var sv = ReportTable(key: "by_service", title: "Response time by service", columns: [
      ("service", "Service"), ("requests", "Requests"), ("responses", "Responses"), ("unanswered", "Unanswered")] + tcols)
    for i in 0..<256 where services[i].requests > 0 || services[i].responses > 0 {
      let v = services[i]
      sv.rows.append([.string(ConfirmedServiceChoice(rawValue: UInt8(i)).name), .n(v.requests), .n(v.responses), .n(v.unanswered)]
                     + Self.timing(v.times))
    }
    var et = ReportTable(key: "error_table", title: "Error / Reject / Abort", columns: [
      ("device", "Device"), ("pdu", "PDU"), ("service", "Service"), ("reason", "Class / code / reason"), ("count", "Count")])
    for (k, n) in errorTable.sorted(by: { ($0.key.device, $0.key.kind, $0.key.service, $0.key.reasonA, $0.key.reasonB) < ($1.key.device, $1.key.kind, $1.key.service, $1.key.reasonA, $1.key.reasonB) }) {
      let reason: String
      switch k.kind {
      case 5: reason = "\(ErrorClass(rawValue: k.reasonA).name) / \(ErrorCode(rawValue: k.reasonB).name)"
      case 6: reason = RejectReason(rawValue: UInt8(truncatingIfNeeded: k.reasonA)).name
      default: reason = AbortReason(rawValue: UInt8(truncatingIfNeeded: k.reasonA)).name
      }
      et.rows.append([.string(k.device.description), .string(APDUType(rawValue: k.kind).name),
                      .string(k.service < 0 ? nil : ConfirmedServiceChoice(rawValue: UInt8(k.service)).name), .string(reason), .n(n)])
    }
    s.facts.append(contentsOf: zip(["min_ms", "mean_ms", "p95_ms", "max_ms"], Self.timing(all)).map { ($0.0, $0.1) })
    s.tables = [bs, sv, et]
    return s
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    var out: [Finding] = []
    let th = [config.thresholds.pair(\.apduTimeout), config.thresholds.pair(\.unansweredFailPercent)]
    if unanswered.isEmpty {
      out.append(Finding(check: "requests.unanswered", status: .ok, threshold: th,
                         message: "every confirmed request was answered within \(Int(config.thresholds.apduTimeout.milliseconds)) ms (\(requests) request(s): \(responses) answered, \(pendingAtEnd) still open at the end, \(superseded) superseded)"))
    } else {
      let pct = requests > 0 ? Double(unanswered.count) * 100 / Double(requests) : 100
      out.append(Finding(check: "requests.unanswered", status: pct > config.thresholds.unansweredFailPercent ? .fail : .warn, threshold: th,
                         evidence: unanswered,
                         message: "\(unanswered.count) of \(requests) confirmed request(s) got no reply within \(Int(config.thresholds.apduTimeout.milliseconds)) ms"))
    }
    out.append(retries.isEmpty
      ? Finding(check: "requests.retries", status: .ok, message: "no request was sent again")
      : Finding(check: "requests.retries", status: .warn, evidence: retries,
                message: "\(retries.count) retried request(s): the same invoke id and bytes sent again by the client"))
    out.append(reuse.isEmpty
      ? Finding(check: "requests.invoke_id_reuse", status: .ok, message: "no invoke id reused while its request was outstanding")
      : Finding(check: "requests.invoke_id_reuse", status: .warn, evidence: reuse,
                message: "\(reuse.count) request(s) reused an invoke id while an earlier request with it was outstanding"))
    out.append(late.isEmpty && unmatched.isEmpty
      ? Finding(check: "requests.late_or_unmatched", status: .ok, message: "every response matched an outstanding request in time")
      : Finding(check: "requests.late_or_unmatched", status: .warn, frames: late.frames + unmatched.frames, frameCount: late.count + unmatched.count,
                message: "\(late.count) late response(s) (after the APDU timeout), \(unmatched.count) response(s) to no request seen"))
    let errs = errorFrames.count + rejectFrames.count + abortFrames.count
    let errorShare = responses > 0 ? Double(errorFrames.count) * 100 / Double(responses) : 0
    let errorsWarn = errorFrames.count > 0 && errorShare > errorWarnPercent
    out.append(errs == 0
      ? Finding(check: "requests.errors", status: .ok, threshold: [config.thresholds.pair(\.errorWarnPercent)], message: "no Error, Reject or Abort")
      : Finding(check: "requests.errors", status: rejectFrames.count + abortFrames.count > 0 || errorsWarn ? .warn : .ok,
                threshold: [config.thresholds.pair(\.errorWarnPercent)],
                frames: Array((errorFrames.frames + rejectFrames.frames + abortFrames.frames).sorted().prefix(config.evidenceLimit)), frameCount: errs,
                message: "\(errorFrames.count) Error (\(fixed(errorShare, 1)) % of \(responses) responses), \(rejectFrames.count) Reject, \(abortFrames.count) Abort (see the error table)"))
    let oversized = oversizedRequests.count + oversizedResponses.count + unacceptedSegmentation.count
    out.append(oversized == 0
      ? Finding(check: "requests.max_apdu", status: .ok,
                message: "no message larger than its receiver accepts, no segmented response to a client that refused segmentation")
      : Finding(check: "requests.max_apdu", status: .warn,
                frames: Array((oversizedRequests.frames + oversizedResponses.frames + unacceptedSegmentation.frames).sorted().prefix(config.evidenceLimit)),
                frameCount: oversized,
                message: "\(oversizedRequests.count) request(s) larger than the server's I-Am max APDU, \(oversizedResponses.count) unsegmented response(s) larger than the client's max APDU accepted, \(unacceptedSegmentation.count) segmented response(s) to a client that did not accept segmentation"))
    if segmented.isEmpty && segmentACKs == 0 {
      out.append(Finding(check: "requests.segmentation", status: .ok, message: "no segmented messages"))
    } else {
      let bad = !segmentNAKs.isEmpty || !openSegmented.isEmpty
      out.append(Finding(check: "requests.segmentation", status: bad ? .warn : .ok, evidence: segmented,
                         message: "\(segmented.count) segmented message(s), \(segmentACKs) Segment-ACK(s), \(segmentNAKs.count) NAK(s), window up to \(maxWindow), \(openSegmented.count) incomplete"))
    }
    return out
  }
}
