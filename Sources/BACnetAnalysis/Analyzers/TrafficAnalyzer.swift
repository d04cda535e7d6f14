import PcapKit
import BACnetDecode

/// Section 1 (traffic part): protocol breakdown, top talkers and the traffic-over-time histogram.
///
/// Counters are fixed arrays indexed by code points; talkers are a capped dictionary keyed by ``AddressKey``.
struct TrafficAnalyzer {
  struct Talker {
    var packets = 0
    var bytes = 0
  }

  var packets = 0
  var bytes = 0
  var firstNs: Int64?
  var lastNs: Int64?
  /// Packets per link type, in order of first appearance (a capture has one or a few: a linear scan, no hashing).
  var linkTypes: [(LinkType, Int)] = []
  var ipv4 = 0, ipv6 = 0, otherNetwork = 0, mstpFrames = 0, llc = 0
  var udp = 0, tcp = 0, otherTransport = 0
  var bacnetPortPackets = 0
  var bacnetMessages = 0
  /// BVLC function counts: index = type bit (0 for 0x81, 256 for 0x82) + function.
  var bvlc = [Int](repeating: 0, count: 512)
  var networkMessages = [Int](repeating: 0, count: 256)
  var pduTypes = [Int](repeating: 0, count: 16)
  /// Service counts: index = PDU type × 256 + service choice (types with a service only).
  var services = [Int](repeating: 0, count: 16 * 256)
  var talkers: [AddressKey: Talker] = [:]
  var talkersDropped = 0
  /// UDP port → packets on it that look like BACnet/IP although the port is not configured (capped).
  var lookalike: [UInt16: Int] = [:]
  let maxTalkers: Int
  // Histogram: fixed bucket count; the width doubles when the capture outgrows it.
  var histStart: Int64?
  var histWidth: Int64 = 1_000_000_000
  var histPackets: [Int]
  var histBytes: [Int]

  /// Rates are given only over at least this long (`rate_min_window_s`).
  let rateMinNs: Int64

  init(config: SummaryConfiguration) {
    maxTalkers = config.maxTableRows
    rateMinNs = max(1, config.thresholds.rateMinWindow.nanoseconds)
    histPackets = [Int](repeating: 0, count: max(1, config.histogramBuckets))
    histBytes = histPackets
  }

  mutating func consume(_ p: AnalysisPacket, _ c: MessageContext?) {
    packets += 1
    bytes += p.wireLength
    if let i = linkTypes.firstIndex(where: { $0.0 == p.linkType }) {
      linkTypes[i].1 += 1
    } else {
      linkTypes.append((p.linkType, 1))
    }
    switch p.network {
    case .ipv4: ipv4 += 1
    case .ipv6: ipv6 += 1
    case .mstp: mstpFrames += 1
    case .llc: llc += 1
    default: otherNetwork += 1
    }
    switch p.transport {
    case .udp: udp += 1
    case .tcp: tcp += 1
    case .other: otherTransport += 1
    default: break
    }
    if p.onBACnetPort { bacnetPortPackets += 1 }
    if let port = p.lookalikePort, lookalike[port] != nil || lookalike.count < 256 { lookalike[port, default: 0] += 1 }
    if p.hasTime {
      let t = p.timeNs
      if firstNs == nil || t < firstNs! { firstNs = t }
      if lastNs == nil || t > lastNs! { lastNs = t }
      addToHistogram(t, p.wireLength)
    }
    if let h = p.hostSource {
      if let i = talkers.index(forKey: h) {
        talkers.values[i].packets += 1
        talkers.values[i].bytes += p.wireLength
      } else if talkers.count < maxTalkers {
        talkers[h] = Talker(packets: 1, bytes: p.wireLength)
      } else {
        talkersDropped += 1
      }
    }
    guard let c else { return }
    bacnetMessages += 1
    if c.bvlcType != 0 {
      bvlc[(c.bvlcType == 0x82 ? 256 : 0) + Int(c.bvlcFunction)] += 1
    }
    if let t = c.messageType { networkMessages[Int(t)] += 1 }
    if c.apduType != 0xFF {
      let t = Int(c.apduType & 0x0F)
      pduTypes[t] += 1
      if let s = c.service { services[t * 256 + Int(s)] += 1 }
    }
  }

  mutating func addToHistogram(_ t: Int64, _ len: Int) {
    if histStart == nil { histStart = t - (t % 1_000_000_000 + 1_000_000_000) % 1_000_000_000 }
    guard let start = histStart else { return }
    if t < start { return }  // earlier than the first bucket: out-of-order packets before the start are rare
    var i = (t - start) / histWidth
    while i >= Int64(histPackets.count) {
      // Double the width: merge neighbouring buckets.
      let n = histPackets.count
      var p = [Int](repeating: 0, count: n), b = p
      for k in 0..<n {
        p[k / 2] += histPackets[k]
        b[k / 2] += histBytes[k]
      }
      histPackets = p
      histBytes = b
      histWidth *= 2
      i = (t - start) / histWidth
    }
    histPackets[Int(i)] += 1
    histBytes[Int(i)] += len
  }

  func section(topN: Int) -> ReportSection {
    var s = ReportSection(key: "traffic", title: "Traffic")
    let dur = (firstNs != nil && lastNs != nil) ? lastNs! - firstNs! : 0
    let secs = Double(dur) / 1e9
    s.facts = [
      ("packets", .n(packets)), ("bytes", .n(bytes)),
      ("packets_per_second", dur >= rateMinNs ? .double(Double(packets) / secs) : .null),
      ("bits_per_second", dur >= rateMinNs ? .double(Double(bytes) * 8 / secs) : .null),
      ("bacnet_messages", .n(bacnetMessages)), ("bacnet_port_packets", .n(bacnetPortPackets)),
    ]
    var lt = ReportTable(key: "link_types", title: "Link types", columns: [("link_type", "Link type"), ("name", "Name"), ("packets", "Packets")])
    for (k, v) in linkTypes.sorted(by: { $0.0.rawValue < $1.0.rawValue }) {
      lt.rows.append([.n(k.rawValue), .string(k.description), .n(v)])
    }
    var layers = ReportTable(key: "layers", title: "Network and transport", columns: [("protocol", "Protocol"), ("packets", "Packets")])
    for (n, v) in [("IPv4", ipv4), ("IPv6", ipv6), ("MS/TP", mstpFrames), ("LLC", llc), ("other network", otherNetwork),
                   ("UDP", udp), ("TCP", tcp), ("other transport", otherTransport)] where v > 0 {
      layers.rows.append([.string(n), .n(v)])
    }
    var bt = ReportTable(key: "bvlc_functions", title: "BVLC functions",
                         columns: [("bvlc_type", "Type"), ("function", "Function"), ("name", "Name"), ("packets", "Packets")])
    for i in 0..<512 where bvlc[i] > 0 {
      let f = UInt8(i & 0xFF)
      let name = i < 256 ? BVLCFunction(rawValue: f).name : BVLC6Function(rawValue: f).name
      bt.rows.append([.string(i < 256 ? "0x81" : "0x82"), .n(f), .string(name), .n(bvlc[i])])
    }
    var nt = ReportTable(key: "network_messages", title: "Network-layer messages",
                         columns: [("type", "Type"), ("name", "Name"), ("packets", "Packets")])
    for i in 0..<256 where networkMessages[i] > 0 {
      nt.rows.append([.n(i), .string(NetworkMessageType(rawValue: UInt8(i)).name), .n(networkMessages[i])])
    }
    var pt = ReportTable(key: "pdu_types", title: "APDU types", columns: [("pdu_type", "Type"), ("name", "Name"), ("packets", "Packets")])
    for i in 0..<16 where pduTypes[i] > 0 {
      pt.rows.append([.n(i), .string(APDUType(rawValue: UInt8(i)).name), .n(pduTypes[i])])
    }
    var st = ReportTable(key: "services", title: "Services by APDU type",
                         columns: [("pdu_type", "APDU type"), ("service", "Service"), ("name", "Name"), ("packets", "Packets")])
    for i in 0..<(16 * 256) where services[i] > 0 {
      let t = UInt8(i / 256), c = UInt8(i % 256)
      let name = t == 1 ? UnconfirmedServiceChoice(rawValue: c).name : ConfirmedServiceChoice(rawValue: c).name
      st.rows.append([.string(APDUType(rawValue: t).name), .n(c), .string(name), .n(services[i])])
    }
    var tt = ReportTable(key: "top_talkers", title: "Top talkers (by packets sent)",
                         columns: [("host", "Host"), ("packets", "Packets"), ("bytes", "Bytes")])
    let sorted = talkers.sorted { ($0.value.packets, $1.key) > ($1.value.packets, $0.key) }
    for (k, v) in sorted.prefix(topN) { tt.rows.append([.string(k.macText), .n(v.packets), .n(v.bytes)]) }
    tt.omitted = max(0, sorted.count - topN) + talkersDropped
    var ht = ReportTable(key: "histogram", title: "Traffic over time",
                         columns: [("start_ns", "Start"), ("offset_s", "Offset (s)"), ("packets", "Packets"), ("bytes", "Bytes")])
    if let start = histStart, let last = lastNs {
      let used = Int((last - start) / histWidth) + 1
      for i in 0..<min(used, histPackets.count) {
        ht.rows.append([.n(start + Int64(i) * histWidth), .double(Double(Int64(i) * histWidth) / 1e9), .n(histPackets[i]), .n(histBytes[i])])
      }
    }
    s.facts.append(("histogram_bucket_ns", .n(histWidth)))
    s.facts.append(("talkers_dropped", .n(talkersDropped)))
    s.tables = [lt, layers, bt, nt, pt, st, tt, ht]
    return s
  }
}
