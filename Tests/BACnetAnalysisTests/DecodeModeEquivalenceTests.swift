import Foundation
import Testing
import PcapKit
@testable import BACnetDecode
@testable import BACnetAnalysis
import OptigoTestSupport

/// The summary decode mode (what `summarize` uses) against the full decode: identical diagnostics on every packet
/// and identical summaries (JSON) on every fixture and shared capture, and identical diagnostics on seeded
/// mutations of every BACnet message found there (malformed tags, broken layouts, truncations).
@Suite struct DecodeModeEquivalenceTests {
  /// Every capture under Fixtures/ and ../shared/captures (when present).
  static func captures() -> [URL] {
    var all = SummarySupport.files(under: SummarySupport.packageRoot.appendingPathComponent("Fixtures"))
    if let shared = SummarySupport.captures { all += SummarySupport.files(under: shared) }
    return all
  }

  /// The packets of a capture (as far as it reads).
  static func packets(_ url: URL) -> [Packet] {
    guard var reader = try? CaptureReader(path: url.path) else { return [] }
    var out: [Packet] = []
    while let p = try? reader.nextPacket() { out.append(p) }
    return out
  }

  /// Summary JSON of one capture with the given decode mode.
  static func summaryJSON(_ url: URL, mode: DecodeMode) -> String {
    var config = BACnetPipeline.Configuration()
    config.decodeMode = mode
    guard var reader = try? CaptureReader(path: url.path) else { return "unreadable" }
    let (report, _) = SummaryEngine.summarize(&reader, file: url.lastPathComponent, pipeline: config)
    return report.json.json
  }

  /// The service parameters the summary mode builds must equal the full decode's; the others must be the
  /// encoded service data. Everything else of the APDU is identical.
  static func checkSameAPDU(_ full: APDU?, _ summary: APDU?, _ what: String) {
    guard let full, let summary else {
      #expect(full == nil && summary == nil, "\(what): APDU presence differs")
      return
    }
    var f = full
    var s = summary
    if f.parameters != s.parameters {
      #expect(s.parameters == .generic(EncodedValues(bytes: s.serviceData, offset: s.serviceDataOffset)),
              "\(what): summary parameters are neither the full ones nor the encoded service data")
      #expect(!DecodeMode.summary.buildsParameters(pduType: s.pduType, service: s.serviceChoice ?? 0xFF)
              || (s.pduType == .complexACK && s.serviceChoice == 14),
              "\(what): a service the summary reads was not built")
      f.parameters = .noParameters
      s.parameters = .noParameters
    }
    #expect(f == s, "\(what): APDU fields differ")
  }

  @Test("summary and full decode: same diagnostics per packet and the same summary JSON on every capture")
  func capturesAgree() throws {
    let files = Self.captures()
    #expect(files.count >= 20, "the fixtures alone hold more than 20 captures")
    var bacnetPackets = 0
    var generic = 0
    for url in files {
      var full = BACnetPipeline()
      var summaryConfig = BACnetPipeline.Configuration()
      summaryConfig.decodeMode = .summary
      var summary = BACnetPipeline(configuration: summaryConfig)
      for p in Self.packets(url) {
        let a = full.decode(p)
        let b = summary.decode(p)
        let what = "\(url.lastPathComponent) frame \(a.frameNumber)"
        #expect(a.diagnostics == b.diagnostics, "\(what): diagnostics differ")
        #expect(a.carrier == b.carrier)
        #expect(a.message?.bvlc == b.message?.bvlc && a.message?.npdu == b.message?.npdu
                && a.message?.networkMessage == b.message?.networkMessage, "\(what): headers differ")
        Self.checkSameAPDU(a.message?.apdu, b.message?.apdu, what)
        Self.checkSameAPDU(a.reassembledAPDU, b.reassembledAPDU, what + " (reassembled)")
        #expect(a.mstp?.frame == b.mstp?.frame)
        if a.isBACnet { bacnetPackets += 1 }
        if a.message?.apdu?.parameters != b.message?.apdu?.parameters { generic += 1 }
      }
      let fullJSON = Self.summaryJSON(url, mode: .full)
      let summaryJSON = Self.summaryJSON(url, mode: .summary)
      if fullJSON != summaryJSON {
        let same = zip(fullJSON, summaryJSON).prefix(while: { $0 == $1 }).count
        Issue.record("\(url.lastPathComponent): the summaries differ at character \(same): full …\(fullJSON.dropFirst(max(0, same - 80)).prefix(200)) summary …\(summaryJSON.dropFirst(max(0, same - 80)).prefix(200))")
      }
    }
    #expect(bacnetPackets > 1000)
    #expect(generic > 0, "some messages were kept encoded by the summary mode")
  }

  @Test("summary and full decode report identical diagnostics on seeded mutations of every BACnet message")
  func mutationsAgree() throws {
    // The BACnet payloads (BVLL) of every BACnet/IP packet in the captures, deduplicated.
    var payloads = Set<[UInt8]>()
    for url in Self.captures() {
      var pipeline = BACnetPipeline()
      for p in Self.packets(url) {
        let d = pipeline.decode(p)
        guard d.carrier == .udpPort, let offset = d.bacnetOffset, offset <= p.data.count else { continue }
        payloads.insert(Array(p.data.dropFirst(offset)))
      }
    }
    #expect(payloads.count > 100)
    var rng = SplitMix(seed: 20)
    var compared = 0
    var malformed = 0
    for payload in payloads.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      for round in 0..<8 {
        var bytes = payload
        switch round % 4 {
        case 0:  // flip one byte after the BVLC header
          if bytes.count > 4 { bytes[4 + Int(rng.next() % UInt64(bytes.count - 4))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
        case 1:  // truncate
          bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count + 1))))
        case 2:  // several random bytes
          for _ in 0..<3 where !bytes.isEmpty { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
        default:  // a tag-like byte inserted in the service data
          let at = bytes.count <= 8 ? bytes.count : 8 + Int(rng.next() % UInt64(bytes.count - 7))
          bytes.insert([0x0E, 0x0F, 0x3E, 0x3F, 0x1F, 0x09, 0x75][Int(rng.next() % 7)], at: at)
        }
        let a = BACnetDecoder.decodeBVLL(bytes[...], mode: .full)
        let b = BACnetDecoder.decodeBVLL(bytes[...], mode: .summary)
        #expect(a.diagnostics == b.diagnostics, "mutated \(bytes): diagnostics differ")
        #expect(a.bvlc == b.bvlc && a.npdu == b.npdu && a.networkMessage == b.networkMessage)
        Self.checkSameAPDU(a.apdu, b.apdu, "mutated \(bytes)")
        compared += 1
        if a.diagnostics.contains(where: { $0.layer == .apdu }) { malformed += 1 }
      }
    }
    #expect(malformed > compared / 10, "the mutations produce malformed APDUs")
  }

  @Test("the summary mode builds ReadPropertyMultiple-ACKs of device objects in full, others not")
  func deviceResultsKept() {
    // ComplexACK RPM (invoke 1): device,77 { object-name "AHU" }, then analog-input,1 { present-value 1.0 }.
    let deviceFirst: [UInt8] = [0x30, 0x01, 0x0E, 0x0C, 0x02, 0x00, 0x00, 0x4D, 0x1E, 0x29, 0x4D, 0x4E, 0x75, 0x04, 0x00,
                                0x41, 0x48, 0x55, 0x4F, 0x1F]
    let analog: [UInt8] = [0x0C, 0x00, 0x00, 0x00, 0x01, 0x1E, 0x29, 0x55, 0x4E, 0x44, 0x3F, 0x80, 0x00, 0x00, 0x4F, 0x1F]
    for (apdu, kept) in [(deviceFirst, true), (deviceFirst + analog, true), ([0x30, 0x01, 0x0E] + analog, false)] {
      let bvll: [UInt8] = [0x81, 0x0A, 0x00, UInt8(6 + apdu.count), 0x01, 0x00] + apdu
      let full = BACnetDecoder.decodeBVLL(bvll[...])
      let summary = BACnetDecoder.decodeBVLL(bvll[...], mode: .summary)
      #expect(full.diagnostics.isEmpty && summary.diagnostics.isEmpty)
      guard case .readPropertyMultipleACK(let results) = full.apdu?.parameters else {
        Issue.record("the full decode did not build the ReadPropertyMultiple-ACK")
        continue
      }
      #expect(results.count == (apdu.count > 20 ? 2 : 1))
      guard let s = summary.apdu else {
        Issue.record("no APDU in summary mode")
        continue
      }
      if kept {
        #expect(s.parameters == full.apdu?.parameters)
      } else {
        #expect(s.parameters == .generic(EncodedValues(bytes: s.serviceData, offset: s.serviceDataOffset)))
      }
      #expect(summary.apdu?.primaryObject == full.apdu?.primaryObject && summary.apdu?.primaryProperty == full.apdu?.primaryProperty)
    }
    // No kept type at all: nothing is built.
    let noKeep = DecodeMode(isSummary: true, fullyDecodedObjectType: nil)
    let bvll: [UInt8] = [0x81, 0x0A, 0x00, UInt8(6 + deviceFirst.count), 0x01, 0x00] + deviceFirst
    if case .readPropertyMultipleACK = BACnetDecoder.decodeBVLL(bvll[...], mode: noKeep).apdu?.parameters {
      Issue.record("fullyDecodedObjectType nil still built the results")
    }
  }
}

/// A small deterministic generator (SplitMix64).
typealias SplitMix = SplitMix64

@Suite struct MACAddressTextTests {
  @Test("MAC text: two lower-case hex digits per octet, colons between")
  func text() {
    #expect(MACAddress(rawValue: 0).description == "00:00:00:00:00:00")
    #expect(MACAddress(rawValue: 0xFFFF_FFFF_FFFF).description == "ff:ff:ff:ff:ff:ff")
    #expect(MACAddress(rawValue: 0x001B_213A_4F10).description == "00:1b:21:3a:4f:10")
    for v in 0...255 {
      let raw = UInt64(v) << 40 | UInt64(255 - v) << 32 | UInt64(v ^ 0x5A) << 8 | UInt64(v / 3)
      let octets = [v, 255 - v, 0, 0, v ^ 0x5A, v / 3]
      let expected = octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
      #expect(MACAddress(rawValue: raw).description == expected)
    }
  }
}
