import Testing
import PcapKit
import BACnetDecode
@testable import BACnetAnalysis
import OptigoTestSupport

/// One fixture per finding (Fixtures/analysis, made by Scripts/gen_analysis_fixtures.py): the summary must state exactly
/// that finding, with the right status and evidence frames, and no unrelated warning.
@Suite("Finding fixtures")
struct FindingFixtureTests {
  /// Checks that the warn/fail findings are exactly `expected` ("check status [frames]"), nothing more or less.
  func exactly(_ r: SummaryReport, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(SummarySupport.nonOK(r) == expected.sorted(), sourceLocation: sourceLocation)
  }

  @Test func whoIsStorm() throws {
    let r = SummarySupport.fixture("who_is_storm.pcap")
    let f = try #require(r.finding("discovery.who_is_storm"))
    #expect(f.status == .fail)
    #expect(f.frames == Array(2...11))
    #expect(f.frameCount == 60)
    #expect(f.message.contains("60 Who-Is in one 1000 ms window"))
    #expect(f.threshold.map(\.0) == ["who_is_window_ms", "who_is_storm_warn", "who_is_storm_fail"])
    exactly(r, ["discovery.who_is_storm fail [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"])
    let d = try #require(r.section("discovery"))
    let src = try #require(SummarySupport.rows(d.tables[0]).first)
    #expect(src["source"] == .string("0:10.0.0.50:47808"))
    #expect(src["who_is"] == .int(60))
    #expect(src["global"] == .int(60))
  }

  @Test func whoIsStormThresholdsAreConfigurable() throws {
    var c = SummaryConfiguration()
    try c.set("who_is_storm_warn=100")
    try c.set("who_is_storm_fail=200")
    let r = SummarySupport.fixture("who_is_storm.pcap", configuration: c)
    #expect(r.finding("discovery.who_is_storm")?.status == .ok)
    #expect(throws: SummaryThresholds.InvalidThreshold.self) { try c.set("no_such=1") }
    #expect(throws: SummaryThresholds.InvalidThreshold.self) { try c.set("apdu_timeout_ms=-3") }
  }

  @Test func duplicateInstanceBehindTwoRouters() throws {
    let r = SummarySupport.fixture("duplicate_instance.pcap")
    let f = try #require(r.finding("duplicates.device_instance"))
    #expect(f.status == .fail)
    #expect(f.frames == [3, 4])
    #expect(f.message.contains("instance 1234"))
    #expect(f.message.contains("via router 10.0.0.1:47808"))
    #expect(f.message.contains("via router 10.0.0.2:47808"))
    exactly(r, ["duplicates.device_instance fail [3, 4]"])
    let devices = SummarySupport.rows(r.devices).filter { $0["instance"] == .int(1234) }
    #expect(devices.count == 2)
    #expect(Set(devices.compactMap { $0["network"] }) == [.int(10), .int(20)])
    let routers = try #require(r.section("networks")?.tables.first { $0.key == "routers" })
    #expect(routers.rows.count == 2)
  }

  @Test func bbmdForwardedIAm() throws {
    let r = SummarySupport.fixture("bbmd_forwarded_iam.pcap")
    let f = try #require(r.finding("bbmd.forwarded_npdu"))
    #expect(f.status == .ok)
    #expect(f.frames == [1])
    exactly(r, [])
    let rows = SummarySupport.rows(r.devices)
    let dev = try #require(rows.first { $0["instance"] == .int(555) })
    #expect(dev["mac"] == .string("192.168.5.20:47808"))
    #expect(dev["bbmd"] == .string("10.0.0.1:47808"))
    #expect(dev["vendor_id"] == .int(5))
    // The BBMD's own address never becomes a device.
    #expect(!rows.contains { $0["mac"] == .string("10.0.0.1:47808") })
  }

  @Test func unansweredRequest() throws {
    let r = SummarySupport.fixture("unanswered_request.pcap")
    let f = try #require(r.finding("requests.unanswered"))
    #expect(f.status == .fail)
    #expect(f.frames == [1])
    #expect(f.message.hasPrefix("1 of 2 confirmed request(s)"))
    exactly(r, ["requests.unanswered fail [1]"])
    let byServer = try #require(r.section("requests")?.tables.first { $0.key == "by_server" })
    let row = try #require(SummarySupport.rows(byServer).first)
    #expect(row["unanswered"] == .int(1))
    #expect(row["responses"] == .int(1))
    #expect(row["max_ms"] == .double(50))
    // With a longer timeout the request is still pending at the end: not unanswered.
    var c = SummaryConfiguration()
    try c.set("apdu_timeout_ms=10000")
    #expect(SummarySupport.fixture("unanswered_request.pcap", configuration: c).finding("requests.unanswered")?.status == .ok)
  }

  @Test func retriedRequest() throws {
    let r = SummarySupport.fixture("retried_request.pcap")
    let f = try #require(r.finding("requests.retries"))
    #expect(f.status == .warn)
    #expect(f.frames == [2])
    #expect(r.finding("requests.unanswered")?.status == .ok)
    exactly(r, ["requests.retries warn [2]"])
  }

  @Test func segmentedResponse() throws {
    let r = SummarySupport.fixture("segmented_response.pcap")
    let f = try #require(r.finding("requests.segmentation"))
    #expect(f.status == .ok)
    #expect(f.frames == [2, 4])
    #expect(f.message.hasPrefix("2 segmented message(s), 2 Segment-ACK(s), 0 NAK(s)"))
    exactly(r, [])
    let facts = Dictionary(uniqueKeysWithValues: try #require(r.section("requests")).facts.map { ($0.0, $0.1) })
    #expect(facts["requests"] == .int(1))
    #expect(facts["responses"] == .int(1))
    #expect(facts["incomplete_segmented"] == .int(0))
  }

  @Test func mstpLostTokenAndBadCRC() throws {
    let r = SummarySupport.fixture("mstp_ring.pcap")
    let crc = try #require(r.finding("mstp.crc_errors"))
    #expect(crc.status == .fail)
    #expect(crc.frames == [8])
    #expect(crc.message.contains("station 2: 1 data CRC"))
    let lost = try #require(r.finding("mstp.lost_token"))
    #expect(lost.status == .fail)
    #expect(lost.frames == [14])
    #expect(r.finding("mstp.token_retries")?.status == .ok)
    #expect(r.finding("duplicates.mstp_mac")?.status == .ok)
    // The silence stretches the round trip of the next tokens (870 ms): warn, not fail.
    #expect(r.finding("mstp.token_rtt")?.status == .warn)
    exactly(r, ["mstp.crc_errors fail [8]", "mstp.lost_token fail [14]", "mstp.token_rtt warn [16, 17, 18]"])
    let m = try #require(r.section("mstp"))
    let facts = Dictionary(uniqueKeysWithValues: m.facts.map { ($0.0, $0.1) })
    #expect(facts["token_order"] == .array([.int(1), .int(2), .int(3), .int(1)]))
    let stations = SummarySupport.rows(m.tables[0])
    #expect(stations.count == 3)
    #expect(stations.first { $0["mac"] == .int(1) }?["highest_pfm"] == .int(5))
    #expect(stations.allSatisfy { $0["role"] == .string("master") })
  }

  @Test func mstpTokenRetryAndSlowSlave() throws {
    let r = SummarySupport.fixture("mstp_retry_slow_slave.pcap")
    let retry = try #require(r.finding("mstp.token_retries"))
    #expect(retry.status == .warn)
    #expect(retry.frames == [3])
    let slow = try #require(r.finding("mstp.reply_latency"))
    #expect(slow.status == .fail)
    #expect(slow.frames == [6])
    #expect(r.finding("requests.unanswered")?.status == .ok)
    // The slow slave held the token: both masters see a 330 ms round trip (frames 7, 8).
    exactly(r, ["mstp.token_retries warn [3]", "mstp.reply_latency fail [6]", "mstp.token_rtt warn [7, 8]"])
    let stations = SummarySupport.rows(try #require(r.section("mstp")).tables[0])
    #expect(stations.first { $0["mac"] == .int(9) }?["role"] == .string("slave"))
    #expect(stations.first { $0["mac"] == .int(9) }?["data_not_expecting_reply"] == .int(1))
    #expect(stations.first { $0["mac"] == .int(1) }?["max_info_frames"] == .int(1))
    // The request over MS/TP is paired too: 300 ms.
    let byService = try #require(r.section("requests")?.tables.first { $0.key == "by_service" })
    #expect(SummarySupport.rows(byService).first?["max_ms"] == .double(300))
  }

  @Test func duplicateBBMD() throws {
    let r = SummarySupport.fixture("duplicate_bbmd.pcap")
    let f = try #require(r.finding("bbmd.duplicate"))
    #expect(f.status == .warn)
    #expect(f.frames == [2])  // frame 4 repeats the Who-Is 3 s later through the same BBMD: a new broadcast
    #expect(f.frameCount == 1)
    #expect(f.message.contains("10.0.0.1:47808 and 10.0.0.2:47808"))
    #expect(f.threshold.map(\.0) == ["bbmd_duplicate_window_ms"])
    exactly(r, ["bbmd.duplicate warn [2]"])
    let facts = Dictionary(uniqueKeysWithValues: try #require(r.section("networks")).facts.map { ($0.0, $0.1) })
    #expect(facts["forwarded_npdus"] == .int(4) && facts["duplicate_forwards"] == .int(1))
    // With a window shorter than the 2 ms between the copies, they are two broadcasts.
    var c = SummaryConfiguration()
    try c.set("bbmd_duplicate_window_ms=1")
    #expect(SummarySupport.fixture("duplicate_bbmd.pcap", configuration: c).finding("bbmd.duplicate")?.status == .ok)
    // A single BBMD forwarding a broadcast is fine.
    #expect(SummarySupport.fixture("bbmd_forwarded_iam.pcap").finding("bbmd.duplicate")?.status == .ok)
  }

  @Test func maxAPDUMismatch() throws {
    let r = SummarySupport.fixture("max_apdu_mismatch.pcap")
    let f = try #require(r.finding("requests.max_apdu"))
    #expect(f.status == .warn)
    #expect(f.frames == [2, 5, 7])
    #expect(f.frameCount == 3)
    #expect(f.message.hasPrefix("1 request(s) larger than the server's I-Am max APDU, 1 unsegmented response(s) larger than the client's max APDU accepted, 1 segmented response(s)"))
    exactly(r, ["requests.max_apdu warn [2, 5, 7]"])
    let facts = Dictionary(uniqueKeysWithValues: try #require(r.section("requests")).facts.map { ($0.0, $0.1) })
    #expect(facts["oversized_requests"] == .int(1) && facts["oversized_responses"] == .int(1))
    #expect(facts["unaccepted_segmentation"] == .int(1) && facts["responses"] == .int(3))
    // The RPM of the segmentation fixture accepts segmented responses: nothing to report there.
    #expect(SummarySupport.fixture("segmented_response.pcap").finding("requests.max_apdu")?.status == .ok)
  }

  @Test func writesAndDeviceManagement() throws {
    let r = SummarySupport.fixture("writes_and_control.pcap")
    let dcc = try #require(r.finding("operations.communication_control"))
    #expect(dcc.status == .warn && dcc.frames == [7])
    let reinit = try #require(r.finding("operations.reinitialize"))
    #expect(reinit.status == .warn && reinit.frames == [9])
    exactly(r, ["operations.communication_control warn [7]", "operations.reinitialize warn [9]"])
    #expect(r.finding("requests.unanswered")?.status == .ok)
    let ops = try #require(r.section("operations"))
    let facts = Dictionary(uniqueKeysWithValues: ops.facts.map { ($0.0, $0.1) })
    #expect(facts["write_property_requests"] == .int(2) && facts["write_property_multiple_requests"] == .int(1))
    #expect(facts["values_written"] == .int(4) && facts["relinquishes"] == .int(1) && facts["time_synchronizations"] == .int(2))
    let writes = SummarySupport.rows(try #require(ops.tables.first { $0.key == "writes" }))
    #expect(writes.count == 3)
    let pv1 = try #require(writes.first { $0["object"] == .string("analog-value,1") })
    #expect(pv1["writes"] == .int(2) && pv1["relinquishes"] == .int(1) && pv1["last_value"] == .string("NULL"))
    #expect(pv1["last_priority"] == .int(8) && pv1["first_frame"] == .int(1) && pv1["last_frame"] == .int(3))
    #expect(pv1["client"] == .string("0:10.0.0.9:47808") && pv1["server"] == .string("0:10.0.0.20:47808"))
    let name = try #require(writes.first { $0["property"] == .string("description") })
    #expect(name["last_value"] == .string("\"AHU-3 supply\"") && name["last_priority"] == .null)
    #expect(writes.contains { $0["object"] == .string("analog-value,2") && $0["last_value"] == .string("1.0") && $0["last_priority"] == .int(9) })
    let control = SummarySupport.rows(try #require(ops.tables.first { $0.key == "device_management" }))
    #expect(control.map { $0["frame"] } == [.int(7), .int(9)])
    #expect(control.first?["detail"] == .string("disable 10 min, password given"))
    #expect(control.last?["detail"] == .string("warmstart"))
    let sync = SummarySupport.rows(try #require(ops.tables.first { $0.key == "time_sync" }))
    #expect(sync.map { $0["kind"] } == [.string("local"), .string("utc")])
    #expect(sync.allSatisfy { $0["last_offset_s"] == .double(2.5) })
  }

  @Test("BACnet dates and times to seconds since the epoch; wildcards give none")
  func epochSeconds() {
    func s(_ y: Int, _ m: UInt8, _ d: UInt8, _ h: UInt8 = 0, _ mi: UInt8 = 0, _ se: UInt8 = 0, _ hu: UInt8 = 0) -> Double? {
      OperationsAnalyzer.epochSeconds(BACnetDate(yearMinus1900: UInt8(y - 1900), month: m, day: d, weekday: 255),
                                      BACnetTime(hour: h, minute: mi, second: se, hundredths: hu))
    }
    #expect(s(1970, 1, 1) == 0)
    #expect(s(2023, 11, 14, 22, 13, 20) == 1_700_000_000)
    #expect(s(2000, 2, 29, 12) == 951_825_600)
    #expect(s(1900, 1, 1) == -2_208_988_800)
    #expect(s(2154, 12, 31, 23, 59, 59, 50) == 5_838_047_999.5)  // the last year a BACnetDate can hold
    #expect(OperationsAnalyzer.epochSeconds(BACnetDate(yearMinus1900: 255, month: 1, day: 1, weekday: 1),
                                            BACnetTime(hour: 0, minute: 0, second: 0, hundredths: 0)) == nil)
    #expect(s(2023, 13, 1) == nil && s(2023, 1, 32) == nil && s(2023, 1, 1, 255) == nil)
  }

  /// A first IP fragment held for reassembly (frame 24 of the sample, completed at frame 25) declares a UDP length
  /// beyond its own bytes; that is fragmentation, not a truncated frame.
  @Test func heldFragmentIsNotTruncated() throws {
    let path = SummarySupport.packageRoot.appendingPathComponent("Fixtures/bacnet-ip/sample.pcap").path
    let r = SummarySupport.summarize(path)
    let f = try #require(r.finding("decode.truncated"))
    #expect(!f.frames.contains(24))
    #expect(f.status == .ok, "\(f.message) \(f.frames)")
    // Frame 24 itself: its walk says the payload is short, but as a held fragment it is not truncated; the same
    // frame, had it not been reassembled, would count.
    var reader = try CaptureReader(path: path)
    var pipeline = BACnetPipeline()
    var frame24: DecodedPacket?
    while let p = try reader.nextPacket() {
      let d = pipeline.decode(p)
      if d.frameNumber == 24 { frame24 = d }
    }
    var d = try #require(frame24)
    #expect(d.fragment == .held && d.link.layers.payloadTruncated)
    #expect(!AnalysisPacket(d).truncated)
    d.fragment = .notReassembled
    #expect(AnalysisPacket(d).truncated)
  }
}
