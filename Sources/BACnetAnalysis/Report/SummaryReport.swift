/// A finished summary: capture facts, device inventory, the analysis sections and the findings. Prints as
/// terminal tables (``text``) or as one JSON object (``json``) following `docs/summary-schema.md`.
public struct SummaryReport: Sendable {
  /// The version of the JSON layout; bumped on any incompatible change (see docs/summary-schema.md).
  public static let schemaVersion = 2
  /// The most rows a table shows in ``text`` (the JSON has every row).
  public static let textRowLimit = 200

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
  /// What the reader must know before the findings: no BACnet decoded, BACnet/IP on an unconfigured port
  /// (with the `--add-ports` to use), damaged frames set aside.
  public var notices: [String] = []

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
      ("notices", .strings(notices)),
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

  /// The given columns of a table, less those with no value in any row.
  static func view(_ t: ReportTable, _ keep: [String]) -> ReportTable {
    let idx = keep.compactMap { t.columns.firstIndex(of: $0) }.filter { i in
      t.rows.contains { r in
        switch r[i] {
        case .null: false
        case .array(let a): !a.isEmpty
        default: true
        }
      }
    }
    var v = t
    v.columns = idx.map { t.columns[$0] }
    v.headers = idx.map { t.headers[$0] }
    v.rows = t.rows.map { r in idx.map { r[$0] } }
    return v
  }

  /// Terminal text with the default layout (120 columns, capped tables, UTC).
  public var text: String { text(TextOptions()) }

  /// Terminal text: notices, capture facts, findings (worst first), then every section's tables, laid out by
  /// `o` (width, rows, columns, time zone).
  public func text(_ o: TextOptions) -> String {
    var s = ""
    let limit = o.width ?? .max
    func heading(_ t: String) { s += "\n== " + t + " " + String(repeating: "=", count: max(3, 72 - t.count)) + "\n" }
    /// `label value`, the value wrapped under itself.
    func fact(_ label: String, _ value: String, indent: Int = 0) {
      let head = String(repeating: " ", count: indent) + label
      let room = limit == .max ? Int.max : max(20, limit - head.count)
      let lines = room == .max ? [value] : HumanUnits.wrap(value, room)
      s += head + lines[0] + "\n"
      for more in lines.dropFirst() { s += String(repeating: " ", count: head.count) + more + "\n" }
    }
    if !notices.isEmpty {
      heading("Notices")
      for n in notices { fact("  ! ", n) }
    }
    heading("Capture")
    for c in captures {
      fact("File:                ", c.file)
      fact("Format:              ", "\(c.format ?? "unknown")\(c.compressed ? " (gzip)" : "")")
      fact("Packets:             ", grouped(c.packets))
      fact("Data size:           ", "\(grouped(c.originalBytes)) bytes (\(grouped(c.capturedBytes)) captured)")
      if let f = c.firstTimeNs, let l = c.lastTimeNs {
        fact("First packet:        ", o.time(Int64(clamping: f)))
        fact("Last packet:         ", o.time(Int64(clamping: l)))
        fact("Duration:            ", HumanUnits.duration(Int64(clamping: l - f)))
      }
      fact("Link types:          ", c.linkTypes.map { "\($0.0) (\($0.0.rawValue)): \(grouped($0.1))" }.joined(separator: ", "))
      if let e = c.error { fact("Read error:          ", e) }
    }
    if captures.count > 1 { fact("Merged:              ", "\(grouped(packets)) packets from \(captures.count) files") }
    heading("Findings")
    let ordered = findings.sorted { ($0.status, $1.check) > ($1.status, $0.check) }
    var ft = ReportTable(key: "findings", title: "", columns: [("status", "Status"), ("check", "Check"), ("frames", "Frames"), ("message", "Message")])
    for f in ordered {
      var frames = f.frames.prefix(5).map(String.init).joined(separator: ",")
      if f.frameCount > 5 { frames += " (+\(f.frameCount - min(5, f.frames.count)))" }
      ft.rows.append([.string(f.status.rawValue.uppercased()), .string(f.check), .string(frames.isEmpty ? "-" : frames), .string(f.message)])
    }
    s += ft.text(o, maxRows: .max)
    for sec in sections {
      heading(sec.title)
      for (k, v) in sec.facts { fact("  \(k): ", ReportTable.cell(v, column: k, o)) }
      for t in sec.tables { s += "\n" + t.text(o) }
      if sec.key == "traffic" {
        heading("Devices")
        if o.allColumns {
          s += devices.text(o)
        } else {
          // The terminal view keeps the columns an engineer scans, services in a table of their own so that both fit
          // the width; columns with nothing in them are left out. --all and the JSON have every column.
          s += Self.view(devices, ["instance", "object_name", "vendor_name", "model_name", "network", "mac", "mac_kind",
                                   "router", "bbmd", "packets_out"]).text(o)
          var services = Self.view(devices, ["instance", "network", "mac", "client_services", "server_services"])
          services.title = "Device services (confirmed, as client and as server)"
          services.rows = services.rows.filter { r in r.dropFirst(3).contains { if case .array(let a) = $0 { !a.isEmpty } else { false } } }
          if !services.rows.isEmpty { s += "\n" + services.text(o) }
        }
      }
    }
    return s
  }
}
