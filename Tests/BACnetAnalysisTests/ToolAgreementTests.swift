import Foundation
import Testing
@testable import BACnetAnalysis
import OptigoTestSupport

/// Capture facts against capinfos, and per-PDU-type / per-service counts against tshark's fields, on the shared
/// captures. Skips cleanly when ../shared or the tools are absent.
@Suite("Summary agrees with capinfos and tshark")
struct ToolAgreementTests {
  /// `1580238002.797008` → ns since the epoch, and the number of fraction digits printed.
  static func parseSeconds(_ s: Substring) -> (Int128, Int)? {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard let whole = Int128(String(parts[0])) else { return nil }
    var frac: Int128 = 0
    var digits = 0
    if parts.count > 1 {
      // capinfos prints out-of-range fractions (ns ≥ 10^9) as garbage such as `.-2147483648`: not comparable.
      guard parts[1].allSatisfy(\.isNumber), parts[1].count <= 9 else { return nil }
      let fraction = parts[1]
      digits = fraction.count
      guard let f = Int128(String(fraction)) else { return nil }
      frac = f
      for _ in digits..<9 { frac *= 10 }
    }
    return (whole * 1_000_000_000 + (whole < 0 ? -frac : frac), digits)
  }

  static func truncate(_ ns: Int128, digits: Int) -> Int128 {
    var unit: Int128 = 1
    for _ in digits..<9 { unit *= 10 }
    return ns - ((ns % unit) + unit) % unit
  }

  @Test func captureFactsEqualCapinfos() throws {
    guard let captures = SummarySupport.captures, let capinfos = tool("capinfos") else {
      print("skipped: ../shared/captures or capinfos absent")
      return
    }
    var compared = 0
    for url in SummarySupport.files(under: captures) {
      let (status, out) = try SummarySupport.run(capinfos, ["-T", "-m", "-r", "-c", "-d", "-S", "-a", "-e", url.path])
      // capinfos refuses damaged files (and ones it cannot read); those are covered by the reader's own tests.
      guard status == 0, let line = out.split(separator: "\n").first else { continue }
      let f = line.split(separator: ",", omittingEmptySubsequences: false)
      guard f.count >= 5, let packets = Int(f[f.count - 4]), let size = Int(f[f.count - 3]) else { continue }
      let r = SummarySupport.summarize(url.path)
      let facts = try #require(r.captures.first)
      guard facts.error == nil else {
        Issue.record("\(url.lastPathComponent): capinfos reads it but we stopped: \(facts.error!)")
        continue
      }
      #expect(facts.packets == packets, "\(url.lastPathComponent): packets")
      #expect(r.packets == packets, "\(url.lastPathComponent): packets analysed")
      #expect(facts.originalBytes == size, "\(url.lastPathComponent): data size")
      if let (first, digits) = Self.parseSeconds(f[f.count - 2]), let ours = facts.firstTimeNs {
        #expect(Self.truncate(ours, digits: digits) == first, "\(url.lastPathComponent): first time \(ours) vs \(f[f.count - 2])")
      }
      if let (last, digits) = Self.parseSeconds(f[f.count - 1]), let ours = facts.lastTimeNs {
        #expect(Self.truncate(ours, digits: digits) == last, "\(url.lastPathComponent): last time \(ours) vs \(f[f.count - 1])")
      }
      compared += 1
    }
    #expect(compared > 10, "too few captures compared: \(compared)")
  }

  @Test func pduTypeAndServiceCountsEqualTshark() throws {
    guard let captures = SummarySupport.captures, let tshark = tool("tshark") else {
      print("skipped: ../shared/captures or tshark absent")
      return
    }
    let files = SummarySupport.files(under: captures.appendingPathComponent("bacnet"), extensions: ["pcap"])
    #expect(!files.isEmpty)
    for url in files {
      let (status, out) = try SummarySupport.run(tshark, ["-r", url.path, "-T", "fields", "-e", "bacapp.type",
                                                          "-e", "bacapp.confirmed_service", "-e", "bacapp.unconfirmed_service"])
      #expect(status == 0)
      var types: [Int: Int] = [:]
      var services: [String: Int] = [:]
      for line in out.split(separator: "\n", omittingEmptySubsequences: true) {
        let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard let t = Int(c[0].split(separator: ",").first ?? "") else { continue }
        types[t, default: 0] += 1
        let svc = c.count > 1 && !c[1].isEmpty ? c[1] : c.count > 2 ? c[2] : ""
        if let s = Int(svc.split(separator: ",").first ?? "") { services["\(t)/\(s)", default: 0] += 1 }
      }
      let r = SummarySupport.summarize(url.path)
      let traffic = try #require(r.section("traffic"))
      var ourTypes: [Int: Int] = [:]
      for row in SummarySupport.rows(try #require(traffic.tables.first { $0.key == "pdu_types" })) {
        if case .int(let t)? = row["pdu_type"], case .int(let n)? = row["packets"] { ourTypes[Int(t)] = Int(n) }
      }
      var ourServices: [String: Int] = [:]
      let names = ["Confirmed-REQ": 0, "Unconfirmed-REQ": 1, "Simple-ACK": 2, "Complex-ACK": 3, "Error": 5]
      for row in SummarySupport.rows(try #require(traffic.tables.first { $0.key == "services" })) {
        if case .string(let tn)? = row["pdu_type"], let t = names[tn], case .int(let s)? = row["service"], case .int(let n)? = row["packets"] {
          ourServices["\(t)/\(s)"] = Int(n)
        }
      }
      #expect(ourTypes == types, "\(url.lastPathComponent): PDU types")
      #expect(ourServices == services, "\(url.lastPathComponent): services")
    }
  }
}
