/// A finished summary: capture facts, device inventory, the analysis sections and the findings. Prints as
/// terminal tables (``text``) or as one JSON object (``json``) following `docs/summary-schema.md`.
public struct SummaryReport: Sendable {
  /// The version of the JSON layout; bumped on any incompatible change (see docs/summary-schema.md).
  public static let schemaVersion = 1

  /// File-level facts of each capture summarised (one, or several with `--merged`).
  public var captures: [CaptureFacts]
  /// Packets analysed.
  public var packets: Int
  /// Sum of wire lengths analysed.
  public var bytes: Int
  /// Earliest timestamp seen (ns since the epoch).
  public var firstTimeNs: Int64?
  /// Latest timestamp seen.
  public var lastTimeNs: Int64?
  /// The device inventory.
  public var devices: ReportTable
  /// Sections 1 and 3–8 (traffic, networks, discovery, requests, MS/TP, decode quality).
  public var sections: [ReportSection]
  /// Every check's outcome, sorted by check name.
  public var findings: [Finding]
  /// Threshold values in use.
  public var thresholds: [(String, ReportValue)]
  /// Table caps and what they refused.
  public var limits: [(String, ReportValue)]

  /// The finding of one check.
  public func finding(_ check: String) -> Finding? { findings.first { $0.check == check } }

  /// The section with the given key.
  public func section(_ key: String) -> ReportSection? { sections.first { $0.key == key } }

  /// The report as one JSON value (see docs/summary-schema.md).
  public var json: ReportValue {
    let first = captures.compactMap(\.firstTimeNs).min().map { Int64(clamping: $0) } ?? firstTimeNs
    let last = captures.compactMap(\.lastTimeNs).max().map { Int64(clamping: $0) } ?? lastTimeNs
    var capture: [(String, ReportValue)] = [
      ("files", .strings(captures.map(\.file))),
      ("packets", .n(captures.isEmpty ? packets : captures.reduce(0) { $0 + $1.packets })),
      ("bytes", .n(bytes)),
      ("first_time_ns", .n(first)), ("last_time_ns", .n(last)),
      ("duration_ns", (first != nil && last != nil) ? .n(last! - first!) : .null),
      ("files_detail", .array(captures.map(\.json))),
    ]
    if let traffic = section("traffic") { capture.append(("traffic", traffic.json)) }
    var top: [(String, ReportValue)] = [
      ("schema_version", .n(Self.schemaVersion)),
      ("capture", .object(capture)),
      ("devices", devices.json),
    ]
    for s in sections where s.key != "traffic" { top.append((s.key, s.json)) }
    top.append(("findings", .array(findings.map { f in
      .object([("check", .string(f.check)), ("status", .string(f.status.rawValue)),
               ("threshold", .object(f.threshold.map { ($0.0, .double($0.1)) })),
               ("frames", .ints(f.frames)), ("frame_count", .n(f.frameCount)), ("message", .string(f.message))])
    })))
    top.append(("thresholds", .object(thresholds)))
    top.append(("limits", .object(limits)))
    return .object(top)
  }

  /// Terminal text: capture facts, findings first (worst first), then every section's tables.
  public var text: String {
    var s = ""
    func heading(_ t: String) { s += "\n== " + t + " " + String(repeating: "=", count: max(3, 72 - t.count)) + "\n" }
    heading("Capture")
    for c in captures {
      s += "File:                \(c.file)\n"
      s += "Format:              \(c.format ?? "unknown")\(c.compressed ? " (gzip)" : "")\n"
      s += "Packets:             \(c.packets)\n"
      s += "Data size:           \(c.originalBytes) bytes (\(c.capturedBytes) captured)\n"
      if let f = c.firstTimeNs, let l = c.lastTimeNs {
        s += "First packet (ns):   \(f)\n"
        s += "Last packet (ns):    \(l)\n"
        s += "Duration:            \(Self.seconds(l - f)) s\n"
      }
      s += "Link types:          " + c.linkTypes.map { "\($0.0) (\($0.0.rawValue)): \($0.1)" }.joined(separator: ", ") + "\n"
      if let e = c.error { s += "Read error:          \(e)\n" }
    }
    if captures.count > 1 { s += "Merged:              \(packets) packets from \(captures.count) files\n" }
    heading("Findings")
    let ordered = findings.sorted { ($0.status, $1.check) > ($1.status, $0.check) }
    var ft = ReportTable(key: "findings", title: "", columns: [("status", "Status"), ("check", "Check"), ("frames", "Frames"), ("message", "Message")])
    for f in ordered {
      var frames = f.frames.prefix(5).map(String.init).joined(separator: ",")
      if f.frameCount > 5 { frames += " (+\(f.frameCount - min(5, f.frames.count)))" }
      ft.rows.append([.string(f.status.rawValue.uppercased()), .string(f.check), .string(frames.isEmpty ? "-" : frames), .string(f.message)])
    }
    s += Self.unclipped(ft)
    for sec in sections {
      heading(sec.title)
      if sec.key == "traffic" {
        // devices come right after the traffic section
      }
      for (k, v) in sec.facts { s += "  \(k): \(v.text)\n" }
      for t in sec.tables { s += "\n" + t.text }
      if sec.key == "traffic" {
        heading("Devices")
        var d = devices
        // The terminal view keeps the columns an engineer scans; JSON has them all.
        let keep = ["instance", "vendor_name", "max_apdu", "segmentation", "network", "mac", "router", "bbmd", "packets_out", "bytes_out", "client_services", "server_services"]
        let idx = keep.compactMap { d.columns.firstIndex(of: $0) }
        d.columns = idx.map { d.columns[$0] }
        d.headers = idx.map { devices.headers[$0] }
        d.rows = devices.rows.map { r in idx.map { r[$0] } }
        s += d.text
      }
    }
    return s
  }

  static func unclipped(_ t: ReportTable) -> String {
    var out = ""
    let w0 = 6
    let w1 = max(5, t.rows.map { $0[1].text.count }.max() ?? 5)
    let w2 = max(6, t.rows.map { $0[2].text.count }.max() ?? 6)
    for r in t.rows {
      func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
      out += "  " + pad(r[0].text, w0) + " " + pad(r[1].text, w1) + " " + pad(r[2].text, w2) + " " + r[3].text + "\n"
    }
    return out
  }

  static func seconds(_ ns: Int128) -> String {
    let neg = ns < 0
    let a = neg ? -ns : ns
    let f = String(a % 1_000_000_000)
    return (neg ? "-" : "") + String(a / 1_000_000_000) + "." + String(repeating: "0", count: 9 - f.count) + f
  }
}
