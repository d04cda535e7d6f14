import Testing
import PcapKit
import BACnetDecode
@testable import BACnetAnalysis
import OptigoTestSupport

/// Frames built in memory: Ethernet + IPv4 + UDP 47808 + the given BVLL.
enum FrameBuilder {
  static func udp(src: UInt32, dst: UInt32, sport: UInt16 = 47808, dport: UInt16 = 47808, payload: [UInt8]) -> [UInt8] {
    var f: [UInt8] = [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]
    let total = 20 + 8 + payload.count
    f += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0]
    for a in [src, dst] { f += [UInt8(a >> 24), UInt8(a >> 16 & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a & 0xFF)] }
    let ulen = 8 + payload.count
    f += [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF), UInt8(ulen >> 8), UInt8(ulen & 0xFF), 0, 0]
    return f + payload
  }

  /// Original-Unicast-NPDU carrying a ReadProperty request (analog-input,1 present-value) with `invoke`.
  static func readProperty(invoke: UInt8) -> [UInt8] {
    let apdu: [UInt8] = [0x00, 0x05, invoke, 12, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x19, 85]
    let npdu: [UInt8] = [0x01, 0x04] + apdu
    return [0x81, 0x0A, 0, UInt8(4 + npdu.count)] + npdu
  }
}

@Suite("Analyzer building blocks")
struct AnalyzerUnitTests {
  @Test func logHistogramQuantilesAreWithinOneBucket() {
    var h = LogHistogram()
    var samples: [Int64] = []
    var x: UInt64 = 12345
    for _ in 0..<20_000 {
      x = x &* 6364136223846793005 &+ 1442695040888963407
      // Log-uniform between 1 µs and ~17 s.
      let exp = Double(x >> 40) / Double(1 << 24) * 24
      let v = Int64(1000 * Double(sign: .plus, exponent: 0, significand: 1) * LogHistogram.pow2(exp))
      samples.append(v)
      h.add(v)
    }
    samples.sort()
    #expect(h.count == samples.count)
    #expect(h.min == samples.first)
    #expect(h.max == samples.last)
    let exactMean = samples.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
    #expect(abs(h.mean - exactMean) / exactMean < 1e-9)
    for q in [0.5, 0.9, 0.95, 0.99] {
      let exact = Double(samples[Int((q * Double(samples.count)).rounded(.up)) - 1])
      let est = Double(h.quantile(q))
      #expect(est >= exact * 0.999 && est <= exact * 1.091, "q\(q): \(est) vs \(exact)")
    }
    var empty = LogHistogram()
    #expect(empty.quantile(0.95) == 0)
    empty.merge(h)
    #expect(empty.quantile(0.95) == h.quantile(0.95))
  }

  @Test func evidenceIsBounded() {
    var e = Evidence(limit: 3)
    for f in 1...100 { e.note(f) }
    #expect(e.frames == [1, 2, 3])
    #expect(e.count == 100)
    e.withdraw(2)
    #expect(e.frames == [1, 3])
    #expect(e.count == 99)
  }

  @Test func addressText() {
    #expect(AddressKey.bip(ipv4: 0xC0A8_010A, port: 47808).description == "0:192.168.1.10:47808")
    #expect(AddressKey.mstp(5, network: 12).description == "12:5")
    #expect(AddressKey.packing([0x0A, 0x0B, 0x0C], network: 3).description == "3:0a0b0c")
    #expect(AddressKey.packing([], network: 0xFFFF).description == "65535:*")
    let long = AddressKey.packing(ArraySlice([UInt8](1...9)), network: 1)
    #expect(long != AddressKey.packing(ArraySlice([UInt8](1...8)), network: 1))
  }

  /// Thousands of clients each sending an unanswered request: the tables stop at their caps and count the rest.
  @Test func memoryIsBoundedByCaps() {
    var c = SummaryConfiguration()
    c.maxDevices = 50
    c.maxOutstandingRequests = 100
    c.maxTableRows = 40
    var engine = SummaryEngine(configuration: c)
    var pipeline = BACnetPipeline()
    let n = 5000
    for i in 0..<n {
      let frame = FrameBuilder.udp(src: 0x0A00_0000 + UInt32(i), dst: 0x0A01_0000 + UInt32(i), payload: FrameBuilder.readProperty(invoke: UInt8(i & 0xFF)))
      let t = CaptureTimestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000 + Int128(i) * 1_000_000)
      engine.consume(pipeline.decode(linkType: .ethernet, data: frame[...], frameNumber: i + 1, timestamp: t))
    }
    #expect(engine.devices.entries.count == 50)
    #expect(engine.devices.dropped == n - 50)
    #expect(engine.requests.pending.count <= 100)
    #expect(engine.requests.pendingDropped > 0)
    #expect(engine.requests.servers.count <= 40)
    #expect(engine.traffic.talkers.count == 40)
    #expect(engine.traffic.talkersDropped == n - 40)
    #expect(engine.discovery.sources.count <= 40)
    let r = engine.report(captures: [])
    #expect(r.packets == n)
    #expect(r.devices.rows.count == 50)
    let limits = Dictionary(uniqueKeysWithValues: r.limits.map { ($0.0, $0.1) })
    #expect(limits["devices_dropped"] == .int(Int64(n - 50)))
    // Every request was counted until the table filled; the 5 s of traffic timed out the early ones.
    #expect(r.finding("requests.unanswered")?.status == .fail)
  }

  /// Error, Reject and Abort land in the device × service × reason table (shared capture, skipped when absent).
  @Test func errorRejectAbortTable() throws {
    guard let c = SummarySupport.captures else { return }
    let r = SummarySupport.summarize(c.appendingPathComponent("bacnet/bacnet_error_reject_abort.pcap").path)
    let table = try #require(r.section("requests")?.tables.first { $0.key == "error_table" })
    let rows = SummarySupport.rows(table)
    #expect(rows.contains { $0["pdu"] == .string("Error") && $0["service"] == .string("reinitializeDevice") })
    #expect(rows.contains { $0["pdu"] == .string("Reject") })
    #expect(rows.contains { $0["pdu"] == .string("Abort") })
    #expect(rows.count == 3)
  }

  /// I-Am replies are credited to the Who-Is they follow (shared capture: 7 Who-Is, each answered by 30 I-Ams).
  @Test func iAmRepliesPerWhoIs() throws {
    guard let c = SummarySupport.captures else { return }
    let r = SummarySupport.summarize(c.appendingPathComponent("bacnet/bacnet_example.pcap").path)
    let d = try #require(r.section("discovery"))
    let rows = SummarySupport.rows(d.tables[0])
    #expect(rows.count == 1)
    #expect(rows.first?["source"] == .string("0:172.20.32.200:47808"))
    #expect(rows.first?["who_is"] == .int(7))
    #expect(rows.first?["i_am_replies"] == .int(210))
    #expect(rows.first?["i_am_per_who_is"] == .double(30))
  }

  @Test func textTablesAlignAndCapRows() {
    var t = ReportTable(key: "k", title: "T", columns: [("name", "Name"), ("n", "N")])
    for i in 0..<5 { t.rows.append([.string("row\(i)"), .int(Int64(i * 100))]) }
    let text = t.text(maxRows: 2)
    #expect(text.contains("row1"))
    #expect(!text.contains("row2"))
    #expect(text.contains("3 more row(s) not shown"))
    #expect(text.contains("  Name   N\n"))   // numbers right-aligned under their header
    #expect(text.contains("  row1 100\n"))
    #expect(t.json == .array((0..<5).map { i in .object([("name", .string("row\(i)")), ("n", .int(Int64(i * 100)))]) }))
    #expect(ReportValue.string("a\"b\n").json == "\"a\\\"b\\n\"")
  }

  /// The multiplication fast path gives exactly the general conversion, for every decimal and some binary
  /// resolutions, negative times included.
  @Test func fastNanosecondsEqualGeneral() throws {
    var rng = SplitMix64(seed: 7)
    for raw: UInt8 in Array(0...12) + [0x80 | 10, 0x80 | 20, 0x80 | 30] {
      let r = try TimestampResolution(ifTsresol: raw)
      for _ in 0..<200 {
        let ticks = Int128(Int64(bitPattern: rng.next())) / Int128(rng.next() % 1000 + 1)
        let t = CaptureTimestamp(ticks: ticks, resolution: r)
        #expect(t.nanosecondsFast == t.nanosecondsSinceEpoch, "raw \(raw) ticks \(ticks)")
      }
      let extreme = CaptureTimestamp(ticks: Int128.max / 10_000_000_000, resolution: r)
      #expect(extreme.nanosecondsFast == extreme.nanosecondsSinceEpoch)
    }
  }
}
