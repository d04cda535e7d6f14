import Foundation
import Testing
import PcapKit
import BACnetDecode
@testable import BACnetAnalysis
import OptigoTestSupport

/// Issue 13: evidence quality, the identity model, BACnet/IPv6, "nothing seen", human units. Each fixture states
/// all of its warn/fail findings, frames included, and nothing else.
@Suite("Trustworthy findings")
struct TrustworthyFindingsTests {
  func exactly(_ r: SummaryReport, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(SummarySupport.nonOK(r) == expected.sorted(), sourceLocation: sourceLocation)
  }

  func device(_ r: SummaryReport, mac: String) -> [String: ReportValue]? {
    SummarySupport.rows(r.devices).first { $0["mac"] == .string(mac) }
  }

  @Test("A noisy MS/TP ring: bad CRCs are line errors only; the retry they cause is found")
  func noisyRing() throws {
    let r = SummarySupport.fixture("mstp_noisy_ring.pcap")
    exactly(r, ["mstp.crc_errors fail [5, 9, 11]", "mstp.token_retries warn [7]", "requests.retries warn [321]"])
    // Frame 9's corrupted I-Am reads 1002, station 2's instance: trusted, it would be a duplicate.
    #expect(r.finding("duplicates.device_instance")?.status == .ok)
    #expect(device(r, mac: "1")?["instance"] == .null)
    // Frame 5's corrupted answer is no answer: the request is answered by frame 322, 20 ms after its retry.
    let requests = SummarySupport.facts(r, "requests")
    #expect(requests["requests"] == .int(1) && requests["responses"] == .int(1) && requests["max_ms"] == .double(20))
    #expect(SummarySupport.facts(r, "decode_quality")["damaged_frames"] == .int(3))
    #expect(SummarySupport.facts(r, "decode_quality")["damaged_frame_numbers"] == .ints([5, 9, 11]))
    let crc = try #require(r.finding("mstp.crc_errors"))
    #expect(crc.message.contains("station 1: 1 data CRC") && crc.message.contains("station 9: 1 data CRC"))
    #expect(crc.message.contains("1 header CRC"))
    // The intact answer names slave 9's device.
    let slave = try #require(device(r, mac: "9"))
    #expect(slave["instance"] == .int(9) && slave["instance_source"] == .string("ReadProperty"))
    #expect(slave["object_name"] == .string("VAV-9"))
    #expect(r.notices.contains { $0.hasPrefix("3 damaged frame(s)") })
  }

  @Test("One router with three ports, seen by IP and by MAC, a device seen directly and routed: no duplicates")
  func multiportRouter() throws {
    let r = SummarySupport.fixture("router_multiport.pcap")
    exactly(r, [])
    #expect(r.finding("duplicates.network_number")?.status == .ok)
    #expect(r.finding("duplicates.device_instance")?.status == .ok)
    let routers = SummarySupport.rows(try #require(r.section("networks")?.tables.first { $0.key == "routers" }))
    #expect(routers.count == 1)
    #expect(routers.first?["ports"] == .strings(["10.0.0.1:47808", "10.0.1.1:47808", "02:00:0a:00:00:01"]))
    #expect(routers.first?["announced_networks"] == .ints([1, 2, 3]))
    #expect(device(r, mac: "10.0.0.1:47808")?["same_device_as"] == .strings(["0:02:00:0a:00:00:01"]))
    let routed = try #require(device(r, mac: "0a000014bac0"))
    #expect(routed["network"] == .int(1) && routed["instance"] == .int(200))
    #expect(routed["mac_kind"] == .string("6 octets: B/IP or Ethernet (ambiguous)"))
    #expect(routed["same_device_as"] == .strings(["0:10.0.0.20:47808"]))
    // The two routers of duplicate_instance.pcap are two boxes: their devices stay duplicates.
    #expect(SummarySupport.fixture("duplicate_instance.pcap").finding("duplicates.device_instance")?.status == .fail)
  }

  @Test("Instance 4194303 is its own finding, never a duplicate")
  func wildcardInstance() {
    let r = SummarySupport.fixture("wildcard_instance.pcap")
    exactly(r, ["devices.unconfigured_instance warn [1, 2]"])
    #expect(r.finding("devices.unconfigured_instance")?.message.contains("0:10.0.0.31:47808, 0:10.0.0.32:47808") == true)
    #expect(r.finding("duplicates.device_instance")?.status == .ok)
  }

  @Test("BACnet/IPv6: addresses everywhere, the Register-Foreign-Device NAK fails bbmd.bvlc_nak")
  func ipv6() throws {
    let r = SummarySupport.fixture("bacnet_ipv6_fd_nak.pcap")
    exactly(r, ["bbmd.bvlc_nak warn [2]"])
    let net = try #require(r.section("networks"))
    let bbmds = SummarySupport.rows(try #require(net.tables.first { $0.key == "bbmds" }))
    #expect(bbmds.map { $0["bbmd"] } == [.string("2001:db8::1")] && bbmds.first?["naks"] == .int(1))
    let fds = SummarySupport.rows(try #require(net.tables.first { $0.key == "foreign_devices" }))
    #expect(fds.first?["device"] == .string("2001:db8::20") && fds.first?["ttl_s"] == .int(60))
    let talkers = SummarySupport.rows(try #require(r.section("traffic")?.tables.first { $0.key == "top_talkers" }))
    #expect(Set(talkers.compactMap { $0["host"] }) == [.string("2001:db8::20"), .string("2001:db8::30"), .string("2001:db8::1")])
    let dev = try #require(device(r, mac: "000030"))
    #expect(dev["instance"] == .int(3030) && dev["mac_kind"] == .string("B/IPv6 VMAC"))
    #expect(dev["addresses"] == .strings(["000030", "2001:db8::30"]) && dev["object_name"] == .string("Boiler plant"))
    #expect(!r.json.json.contains("ipv6#"))
    #expect(r.text.contains("2001:db8::1"))
  }

  @Test("BACnet/IP on UDP 40000: the report says so first, the checks are n/a; --add-ports decodes it")
  func nonStandardPort() throws {
    let r = SummarySupport.fixture("bacnet_ip_port_40000.pcap")
    exactly(r, [])
    #expect(r.notices.count == 2)
    #expect(r.notices.first?.hasPrefix("No BACnet decoded") == true)
    #expect(r.notices.contains("5 packet(s) on UDP 40000 look like BACnet/IP: re-run with --add-ports 40000 to decode them."))
    #expect(r.findings.filter { $0.status != .notApplicable }.map(\.check) == ["decode.truncated"])
    #expect(r.text.hasPrefix("\n== Notices"))
    var ports = PortSet.bacnet
    ports.insert(40000)
    let added = SummarySupport.fixture("bacnet_ip_port_40000.pcap", pipeline: .init(ports: ports))
    #expect(added.notices.isEmpty)
    exactly(added, [])
    #expect(added.finding("requests.unanswered")?.status == .ok)
    #expect(SummarySupport.rows(added.devices).compactMap { $0["instance"]?.intValue }.sorted() == [20, 21])
    let heuristic = SummarySupport.fixture("bacnet_ip_port_40000.pcap", pipeline: .init(heuristic: true))
    #expect(heuristic.notices.isEmpty && SummarySupport.facts(heuristic, "requests")["responses"] == .int(1))
  }

  @Test("A workstation polling from ephemeral ports is one host, not a device per port")
  func ephemeralPorts() throws {
    let r = SummarySupport.fixture("ephemeral_workstation.pcap")
    exactly(r, [])
    #expect(r.devices.rows.count == 3)
    let ws = try #require(device(r, mac: "10.0.0.9"))
    #expect(ws["mac_kind"] == .string("IPv4 host") && ws["packets_out"] == .int(6))
    let requests = SummarySupport.facts(r, "requests")
    #expect(requests["requests"] == .int(6) && requests["responses"] == .int(6) && requests["unmatched_responses"] == .int(0))
  }

  @Test("Names, model, vendor, firmware and location come from ReadPropertyMultiple replies")
  func rpmNames() throws {
    let r = SummarySupport.fixture("rpm_names.pcap")
    exactly(r, [])
    let d = try #require(device(r, mac: "10.0.0.77:47808"))
    #expect(d["instance"] == .int(77) && d["instance_source"] == .string("ReadProperty"))
    #expect(d["object_name"] == .string("AHU-1 Controller") && d["model_name"] == .string("OWS-500"))
    #expect(d["reported_vendor_name"] == .string("Acme Controls") && d["firmware_revision"] == .string("4.2.1"))
    #expect(d["application_software_version"] == .string("1.0") && d["location"] == .string("Mech room 2"))
    #expect(r.text(TextOptions(width: nil)).contains("AHU-1 Controller"))
  }

  /// Every fixture, and the shared captures when present.
  static func corpus() -> [(String, String)] {
    var out = SummarySupport.fixtureNames.map { ($0, SummarySupport.fixtures.appendingPathComponent($0).path) }
    if let c = SummarySupport.captures {
      for u in SummarySupport.files(under: c.appendingPathComponent("bacnet"), extensions: ["pcap"]) { out.append((u.lastPathComponent, u.path)) }
    }
    return out
  }

  /// Frames failing an integrity check, found independently of the analyzers: MS/TP CRCs from the frame decode,
  /// truncated or malformed BACnet from the decoder's diagnostics.
  static func damagedFrames(_ path: String) throws -> Set<Int> {
    var reader = try CaptureReader(path: path)
    var pipeline = BACnetPipeline()
    var out = Set<Int>()
    let bad: Set<BACnetDiagnostic.Code> = [.truncated, .tagMalformed, .tagLengthOverrun, .tagUnmatchedClosing, .tagMissingClosing,
                                           .tagDepthExceeded, .tagInvalidValue, .serviceMalformed, .mstpHeaderCRC, .mstpDataCRC, .mstpCRC32K]
    while let p = try reader.nextPacket() {
      let d = pipeline.decode(p)
      if let f = d.mstp?.frame, !f.headerCRCOK || f.dataCRCOK == false || f.crc32KOK == false { out.insert(d.frameNumber) }
      if d.isBACnet, d.diagnostics.contains(where: { bad.contains($0.code) && $0.layer != .link }) { out.insert(d.frameNumber) }
    }
    return out
  }

  @Test("No finding rests on a frame that failed an integrity check (fixtures and shared captures, from the JSON)")
  func noFindingOnDamagedFrames() throws {
    var damagedSeen = 0
    for (name, path) in Self.corpus() {
      let damaged = try Self.damagedFrames(path)
      damagedSeen += damaged.count
      let r = SummarySupport.summarize(path, name: name)
      let json = try #require(try JSONSerialization.jsonObject(with: Data(r.json.json.utf8)) as? [String: Any])
      let findings = try #require(json["findings"] as? [[String: Any]])
      for f in findings {
        let check = try #require(f["check"] as? String)
        // The integrity checks themselves point at the damaged frames.
        if check.hasPrefix("decode.") || check == "mstp.crc_errors" { continue }
        let frames = Set(try #require(f["frames"] as? [Int]))
        #expect(frames.isDisjoint(with: damaged), "\(name): \(check) rests on damaged frame(s) \(frames.intersection(damaged).sorted())")
      }
      let quality = try #require(json["decode_quality"] as? [String: Any])
      #expect(quality["damaged_frames"] as? Int == damaged.count, "\(name)")
    }
    #expect(damagedSeen >= 4, "the corpus must hold damaged frames for this test to mean anything")
  }

  @Test("Request counts add up: requests = responses + unanswered + pending at end + superseded")
  func requestCountsAddUp() {
    for (name, path) in Self.corpus() {
      let f = SummarySupport.facts(SummarySupport.summarize(path, name: name), "requests")
      let sum = [f["responses"], f["unanswered"], f["pending_at_end"], f["superseded"]].compactMap { $0?.intValue }.reduce(0, +)
      #expect(f["requests"]?.intValue == sum, "\(name): \(f["requests"]?.intValue ?? -1) requests")
    }
  }

  @Test("Every fixture's text report fits 120 columns; --wide does not wrap")
  func textFits120Columns() {
    for name in SummarySupport.fixtureNames {
      let text = SummarySupport.fixture(name).text(TextOptions())
      let long: [String] = text.split(separator: "\n").filter { $0.count > 120 }.map { String($0) }
      let first = long.first ?? ""
      #expect(long.isEmpty, "\(name): \(first)")
    }
    let wide = SummarySupport.fixture("mstp_noisy_ring.pcap").text(TextOptions(width: nil))
    #expect(wide.split(separator: "\n").contains { $0.count > 120 })
  }

  /// Golden file: `Fixtures/analysis/mstp_noisy_ring.txt` (regenerate with OPTIGO_UPDATE_GOLDEN=1).
  @Test func goldenTextReport() throws {
    let golden = SummarySupport.fixtures.appendingPathComponent("mstp_noisy_ring.txt")
    let text = SummarySupport.fixture("mstp_noisy_ring.pcap").text(TextOptions())
    if ProcessInfo.processInfo.environment["OPTIGO_UPDATE_GOLDEN"] == "1" {
      try Data(text.utf8).write(to: golden)
    }
    let expected = try String(contentsOf: golden, encoding: .utf8)
    #expect(text == expected)
  }

  @Test("Checks with nothing to judge are n/a, not ok")
  func notApplicable() {
    let r = SummarySupport.fixture("mstp_ring.pcap")
    #expect(r.finding("requests.unanswered")?.status == .notApplicable)
    #expect(r.finding("requests.unanswered")?.message == "n/a: no intact BACnet message")
    #expect(r.finding("mstp.crc_errors")?.status == .fail)
    let w = SummarySupport.fixture("who_is_storm.pcap")
    #expect(w.finding("requests.unanswered")?.status == .notApplicable)
    #expect(w.finding("duplicates.device_instance")?.status == .ok)
    #expect(w.finding("duplicates.network_number")?.message == "n/a: no I-Am-Router-To-Network seen")
    #expect(FindingStatus.notApplicable < .ok && FindingStatus.ok < .warn)
  }

  @Test("Human units: ISO 8601 times, d hh:mm:ss.mmm durations, grouped counts, words never cut")
  func humanUnits() {
    #expect(HumanUnits.iso8601(1_700_000_000_000_000_000) == "2023-11-14T22:13:20.000")
    #expect(HumanUnits.iso8601(0) == "1970-01-01T00:00:00.000")
    #expect(HumanUnits.iso8601(951_825_600_123_000_000) == "2000-02-29T12:00:00.123")
    #expect(HumanUnits.iso8601(-1_000_000) == "1969-12-31T23:59:59.999")
    #expect(HumanUnits.iso8601(-1) == "1969-12-31T23:59:59.999")
    #expect(HumanUnits.iso8601(.min) == "1677-09-21T00:12:43.145" && !HumanUnits.iso8601(.max).isEmpty && !HumanUnits.duration(.min).isEmpty)
    #expect(TextOptions().time(1_700_000_000_000_000_000) == "2023-11-14T22:13:20.000Z")
    #expect(TextOptions(utcOffset: { _ in 3600 }).time(1_700_000_000_000_000_000) == "2023-11-14T23:13:20.000+01:00")
    #expect(TextOptions(utcOffset: { _ in -16200 }).time(1_700_000_000_000_000_000) == "2023-11-14T17:43:20.000-04:30")
    #expect(HumanUnits.duration(((2 * 86_400 + 3 * 3600 + 14 * 60 + 5) * 1000 + 120) * 1_000_000) == "2 d 03:14:05.120")
    #expect(HumanUnits.duration(985_000_000) == "00:00:00.985")
    #expect(HumanUnits.grouped(7049) == "7,049" && HumanUnits.grouped(1_234_567) == "1,234,567" && HumanUnits.grouped(12) == "12")
    #expect(HumanUnits.wrap("one two three four", 9) == ["one two", "three", "four"])
    #expect(HumanUnits.wrap("unbreakable-word here", 5) == ["unbreakable-word", "here"])
    // A table too narrow for its longest words prints one block per row.
    var t = ReportTable(key: "t", title: "T", columns: [("a", "Alpha"), ("b", "Beta")])
    t.rows = [[.string(String(repeating: "x", count: 30)), .string(String(repeating: "y", count: 30))]]
    let text = t.text(TextOptions(width: 40))
    #expect(text.contains("  Alpha: " + String(repeating: "x", count: 30)))
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 40 })
  }

  @Test("Rates need a long enough window; counts stay exact")
  func ratesNeedAWindow() {
    let r = SummarySupport.fixture("who_is_storm.pcap")
    #expect(SummarySupport.facts(r, "traffic")["packets_per_second"] == .null)
    let sources = SummarySupport.rows(r.section("discovery")!.tables[0])
    #expect(sources.first?["who_is_per_minute"] == .null && sources.first?["who_is"] == .int(60))
    var c = SummaryConfiguration()
    try? c.set("rate_min_window_s=0.5")
    let short = SummarySupport.fixture("who_is_storm.pcap", configuration: c)
    #expect(SummarySupport.facts(short, "traffic")["packets_per_second"] != .null)
  }
}

extension ReportValue {
  var intValue: Int? { if case .int(let v) = self { Int(v) } else { nil } }
}

@Suite("README summarize sample")
struct ReadmeSampleTests {
  /// The README's sample output fits 120 columns and is what the tool prints (every line but the file name, which
  /// the README gives as the command line's path, is in the golden report).
  @Test func sampleIsTrueAndFits() throws {
    let readme = try String(contentsOf: SummarySupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let parts = readme.components(separatedBy: "```text\n")
    #expect(parts.count == 2)
    let sample = try #require(parts.last?.components(separatedBy: "\n```").first)
    let golden = try String(contentsOf: SummarySupport.fixtures.appendingPathComponent("mstp_noisy_ring.txt"), encoding: .utf8)
    let lines = sample.components(separatedBy: "\n")
    #expect(lines.count > 20)
    for line in lines {
      #expect(line.count <= 120, "\(line)")
      if !line.hasPrefix("File:") { #expect(golden.contains(line + "\n"), "not in the report: \(line)") }
    }
  }
}
