/// One table of a report section: column keys and titles, and rows of values. The same table prints as aligned
/// text and as a JSON array of objects keyed by column.
public struct ReportTable: Hashable, Sendable {
  /// JSON key of the table inside its section.
  public var key: String
  /// Title printed above the text table.
  public var title: String
  /// Column JSON keys.
  public var columns: [String]
  /// Column titles for text.
  public var headers: [String]
  /// Rows, each with one value per column.
  public var rows: [[ReportValue]]
  /// Rows left out (beyond a top-N cut or a table cap), printed as a note.
  public var omitted = 0

  /// Creates a table from (key, title) column pairs.
  public init(key: String, title: String, columns: [(String, String)], rows: [[ReportValue]] = []) {
    self.key = key
    self.title = title
    self.columns = columns.map(\.0)
    self.headers = columns.map(\.1)
    self.rows = rows
  }

  /// The rows as JSON objects.
  public var json: ReportValue {
    .array(rows.map { r in .object(zip(columns, r).map { ($0.0, $0.1) }) })
  }

  /// Aligned text, with a title line; numbers right-aligned; every row, no width limit.
  public var text: String { text(TextOptions(width: nil, allRows: true)) }

  /// Aligned text showing at most `maxRows` rows (a note counts the rest; JSON always has them all).
  public func text(maxRows: Int) -> String {
    text(TextOptions(width: nil, allRows: maxRows == .max), maxRows: maxRows)
  }

  /// One cell as text: times (`*_ns` columns) in ISO 8601, durations (`duration_ns`, `*bucket_ns`) as
  /// `d hh:mm:ss.mmm`, everything else as ``ReportValue/text``.
  static func cell(_ v: ReportValue, column: String, _ o: TextOptions) -> String {
    if column.hasSuffix("_ns"), case .int(let n) = v {
      return column.contains("duration") || column.contains("bucket") ? HumanUnits.duration(n) : o.time(n)
    }
    return v.text
  }

  /// Aligned text laid out by `options`: at most ``SummaryReport/textRowLimit`` rows unless `allRows`; cells
  /// wrap at word boundaries to fit `width`; when even the longest words do not fit side by side, each row prints
  /// as a block of `header: value` lines.
  public func text(_ o: TextOptions, maxRows: Int = SummaryReport.textRowLimit) -> String {
    var s = title.isEmpty ? "" : title + "\n"
    if rows.isEmpty { return s + "  (none)\n" }
    let shown = rows.prefix(o.allRows ? rows.count : max(0, maxRows))
    let cells = shown.map { r in r.enumerated().map { Self.cell($0.element, column: columns[$0.offset], o) } }
    let numeric = columns.indices.map { i in
      shown.allSatisfy { r in
        switch r[i] { case .int, .double, .null: true; default: false }
      }
    }
    var width = headers.map(\.count)
    for r in cells { for (i, c) in r.enumerated() where i < width.count { width[i] = max(width[i], c.count) } }
    func total(_ w: [Int]) -> Int { 1 + w.reduce(0) { $0 + $1 + 1 } }
    if let limit = o.width, total(width) > limit {
      var least = headers.map(HumanUnits.longestWord)
      for r in cells { for (i, c) in r.enumerated() where i < least.count { least[i] = max(least[i], HumanUnits.longestWord(c)) } }
      guard total(least) <= limit else { return s + records(cells, limit) + note(shown.count) }
      // Narrow the widest wrappable column, one character at a time, until the table fits.
      while total(width) > limit {
        guard let i = width.indices.filter({ width[$0] > least[$0] }).max(by: { width[$0] < width[$1] }) else { break }
        width[i] -= 1
      }
    }
    func line(_ r: [String], numeric: [Bool]) -> String {
      let wrapped = r.enumerated().map { HumanUnits.wrap($0.element, width[$0.offset]) }
      let height = wrapped.map(\.count).max() ?? 1
      var out = ""
      for k in 0..<height {
        var l = " "
        for (i, w) in wrapped.enumerated() {
          let c = k < w.count ? w[k] : ""
          let pad = String(repeating: " ", count: max(0, width[i] - c.count))
          l += " " + (numeric[i] ? pad + c : c + pad)
        }
        while l.last == " " { l.removeLast() }
        out += l + "\n"
      }
      return out
    }
    s += line(headers, numeric: numeric)
    s += line(width.map { String(repeating: "-", count: $0) }, numeric: numeric.map { _ in false })
    for r in cells { s += line(r, numeric: numeric) }
    return s + note(shown.count)
  }

  func note(_ shown: Int) -> String {
    let hidden = omitted + rows.count - shown
    return hidden > 0 ? "  … \(hidden) more row(s) not shown (--all shows every row)\n" : ""
  }

  /// One block per row: `header: value`, values wrapped under themselves.
  func records(_ cells: [[String]], _ limit: Int) -> String {
    let label = (headers.map(\.count).max() ?? 0) + 2
    var out = ""
    for (n, r) in cells.enumerated() {
      if n > 0 { out += "\n" }
      for (i, c) in r.enumerated() {
        let head = "  " + headers[i] + ":" + String(repeating: " ", count: max(1, label - headers[i].count - 1))
        let lines = HumanUnits.wrap(c, max(20, limit - head.count))
        out += head + lines[0] + "\n"
        for more in lines.dropFirst() { out += String(repeating: " ", count: head.count) + more + "\n" }
      }
    }
    return out
  }
}

/// A named group of tables (one report section).
public struct ReportSection: Hashable, Sendable {
  /// JSON key (`networks`, `discovery`, …).
  public var key: String
  /// Heading printed in text.
  public var title: String
  /// Scalar facts (`who_is_total` …), printed as `key: value` lines.
  public var facts: [(String, ReportValue)]
  /// The tables.
  public var tables: [ReportTable]

  /// Creates a section.
  public init(key: String, title: String, facts: [(String, ReportValue)] = [], tables: [ReportTable] = []) {
    self.key = key
    self.title = title
    self.facts = facts
    self.tables = tables
  }

  /// The section as one JSON object: facts then tables by key.
  public var json: ReportValue {
    .object(facts + tables.map { ($0.key, $0.json) })
  }

  /// Compares every field.
  public static func == (a: ReportSection, b: ReportSection) -> Bool {
    a.key == b.key && a.title == b.title && a.tables == b.tables && a.facts.map(\.0) == b.facts.map(\.0)
      && a.facts.map(\.1) == b.facts.map(\.1)
  }

  /// Hashes the key and tables.
  public func hash(into h: inout Hasher) {
    h.combine(key)
    h.combine(tables)
  }
}
