import BACnetDecode
import Foundation
import PcapKit
import Testing
@testable import BACnetAnalysis

/// Content selection (`filter`/`list --device/--address/--service/--object/--pdu-type/--network`) against tshark, on
/// the shared captures (skipped when absent) and our fixtures, packet for packet.
///
/// For every capture, every value present in it is tried for every option (each service, APDU type, network,
/// object, device, IP address and MS/TP station tshark sees, a bounded number of each). Two sets are compared:
///
/// 1. **Per packet.** The packets that satisfy the option on their own (``ContentSelector/facets(of:)``) must be
///    exactly the packets tshark's equivalent display filter keeps. tshark's filter is evaluated from its own
///    fields (one `-T fields` run per capture) and, for one value per capture (a different kind of option from
///    capture to capture, every kind at least once), also run as a real `-Y` display filter, which must give the
///    same frames (so the field reading is tshark's filter):
///    `bacapp.confirmed_service == S`, `bacapp.unconfirmed_service == S`, `bacapp.type == T`,
///    `bacnet.dnet == N || bacnet.snet == N`, `ip.addr == A || bvlc.fwd_ip == A`, `eth.addr == M`,
///    `mstp.src == N || mstp.dst == N`.
///    Objects and devices are compared on tshark's (`bacapp.objectType`, `bacapp.instance_number`) *pairs*: the
///    display filter `bacapp.objectType == 8 && bacapp.instance_number == 101` is true for a packet naming
///    `device,29` and `analog-output,101` (each clause may hold for a different occurrence), so the `-Y` run is
///    only required to be a superset there, and the difference is counted (`tshark-any-occurrence`): tshark's
///    filter is the wrong one for "this object".
/// 2. **With transactions.** tshark keeps a reply only if the reply itself matches (a Reject, an Abort or a
///    SegmentACK never names a service or an object); we keep a confirmed request and its whole exchange together.
///    So the selector's output must contain every packet of (1), and every extra packet must belong to a
///    transaction that has a matching packet — transactions rebuilt here from tshark's fields alone (link
///    endpoints oriented client to server by `bacapp.type` and `bacapp.SRV`, and `bacapp.invoke_id`; a new one at
///    each Confirmed-Request that is not a later segment) — or be
///    an IP fragment of a kept datagram (tshark shows the reassembled datagram on its last fragment only). And
///    every packet of such a transaction must be kept (no half-kept exchange).
///
/// Deliberate difference (counted, never excused silently): an MS/TP frame failing its header CRC, or an extended
/// frame failing its CRC-32K, is not decoded by tshark (no `mstp.src`, no NPDU); we select it on what it says
/// (`mstp-crc-failed`), because a station's damaged frames are exactly what one looks for with `--address N`. A
/// LINKTYPE 165 record without the `55 FF` preamble (the link type allows both) is misread by tshark, which skips
/// two octets without looking (`mstp-no-preamble`, as in `ListBACnetTsharkTests`).
@Suite struct ContentSelectionTsharkTests {
  static let tshark: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") ? "/usr/bin/tshark" : nil
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static let fields = [
    "frame.number", "bacapp.type", "bacapp.invoke_id", "bacapp.confirmed_service", "bacapp.unconfirmed_service",
    "bacapp.objectType", "bacapp.instance_number", "bacapp.who_is.low_limit", "bacapp.who_is.high_limit",
    "bacnet.dnet", "bacnet.snet", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport",
    "bvlc.fwd_ip", "eth.src", "eth.dst", "mstp.src", "mstp.dst", "ip.flags.mf", "ip.frag_offset",
    "bacapp.sequence_number", "bacapp.SRV",
  ]

  typealias Row = [String: [String]]

  /// The captures compared, with extra BACnet/IP ports.
  static var captures: [(String, [Int])] {
    var out: [(String, [Int])] = []
    let shared = root.deletingLastPathComponent().appendingPathComponent("shared/captures/bacnet")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: shared.path) {
      out += names.filter { $0.hasSuffix(".pcap") }.sorted().map { (shared.appendingPathComponent($0).path, []) }
    }
    let fixtures = root.appendingPathComponent("Fixtures")
    for f in ["bacnet-vectors/bip_oracle.pcap", "bacnet-vectors/bip_routed.pcap", "bacnet-vectors/bip6.pcap",
              "bacnet-vectors/mstp_oracle.pcap", "mstp/mstp_cases.pcap", "bacnet-ip/sample-mstp.pcap"] {
      out.append((fixtures.appendingPathComponent(f).path, []))
    }
    out.append((fixtures.appendingPathComponent("bacnet-ip/sample.pcap").path, [47900]))
    for n in ["router_multiport", "bbmd_forwarded_iam", "segmented_response", "mstp_ring", "bacnet_ipv6_fd_nak",
              "retried_request", "ephemeral_workstation", "writes_and_control"] {
      out.append((fixtures.appendingPathComponent("analysis/\(n).pcap").path, []))
    }
    out.append((fixtures.appendingPathComponent("analysis/bacnet_ip_port_40000.pcap").path, [40000]))
    return out
  }

  static func tsharkArgs(_ path: String, _ ports: [Int]) -> [String] {
    var args = ["-r", path]
    for port in Array(47809...47823) + ports { args += ["-d", "udp.port==\(port),bvlc"] }
    return args
  }

  static func run(_ args: [String]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-sel-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tshark ?? "/usr/bin/tshark")
    p.arguments = args
    p.standardOutput = try FileHandle(forWritingTo: url)
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }

  static func rows(_ path: String, _ ports: [Int]) throws -> [Int: Row] {
    var args = tsharkArgs(path, ports) + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields { args += ["-e", f] }
    var out: [Int: Row] = [:]
    for line in try run(args).split(separator: "\n") {
      let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard cols.count == fields.count, let n = Int(cols[0]) else { continue }
      var row: Row = [:]
      for (f, v) in zip(fields, cols) where !v.isEmpty { row[f] = v.split(separator: ",").map(String.init) }
      out[n] = row
    }
    return out
  }

  static func displayFilter(_ path: String, _ ports: [Int], _ filter: String) throws -> Set<Int> {
    Set(try run(tsharkArgs(path, ports) + ["-Y", filter, "-T", "fields", "-e", "frame.number"])
      .split(separator: "\n").compactMap { Int($0) })
  }

  /// One option value to try, with tshark's display filter and its reading of tshark's fields.
  struct Case {
    var label: String
    var criteria = ContentCriteria()
    var addresses: [AddressSelector] = []
    var filter: String
    /// True when `-Y` may keep more than the field reading (tshark's any-occurrence `&&`).
    var anyOccurrence = false
    var tsharkMatches: (Row) -> Bool
  }

  static func pairs(_ r: Row) -> [(UInt16, UInt32)] {
    zip(r["bacapp.objectType"] ?? [], r["bacapp.instance_number"] ?? []).compactMap { t, i in
      guard let t = UInt16(t), let i = UInt32(i) else { return nil }
      return (t, i)
    }
  }

  /// Every option value present in the capture (at most `limit` of each kind).
  static func cases(_ rows: [Int: Row], limit: Int = 12) -> [Case] {
    func values(_ field: String) -> [String] {
      var seen = Set<String>()
      for (_, r) in rows.sorted(by: { $0.key < $1.key }) { for v in r[field] ?? [] { seen.insert(v) } }
      return seen.sorted { ($0.count, $0) < ($1.count, $1) }.prefix(limit).map { $0 }
    }
    var out: [Case] = []
    for v in values("bacapp.confirmed_service") {
      guard let n = UInt8(v) else { continue }
      var c = Case(label: "service \(v)", filter: "bacapp.confirmed_service == \(v)") {
        $0["bacapp.confirmed_service"]?.contains(v) == true
      }
      c.criteria.services = [.confirmed(ConfirmedServiceChoice(rawValue: n))]
      out.append(c)
    }
    for v in values("bacapp.unconfirmed_service") {
      guard let n = UInt8(v) else { continue }
      var c = Case(label: "unconfirmed service \(v)", filter: "bacapp.unconfirmed_service == \(v)") {
        $0["bacapp.unconfirmed_service"]?.contains(v) == true
      }
      c.criteria.services = [.unconfirmed(UnconfirmedServiceChoice(rawValue: n))]
      out.append(c)
    }
    for v in values("bacapp.type") {
      guard let n = UInt8(v) else { continue }
      var c = Case(label: "pdu-type \(v)", filter: "bacapp.type == \(v)") { $0["bacapp.type"]?.contains(v) == true }
      c.criteria.pduTypes = [APDUType(rawValue: n)]
      out.append(c)
    }
    for v in Set(values("bacnet.dnet") + values("bacnet.snet")).sorted() {
      guard let n = UInt16(v) else { continue }
      var c = Case(label: "network \(v)", filter: "bacnet.dnet == \(v) || bacnet.snet == \(v)") {
        $0["bacnet.dnet"]?.contains(v) == true || $0["bacnet.snet"]?.contains(v) == true
      }
      c.criteria.networks = [n]
      out.append(c)
    }
    var objects = Set<String>()
    for (_, r) in rows.sorted(by: { $0.key < $1.key }) {
      for (t, i) in pairs(r) where objects.count < limit * 2 { objects.insert("\(t),\(i)") }
    }
    for o in objects.sorted() {
      let parts = o.split(separator: ",")
      guard let t = UInt16(parts[0]), let i = UInt32(parts[1]) else { continue }
      var c = Case(label: "object \(o)", filter: "bacapp.objectType == \(t) && bacapp.instance_number == \(i)",
                   anyOccurrence: true) { r in pairs(r).contains { $0 == (t, i) } }
      c.criteria.objects = [ObjectSelector(type: ObjectType(rawValue: t), instance: i)]
      out.append(c)
      guard t == 8 else { continue }
      var d = Case(
        label: "device \(i)",
        filter: "(bacapp.objectType == 8 && bacapp.instance_number == \(i)) || (bacapp.who_is.low_limit <= \(i) && bacapp.who_is.high_limit >= \(i))",
        anyOccurrence: true
      ) { r in
        if pairs(r).contains(where: { $0 == (8, i) }) { return true }
        guard let lo = r["bacapp.who_is.low_limit"]?.first.flatMap(UInt32.init),
              let hi = r["bacapp.who_is.high_limit"]?.first.flatMap(UInt32.init) else { return false }
        return lo <= i && i <= hi
      }
      d.criteria.devices = [i]
      out.append(d)
    }
    for v in Set(values("ip.src") + values("ip.dst")).sorted().prefix(limit) {
      guard let a = AddressSelector(parsing: v) else { continue }
      var c = Case(label: "address \(v)", filter: "ip.addr == \(v) || bvlc.fwd_ip == \(v)") { r in
        [r["ip.src"], r["ip.dst"], r["bvlc.fwd_ip"]].contains { $0?.contains(v) == true }
      }
      c.addresses = [a]
      out.append(c)
    }
    for v in Set(values("ipv6.src") + values("ipv6.dst")).sorted().prefix(limit) {
      guard let a = AddressSelector(parsing: v) else { continue }
      var c = Case(label: "address \(v)", filter: "ipv6.addr == \(v)") { r in
        [r["ipv6.src"], r["ipv6.dst"]].contains { $0?.contains(v) == true }
      }
      c.addresses = [a]
      out.append(c)
    }
    for v in Set(values("eth.src") + values("eth.dst")).sorted().prefix(limit / 2) {
      guard let a = AddressSelector(parsing: v) else { continue }
      var c = Case(label: "mac \(v)", filter: "eth.addr == \(v)") { r in
        r["eth.src"]?.contains(v) == true || r["eth.dst"]?.contains(v) == true
      }
      c.addresses = [a]
      out.append(c)
    }
    for v in Set(values("mstp.src") + values("mstp.dst")).sorted().prefix(limit) {
      guard let a = AddressSelector(parsing: v) else { continue }
      var c = Case(label: "station \(v)", filter: "mstp.src == \(v) || mstp.dst == \(v)") { r in
        r["mstp.src"]?.contains(v) == true || r["mstp.dst"]?.contains(v) == true
      }
      c.addresses = [a]
      out.append(c)
    }
    return out
  }

  /// Transactions rebuilt from tshark's fields: frame → transaction number.
  static func transactions(_ rows: [Int: Row]) -> [Int: Int] {
    var current: [String: Int] = [:]
    var out: [Int: Int] = [:]
    var next = 0
    for (frame, r) in rows.sorted(by: { $0.key < $1.key }) {
      guard let invoke = r["bacapp.invoke_id"]?.first, let type = r["bacapp.type"]?.first else { continue }
      func end(_ side: String) -> String {
        if let ip = r["ip.\(side)"]?.first ?? r["ipv6.\(side)"]?.first {
          return ip + ":" + (r[side == "src" ? "udp.srcport" : "udp.dstport"]?.first ?? "")
        }
        return r["mstp.\(side)"]?.first.map { "mstp" + $0 } ?? r["eth.\(side)"]?.first ?? "?"
      }
      // Oriented client → server: the request, a client's SegmentACK or Abort go one way, everything else back.
      let fromClient = type == "0" || ((type == "4" || type == "7") && r["bacapp.SRV"]?.first == "0")
      let key = (fromClient ? end("src") + ">" + end("dst") : end("dst") + ">" + end("src")) + "#" + invoke
      let laterSegment = (r["bacapp.sequence_number"]?.first).flatMap(Int.init).map { $0 != 0 } ?? false
      if type == "0" && !laterSegment || current[key] == nil {
        next += 1
        current[key] = next
      }
      out[frame] = current[key]
    }
    return out
  }

  struct Decoded {
    var packets: [DecodedPacket] = []
  }

  static func decode(_ path: String, _ ports: [Int]) throws -> [DecodedPacket] {
    var reader = try CaptureReader(path: path)
    var set = PortSet.bacnet
    for p in ports { set.formUnion(try PortSet(parsing: String(p))) }
    var pipeline = BACnetPipeline(configuration: .init(ports: set, heuristic: false))
    var out: [DecodedPacket] = []
    while let record = try reader.next() {
      if case .packet(let p) = record { out.append(pipeline.decode(p)) }
    }
    return out
  }

  static func crcFailed(_ d: DecodedPacket) -> Bool {
    guard d.carrier == .mstp, let f = d.mstp?.frame else { return false }
    return !f.crcOK
  }

  @Test("content selection keeps what tshark's display filters keep, plus whole transactions",
        .enabled(if: tshark != nil, "/usr/bin/tshark is not installed"))
  func agreement() throws {
    var compared = 0, displayFilterRuns = 0, packetsCompared = 0, transactionExtras = 0, fragmentExtras = 0
    var deliberate: [String: Int] = [:]
    var mismatches: [String] = []
    var captureIndex = 0
    var kindsRun = Set<String>()
    for (path, ports) in Self.captures {
      let name = (path as NSString).lastPathComponent
      let rows = try Self.rows(path, ports)
      let decoded = try Self.decode(path, ports)
      #expect(decoded.count == rows.count, "\(name): \(decoded.count) packets, tshark \(rows.count)")
      let tx = Self.transactions(rows)
      var members: [Int: [Int]] = [:]
      for (f, t) in tx { members[t, default: []].append(f) }
      let cases = Self.cases(rows)
      // One real display filter per capture (tshark starts in about a second): the first value of a kind chosen in
      // turn, so that over the captures every kind is run.
      let kinds = cases.map { String($0.label.prefix { $0 != " " }) }
      let distinct = kinds.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
      let runKind = distinct.isEmpty ? "" : distinct[captureIndex % distinct.count]
      captureIndex += 1
      var ran = false
      for (c, kind) in zip(cases, kinds) {
        compared += 1
        let theirs = Set(rows.filter { c.tsharkMatches($0.value) }.map(\.key))
        if kind == runKind && !ran {
          ran = true
          kindsRun.insert(kind)
          displayFilterRuns += 1
          let y = try Self.displayFilter(path, ports, c.filter)
          if c.anyOccurrence {
            #expect(y.isSuperset(of: theirs), "\(name) \(c.label): -Y misses \(theirs.subtracting(y).sorted())")
            deliberate["tshark-any-occurrence", default: 0] += y.subtracting(theirs).count
          } else {
            #expect(y == theirs, "\(name) \(c.label): -Y \(y.sorted()) vs fields \(theirs.sorted())")
          }
        }
        // 1. Per packet.
        var selector = ContentSelector<Int>(criteria: c.criteria, addresses: c.addresses)
        var own = Set<Int>()
        for d in decoded {
          packetsCompared += 1
          if selector.facets(of: d).isSuperset(of: selector.required) { own.insert(d.frameNumber) }
        }
        for f in own.symmetricDifference(theirs).sorted() {
          if Self.crcFailed(decoded[f - 1]) {
            deliberate["mstp-crc-failed", default: 0] += 1
            continue
          }
          if decoded[f - 1].mstp?.frame?.hasPreamble == false {
            deliberate["mstp-no-preamble", default: 0] += 1
            continue
          }
          if mismatches.count < 30 {
            mismatches.append("\(name) \(c.label) frame \(f): ours \(own.contains(f)) tshark \(theirs.contains(f))")
          }
        }
        // 2. With transactions.
        var kept = Set<Int>()
        for d in decoded {
          switch selector.submit(d) {
          case .keep: kept.insert(d.frameNumber)
          case .drop: break
          case .hold: selector.hold(d.frameNumber)
          }
          while let f = selector.popReady() { kept.insert(f) }
        }
        selector.finish()
        while let f = selector.popReady() { kept.insert(f) }
        #expect(kept.isSuperset(of: own), "\(name) \(c.label): lost \(own.subtracting(kept).sorted())")
        let matchedTransactions = Set(own.compactMap { tx[$0] })
        for f in kept.subtracting(own).sorted() {
          if let t = tx[f], matchedTransactions.contains(t) {
            transactionExtras += 1
          } else if rows[f]?["ip.flags.mf"]?.first == "1" || rows[f]?["ip.frag_offset"].map({ $0 != ["0"] }) == true {
            fragmentExtras += 1
          } else {
            mismatches.append("\(name) \(c.label) frame \(f): kept outside any matching transaction")
          }
        }
        for t in matchedTransactions {
          let missing = (members[t] ?? []).filter { !kept.contains($0) }
          #expect(missing.isEmpty, "\(name) \(c.label): transaction \(t) \((members[t] ?? []).sorted()) half kept, missing \(missing)")
        }
      }
    }
    print("content selection vs tshark: \(compared) option values, \(packetsCompared) packet verdicts, \(displayFilterRuns) -Y runs; kept with their transaction \(transactionExtras), with their datagram \(fragmentExtras); deliberate \(deliberate)")
    for m in mismatches { print("  mismatch \(m)") }
    #expect(mismatches.isEmpty, "\(mismatches.count) disagreement(s): \(mismatches.prefix(5))")
    #expect(compared > 100)
    #expect(kindsRun.count >= 8, "display filters run for \(kindsRun.sorted()) only")
    #expect(transactionExtras > 0)
    #expect(deliberate["mstp-crc-failed", default: 0] > 0)
    #expect(deliberate["mstp-no-preamble", default: 0] > 0)
  }

  @Test("tshark's `objectType == 8 && instance_number == 101` keeps a packet naming device,29 and analog-output,101; we do not",
        .enabled(if: tshark != nil, "/usr/bin/tshark is not installed"))
  func anyOccurrenceIsNotOneObject() throws {
    let path = Self.root.deletingLastPathComponent().appendingPathComponent("shared/captures/bacnet/bacnet_services.pcap").path
    guard FileManager.default.fileExists(atPath: path) else { return }  // ../shared is absent: nothing to compare
    let theirs = try Self.displayFilter(path, [], "bacapp.objectType == 8 && bacapp.instance_number == 101")
    #expect(theirs.contains(684), "frame 684 (ReadProperty-ACK device,29 object-list with analog-output,101)")
    let decoded = try Self.decode(path, [])
    var criteria = ContentCriteria()
    criteria.devices = [101]
    let selector = ContentSelector<Int>(criteria: criteria)
    let ours = decoded.filter { selector.facets(of: $0).contains(.device) }.map(\.frameNumber)
    #expect(!ours.contains(684))
    #expect(Set(ours).isSubset(of: theirs))
    // Frame 684 names device,29 and analog-output,101: no device,101 at all.
    var names: [String] = []
    decoded[683].reassembledAPDU?.forEachObject { names.append($0.description); return false }
    decoded[683].apdu?.forEachObject { names.append($0.description); return false }
    #expect(names.contains("device,29") && names.contains("analog-output,101") && !names.contains("device,101"))
  }
}
