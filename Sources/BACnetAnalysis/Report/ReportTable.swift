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

  /// Aligned text, with a title line; numbers right-aligned.
  public var text: String {
    var s = title + "\n"
    if rows.isEmpty { return s + "  (none)\n" }
    let cells = rows.map { $0.map { Self.clip($0.text) } }
    var width = headers.map(\.count)
    for r in cells { for (i, c) in r.enumerated() where i < width.count { width[i] = max(width[i], c.count) } }
    func line(_ r: [String], numeric: [Bool]) -> String {
      var l = " "
      for (i, c) in r.enumerated() {
        let pad = String(repeating: " ", count: max(0, width[i] - c.count))
        l += " " + (numeric[i] ? pad + c : c + (i == r.count - 1 ? "" : pad))
      }
      return l + "\n"
    }
    let numeric = columns.indices.map { i in
      rows.allSatisfy { r in
        switch r[i] { case .int, .double, .null: true; default: false }
      }
    }
    s += line(headers, numeric: numeric.map { _ in false })
    s += line(width.map { String(repeating: "-", count: $0) }, numeric: numeric.map { _ in false })
    for r in cells { s += line(r, numeric: numeric) }
    if omitted > 0 { s += "  … \(omitted) more row(s) not shown\n" }
    return s
  }

  static func clip(_ s: String) -> String { s.count > 60 ? String(s.prefix(57)) + "..." : s }
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
