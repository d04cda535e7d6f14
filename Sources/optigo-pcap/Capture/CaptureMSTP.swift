import ArgumentParser
import BACnetAnalysis
import BACnetDecode
import PacketCapture
import PcapKit

extension Capture {
  /// Opens the MS/TP serial source (`--mstp`, `--baud`), detecting the rate for `--baud auto`.
  func openMSTP(_ device: String) throws -> MSTPSerialSource {
    let source = try openMSTPSource(device)
    if !source.lowLatency {
      StandardError.line(
        "optigo-pcap capture: \(device): the driver has no low-latency mode; timestamps may lag by the adapter's latency timer (FTDI: set latency_timer to 1 ms, see docs/mstp-capture.md)")
    }
    return source
  }

  private func openMSTPSource(_ device: String) throws -> MSTPSerialSource {
    let abort = Int64(frameAbortMs) * 1_000_000
    do {
      if baud == "auto" {
        let source = try MSTPSerialSource(
          device: device, dwellNs: Int64(autoBaudDwell * 1e9), timeoutNs: Int64(autoBaudTimeout * 1e9), frameAbortNs: abort,
          progress: { StandardError.line("optigo-pcap capture: \($0)") })
        StandardError.line("optigo-pcap capture: \(device): \(source.autoBaud?.description ?? "locked on \(source.baud) baud")")
        return source
      }
      return try MSTPSerialSource(device: device, baud: Int(baud) ?? 38400, frameAbortNs: abort)
    } catch {
      StandardError.line("optigo-pcap capture: \(error.message)")
      if error.code == .deviceAccessDenied {
        StandardError.line("optigo-pcap capture: add the user to the group owning \(device) (usually dialout); root is not needed")
        throw ExitStatus.permission
      }
      if error.code == .noMSTPTraffic { throw ExitStatus.failure }
      throw ExitStatus.unreadableInput
    }
  }
}

/// The end-of-capture MS/TP totals on standard error: every octet read is in one of these counts.
enum MSTPCaptureReport {
  static func print(_ source: MSTPSerialSource) {
    let c = source.counters
    var line = "optigo-pcap capture: MS/TP at \(source.baud) baud: \(c.octets) octets; \(c.count(.frame)) frames"
    line += ", \(c.count(.badHeaderCRC)) bad header CRC, \(c.count(.badDataCRC)) bad data CRC, \(c.count(.truncated)) truncated"
    line += ", \(c.count(.noise)) noise records (\(c.octets(.noise)) octets), \(c.paddingOctets) pad octets"
    if source.pendingOctets > 0 { line += "; \(source.pendingOctets) octets of a frame in progress at the stop not written" }
    if source.overflowOctets > 0 { line += "; \(source.overflowOctets) octets LOST (the capture fell behind the reader)" }
    if let why = source.lineEndReason { line += "; line ended: \(why)" }
    StandardError.line(line)
  }
}

extension LiveFindings {
  /// `--summarize` on MS/TP: one health line (token rotation, lost tokens, stations, CRC errors per station).
  mutating func printMSTPHealth() {
    let report = engine.report(captures: [])
    guard let s = report.section("mstp") else { return }
    func fact(_ k: String) -> ReportValue? { s.facts.first { $0.0 == k }?.1 }
    func text(_ v: ReportValue?) -> String {
      switch v {
      case .int(let i)?: "\(i)"
      case .double(let d)?: String(Double(Int(d * 10)) / 10)
      case .array(let a)?: a.map { text($0) }.joined(separator: "→")
      default: "-"
      }
    }
    var stations: [String] = []
    var crc: [String] = []
    if let t = s.tables.first(where: { $0.key == "stations" }) {
      let mac = t.columns.firstIndex(of: "mac"), role = t.columns.firstIndex(of: "role")
      let de = t.columns.firstIndex(of: "data_crc_errors"), ke = t.columns.firstIndex(of: "crc32k_errors")
      for row in t.rows {
        guard let mac, let role else { continue }
        let m = text(row[mac])
        stations.append(m + (row[role] == .string("slave") ? "s" : ""))
        let errors = [de, ke].compactMap { $0 }.map { text(row[$0]) }.compactMap { Int($0) }.reduce(0, +)
        if errors > 0 { crc.append("\(m):\(errors)") }
      }
    }
    StandardError.line(
      "optigo-pcap capture: MS/TP: \(text(fact("frames"))) frames; token \(text(fact("token_order"))), rotation mean \(text(fact("token_rtt_mean_ms"))) ms"
        + " max \(text(fact("token_rtt_max_ms"))) ms; lost tokens \(text(fact("lost_tokens"))); stations \(stations.joined(separator: " "))"
        + "; CRC errors: header \(text(fact("header_crc_errors"))), per station \(crc.isEmpty ? "none" : crc.joined(separator: " "))")
  }
}
