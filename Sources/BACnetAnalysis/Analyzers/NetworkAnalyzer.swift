import BACnetDecode

/// Section 3: routers and the networks behind them, network numbers, BBMDs and foreign devices; the
/// duplicate-network check of section 5; network-layer rejects and low hop counts; duplicate BBMDs (one
/// broadcast forwarded by two BBMDs, so every device on the subnet receives it twice).
struct NetworkAnalyzer {
  /// The first Forwarded-NPDU copy of a message, kept for the duplicate-BBMD window.
  struct ForwardedCopy {
    var bbmd: AddressKey
    var ns: Int64
    var frame: Int
  }
  struct Router {
    /// Networks announced by I-Am-Router-To-Network.
    var announced: [UInt16] = []
    /// Networks seen as SNET of traffic it relayed.
    var routed: [UInt16] = []
    var announcements = 0
    var routedPackets = 0
    var firstFrame = 0
    /// The Ethernet source MAC its frames came from (0 when none): ports of one box share it.
    var hardware: UInt64 = 0
  }
  struct ForeignDevice {
    var registrations = 0
    var ttl: UInt16 = 0
    var lastNs: Int64 = 0
    var maxGapNs: Int64 = 0
    var late = 0
  }
  struct BBMD {
    var forwarded = 0
    var bdt: [String] = []
    var naks = 0
  }

  let cap: Int
  var routers: [AddressKey: Router] = [:]
  var routersDropped = 0
  /// network → (router, frame) of the first I-Am-Router-To-Network claim.
  var networkClaims: [UInt16: (AddressKey, Int)] = [:]
  var duplicateNetworks = Evidence()
  var duplicateNetworkText: [String] = []
  /// Network-Number-Is: sender → (network, configured).
  var networkNumbers: [AddressKey: (UInt16, Bool, Int)] = [:]
  var networkNumberConflicts = Evidence()
  var whoIsRouter = 0
  var rejects = Evidence()
  var rejectReasons: [UInt16: [UInt8: Int]] = [:]  // DNET → reason → count
  var lowHop = Evidence()
  var bbmds: [AddressKey: BBMD] = [:]
  var foreignDevices: [AddressKey: ForeignDevice] = [:]
  var lateRegistrations = Evidence()
  var naks = Evidence()
  var forwarded = Evidence()
  let hopWarn: UInt8
  let graceNs: Int64
  /// Forwarded messages of the last window, by content digest (pruned as time passes; capped).
  var recentForwards: [Int: ForwardedCopy] = [:]
  var forwardsPrunedNs: Int64 = .min
  var duplicateForwards = Evidence()
  var duplicateBBMDPairs: [String] = []
  let duplicateWindowNs: Int64
  /// Messages with a BVLC (BACnet/IP or BACnet/IPv6) judged.
  var bvlcMessages = 0
  /// I-Am-Router-To-Network messages judged.
  var routerAnnouncements = 0
  /// NPDUs carrying a hop count (a DNET) judged.
  var hopCounted = 0

  init(config: SummaryConfiguration) {
    cap = config.maxTableRows
    hopWarn = UInt8(clamping: config.thresholds.hopCountWarn)
    graceNs = config.thresholds.foreignDeviceGrace.nanoseconds
    duplicateWindowNs = config.thresholds.bbmdDuplicateWindow.nanoseconds
    duplicateForwards = Evidence(limit: config.evidenceLimit)
    duplicateNetworks = Evidence(limit: config.evidenceLimit)
    rejects = Evidence(limit: config.evidenceLimit)
    lowHop = Evidence(limit: config.evidenceLimit)
    lateRegistrations = Evidence(limit: config.evidenceLimit)
    naks = Evidence(limit: config.evidenceLimit)
    forwarded = Evidence(limit: config.evidenceLimit)
    networkNumberConflicts = Evidence(limit: config.evidenceLimit)
  }

  mutating func router(_ k: AddressKey, frame: Int, hardware: UInt64) -> Bool {
    if routers[k] != nil { return true }
    guard routers.count < cap else { routersDropped += 1; return false }
    routers[k] = Router(firstFrame: frame, hardware: hardware)
    return true
  }

  /// True when two router link addresses are ports of one box (the same Ethernet source MAC).
  func sameBox(_ a: AddressKey, _ b: AddressKey) -> Bool {
    guard let x = routers[a]?.hardware, x != 0 else { return false }
    return routers[b]?.hardware == x
  }

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    if c.bvlcType != 0 { bvlcMessages += 1 }
    // Everything but Original-Unicast/Broadcast-NPDU is rare: only then is the BVLC copied out.
    if c.bvlcType != 0, !(c.bvlcType == 0x81 && (c.bvlcFunction == 0x0A || c.bvlcFunction == 0x0B)),
       !(c.bvlcType == 0x82 && (c.bvlcFunction == 0x01 || c.bvlcFunction == 0x02)),
       let b = dp.messageBox?.value.bvlc, let link = p.linkSource {
      if b.type == 0x81 {
        switch b.function {
        case 0x04:
          forwarded.note(p.frame)
          if bbmds[link] != nil || bbmds.count < cap { bbmds[link, default: BBMD()].forwarded += 1 }
          noteForwardedCopy(by: link, p, dp, c)
        case 0x00:
          if let r = b.resultCode, r != 0 {
            naks.note(p.frame)
            if bbmds[link] != nil || bbmds.count < cap { bbmds[link, default: BBMD()].naks += 1 }
          }
        case 0x01, 0x03:
          if !b.bdtEntries.isEmpty, bbmds[link] != nil || bbmds.count < cap {
            bbmds[link, default: BBMD()].bdt = b.bdtEntries.prefix(64).map { e in
              let m = e.mask
              return "\(e.address) mask \(m >> 24).\(m >> 16 & 0xFF).\(m >> 8 & 0xFF).\(m & 0xFF)"
            }
          }
        case 0x05:
          if let ttl = b.timeToLive { register(link, ttl: ttl, p) }
        default: break
        }
      } else if b.type == 0x82 {
        if b.function == 0x08, let h = p.hostSource {
          forwarded.note(p.frame)
          if bbmds[h] != nil || bbmds.count < cap { bbmds[h, default: BBMD()].forwarded += 1 }
          noteForwardedCopy(by: h, p, dp, c)
        }
        if b.function == 0x09, let ttl = b.timeToLive, let host = p.hostSource { register(host, ttl: ttl, p) }
        // Annex U BVLC-Result: a NAK is any non-zero result code, counted against the host that sent it.
        if b.function == 0x00, let r = b.resultCode, r != 0, let h = p.hostSource {
          naks.note(p.frame)
          if bbmds[h] != nil || bbmds.count < cap { bbmds[h, default: BBMD()].naks += 1 }
        }
      }
    }
    if let net = c.snet, let via = c.routedVia, router(via, frame: p.frame, hardware: p.hardwareSource),
       let i = routers.index(forKey: via) {
      routers.values[i].routedPackets += 1
      if !routers.values[i].routed.contains(net), routers.values[i].routed.count < 256 {
        routers.values[i].routed.append(net)
      }
    }
    if let h = c.hopCount {
      hopCounted += 1
      if h < hopWarn { lowHop.note(p.frame) }
    }
    guard c.messageType != nil, let nm = dp.messageBox?.value.networkMessage, let link = p.linkSource else { return }
    switch nm.type {
    case .whoIsRouterToNetwork: whoIsRouter += 1
    case .iAmRouterToNetwork:
      routerAnnouncements += 1
      guard router(link, frame: p.frame, hardware: p.hardwareSource), let r = routers.index(forKey: link) else { return }
      routers.values[r].announcements += 1
      for net in nm.networks {
        if !routers.values[r].announced.contains(net), routers.values[r].announced.count < 1024 {
          routers.values[r].announced.append(net)
        }
        if let (other, f) = networkClaims[net] {
          if other != link, !sameBox(other, link) {
            if !duplicateNetworkText.contains(where: { $0.hasPrefix("network \(net) ") }) {
              duplicateNetworks.note(f)
              if duplicateNetworkText.count < 16 {
                duplicateNetworkText.append("network \(net) claimed by \(other.macText) and \(link.macText)")
              }
            }
            duplicateNetworks.note(p.frame)
          }
        } else {
          networkClaims[net] = (link, p.frame)
        }
      }
    case .networkNumberIs:
      if let num = nm.networkNumber {
        if let (old, _, _) = networkNumbers[link], old != num { networkNumberConflicts.note(p.frame) }
        if networkNumbers[link] != nil || networkNumbers.count < cap {
          networkNumbers[link] = (num, nm.networkNumberConfigured ?? false, p.frame)
        }
      }
    case .rejectMessageToNetwork:
      rejects.note(p.frame)
      let dnet = nm.networks.first ?? 0
      if rejectReasons[dnet] != nil || rejectReasons.count < cap { rejectReasons[dnet, default: [:]][nm.rejectReason ?? 0, default: 0] += 1 }
    default: break
    }
  }

  /// A Forwarded-NPDU: the same message (original sender and NPDU) forwarded by another BBMD within the window
  /// is a duplicate BBMD. Only forwarded messages are remembered, for one window, at most `cap` of them.
  mutating func noteForwardedCopy(by bbmd: AddressKey, _ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    guard p.hasTime, let m = dp.messageBox?.value, let n = m.npdu else { return }
    let now = p.timeNs
    if recentForwards.count >= 64, now &- forwardsPrunedNs > duplicateWindowNs {
      recentForwards = recentForwards.filter { now &- $0.value.ns <= duplicateWindowNs }
      forwardsPrunedNs = now
    }
    var h = Hasher()
    h.combine(c.source)
    h.combine(n.control)
    h.combine(n.destination?.network)
    h.combine(n.destination?.mac)
    h.combine(n.hopCount)
    h.combine(n.messageType?.rawValue)
    h.combine(m.networkMessage?.body)
    if let a = m.apdu {
      h.combine(a.pduType.rawValue)
      h.combine(a.flags)
      h.combine(a.invokeID)
      h.combine(a.serviceChoice)
      h.combine(a.serviceData)
    }
    let digest = h.finalize()
    if let first = recentForwards[digest], now &- first.ns <= duplicateWindowNs {
      if first.bbmd != bbmd {
        duplicateForwards.note(p.frame)
        let pair = [first.bbmd.macText, bbmd.macText].sorted().joined(separator: " and ")
        if duplicateBBMDPairs.count < 16, !duplicateBBMDPairs.contains(pair) { duplicateBBMDPairs.append(pair) }
      }
      return
    }
    if recentForwards[digest] != nil || recentForwards.count < cap {
      recentForwards[digest] = ForwardedCopy(bbmd: bbmd, ns: now, frame: p.frame)
    }
  }

  mutating func register(_ link: AddressKey, ttl: UInt16, _ p: AnalysisPacket) {
    guard foreignDevices[link] != nil || foreignDevices.count < cap else { return }
    var f = foreignDevices[link] ?? ForeignDevice()
    if f.registrations > 0 {
      let gap = p.timeNs - f.lastNs
      f.maxGapNs = max(f.maxGapNs, gap)
      if gap > Int64(f.ttl) * 1_000_000_000 + graceNs {
        f.late += 1
        lateRegistrations.note(p.frame)
      }
    }
    f.registrations += 1
    f.ttl = ttl
    f.lastNs = p.timeNs
    foreignDevices[link] = f
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "networks", title: "Networks and routers")
    s.facts = [("who_is_router_to_network", .n(whoIsRouter)), ("forwarded_npdus", .n(forwarded.count)),
               ("duplicate_forwards", .n(duplicateForwards.count)),
               ("bvlc_naks", .n(naks.count)), ("routers_dropped", .n(routersDropped))]
    var rt = ReportTable(key: "routers", title: "Routers", columns: [
      ("router", "Router"), ("ports", "Ports"), ("announced_networks", "Announced (I-Am-Router)"),
      ("routed_networks", "Seen as SNET"), ("announcements", "Announcements"), ("routed_packets", "Routed packets")])
    // One row per router: its link addresses that share an Ethernet MAC are ports of one box.
    var done = Set<AddressKey>()
    let ordered = routers.keys.sorted()
    for k in ordered where !done.contains(k) {
      let ports = ordered.filter { $0 == k || (!done.contains($0) && sameBox(k, $0)) }
      var announced = Set<UInt16>(), routed = Set<UInt16>()
      var announcements = 0, packets = 0
      for port in ports {
        done.insert(port)
        guard let r = routers[port] else { continue }
        announced.formUnion(r.announced)
        routed.formUnion(r.routed)
        announcements += r.announcements
        packets += r.routedPackets
      }
      rt.rows.append([.string(k.macText), .strings(ports.map(\.macText)), .ints(announced.sorted()), .ints(routed.sorted()),
                      .n(announcements), .n(packets)])
    }
    var nn = ReportTable(key: "network_numbers", title: "Network-Number-Is", columns: [
      ("sender", "Sender"), ("network", "Network"), ("configured", "Configured"), ("frame", "Frame")])
    for (k, v) in networkNumbers.sorted(by: { $0.key < $1.key }) { nn.rows.append([.string(k.macText), .n(v.0), .bool(v.1), .n(v.2)]) }
    var bt = ReportTable(key: "bbmds", title: "BBMDs", columns: [
      ("bbmd", "BBMD"), ("forwarded", "Forwarded-NPDUs"), ("naks", "BVLC NAKs"), ("bdt", "BDT")])
    for (k, b) in bbmds.sorted(by: { $0.key < $1.key }) { bt.rows.append([.string(k.macText), .n(b.forwarded), .n(b.naks), .strings(b.bdt)]) }
    var ft = ReportTable(key: "foreign_devices", title: "Foreign-device registrations", columns: [
      ("device", "Device"), ("registrations", "Registrations"), ("ttl_s", "TTL (s)"), ("max_interval_s", "Max interval (s)"), ("late", "Late")])
    for (k, f) in foreignDevices.sorted(by: { $0.key < $1.key }) {
      ft.rows.append([.string(k.macText), .n(f.registrations), .n(f.ttl), .double(Double(f.maxGapNs) / 1e9), .n(f.late)])
    }
    var rj = ReportTable(key: "rejects", title: "Reject-Message-To-Network", columns: [("network", "DNET"), ("reason", "Reason"), ("count", "Count")])
    for (net, reasons) in rejectReasons.sorted(by: { $0.key < $1.key }) {
      for (r, n) in reasons.sorted(by: { $0.key < $1.key }) {
        rj.rows.append([.n(net), .string(Self.rejectNames[Int(min(r, 7))] + (r >= 7 ? "-\(r)" : "")), .n(n)])
      }
    }
    s.tables = [rt, nn, bt, ft, rj]
    return s
  }

  /// Reject-Message-To-Network reasons (clause 6.4.4), as Wireshark names them; 7 and above are reserved.
  static let rejectNames = ["other", "not directly connected to DNET, no route", "router busy", "unknown network message type",
                            "message too long", "security error", "addressing error", "reserved"]

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    var out: [Finding] = []
    out.append(duplicateNetworks.isEmpty
      ? Finding(check: "duplicates.network_number", status: .ok, message: "no network number is claimed by two routers")
      : Finding(check: "duplicates.network_number", status: .fail, evidence: duplicateNetworks,
                message: "duplicate network number: " + duplicateNetworkText.joined(separator: "; ")))
    out.append(forwarded.isEmpty
      ? Finding(check: "bbmd.forwarded_npdu", status: .ok, message: "no BBMD-forwarded messages")
      : Finding(check: "bbmd.forwarded_npdu", status: .ok, evidence: forwarded,
                message: "\(forwarded.count) Forwarded-NPDU(s) from " + bbmds.filter { $0.value.forwarded > 0 }.keys.sorted().map(\.macText).joined(separator: ", ")
                  + "; their senders are listed under their original addresses"))
    let window = [config.thresholds.pair(\.bbmdDuplicateWindow)]
    out.append(duplicateForwards.isEmpty
      ? Finding(check: "bbmd.duplicate", status: .ok, threshold: window, message: "no broadcast forwarded by two BBMDs")
      : Finding(check: "bbmd.duplicate", status: .warn, threshold: window, evidence: duplicateForwards,
                message: "\(duplicateForwards.count) message(s) forwarded a second time by another BBMD within \(Int(config.thresholds.bbmdDuplicateWindow.milliseconds)) ms ("
                  + duplicateBBMDPairs.joined(separator: "; ") + "): devices receive these broadcasts twice; the subnet has two BBMDs in the BDT"))
    out.append(naks.isEmpty
      ? Finding(check: "bbmd.bvlc_nak", status: .ok, message: "no BVLC-Result NAKs")
      : Finding(check: "bbmd.bvlc_nak", status: .warn, evidence: naks, message: "\(naks.count) BVLC-Result NAK(s)"))
    out.append(lateRegistrations.isEmpty
      ? Finding(check: "bbmd.foreign_device_reregistration", status: .ok, threshold: [config.thresholds.pair(\.foreignDeviceGrace)],
                message: "foreign devices re-register within their TTL")
      : Finding(check: "bbmd.foreign_device_reregistration", status: .warn, threshold: [config.thresholds.pair(\.foreignDeviceGrace)], evidence: lateRegistrations,
                message: "\(lateRegistrations.count) foreign-device re-registration(s) came after the TTL plus grace"))
    out.append(rejects.isEmpty
      ? Finding(check: "networks.reject_message", status: .ok, message: "no Reject-Message-To-Network")
      : Finding(check: "networks.reject_message", status: .warn, evidence: rejects, message: "\(rejects.count) Reject-Message-To-Network message(s)"))
    out.append(lowHop.isEmpty
      ? Finding(check: "networks.hop_count", status: .ok, threshold: [config.thresholds.pair(\.hopCountWarn)], message: "no routed message with a low hop count")
      : Finding(check: "networks.hop_count", status: .warn, threshold: [config.thresholds.pair(\.hopCountWarn)], evidence: lowHop,
                message: "\(lowHop.count) message(s) with a hop count below \(config.thresholds.hopCountWarn): a vendor starting low, or a circular route"))
    return out
  }
}
