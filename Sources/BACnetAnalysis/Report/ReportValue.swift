/// One cell of a report table, or one JSON value.
public indirect enum ReportValue: Hashable, Sendable {
  /// JSON null, printed as `-`.
  case null
  /// A boolean.
  case bool(Bool)
  /// An integer.
  case int(Int64)
  /// A real number (printed with 3 decimals in text).
  case double(Double)
  /// Text.
  case string(String)
  /// A list.
  case array([ReportValue])
  /// An object with keys in a fixed order.
  case object([(String, ReportValue)])

  /// An integer from any binary integer.
  public static func n<T: BinaryInteger>(_ v: T) -> ReportValue { .int(Int64(clamping: v)) }
  /// An optional integer (null when nil).
  public static func n<T: BinaryInteger>(_ v: T?) -> ReportValue { v.map { .int(Int64(clamping: $0)) } ?? .null }
  /// An optional string (null when nil).
  public static func string(_ v: String?) -> ReportValue { v.map { .string($0) } ?? .null }
  /// A list of integers.
  public static func ints<T: BinaryInteger>(_ v: [T]) -> ReportValue { .array(v.map { .int(Int64(clamping: $0)) }) }
  /// A list of strings.
  public static func strings(_ v: [String]) -> ReportValue { .array(v.map { .string($0) }) }

  /// Compares structurally.
  public static func == (a: ReportValue, b: ReportValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.int(let x), .int(let y)): x == y
    case (.double(let x), .double(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: false
    }
  }

  /// Hashes structurally.
  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .bool(let v): h.combine(v)
    case .int(let v): h.combine(v)
    case .double(let v): h.combine(v)
    case .string(let v): h.combine(v)
    case .array(let v): h.combine(v)
    case .object(let v):
      for (k, x) in v { h.combine(k); h.combine(x) }
    }
  }

  /// The value of `key` in an object (nil otherwise).
  public subscript(_ key: String) -> ReportValue? {
    if case .object(let kv) = self { return kv.first { $0.0 == key }?.1 }
    return nil
  }

  /// Compact JSON text (keys in order, no spaces, non-finite numbers as null).
  public var json: String {
    var s = ""
    write(into: &s)
    return s
  }

  /// Appends the JSON text of this value.
  public func write(into s: inout String) {
    switch self {
    case .null: s += "null"
    case .bool(let v): s += v ? "true" : "false"
    case .int(let v): s += String(v)
    case .double(let v):
      if !v.isFinite { s += "null" } else if v == v.rounded(), abs(v) < 1e15 { s += String(Int64(v)) } else { s += String(v) }
    case .string(let v): Self.quote(v, into: &s)
    case .array(let v):
      s += "["
      for (i, x) in v.enumerated() {
        if i > 0 { s += "," }
        x.write(into: &s)
      }
      s += "]"
    case .object(let kv):
      s += "{"
      for (i, (k, x)) in kv.enumerated() {
        if i > 0 { s += "," }
        Self.quote(k, into: &s)
        s += ":"
        x.write(into: &s)
      }
      s += "}"
    }
  }

  static func quote(_ v: String, into s: inout String) {
    s += "\""
    for u in v.unicodeScalars {
      switch u {
      case "\"": s += "\\\""
      case "\\": s += "\\\\"
      case "\n": s += "\\n"
      case "\r": s += "\\r"
      case "\t": s += "\\t"
      default:
        if u.value < 0x20 {
          let h = String(u.value, radix: 16)
          s += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          s.unicodeScalars.append(u)
        }
      }
    }
    s += "\""
  }

  /// Text for a terminal table cell.
  public var text: String {
    switch self {
    case .null: "-"
    case .bool(let v): v ? "yes" : "no"
    case .int(let v): String(v)
    case .double(let v): fixed(v, 3)
    case .string(let v): v
    case .array(let v): v.map(\.text).joined(separator: ", ")
    case .object(let kv): kv.map { "\($0.0)=\($0.1.text)" }.joined(separator: " ")
    }
  }
}

/// Fixed-point rendering without Foundation.
func fixed(_ v: Double, _ digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let r = (v * scale).rounded()
  guard r.isFinite, abs(r) < 9e18 else { return "\(v)" }
  let n = Int64(r)
  let neg = n < 0
  let a = neg ? -n : n
  let ip = a / Int64(scale), fp = a % Int64(scale)
  let fs = String(fp)
  let frac = digits > 0 ? "." + String(repeating: "0", count: digits - fs.count) + fs : ""
  return (neg ? "-" : "") + String(ip) + frac
}

/// Milliseconds with 3 decimals from nanoseconds.
func ms(_ ns: Int64) -> ReportValue { .double(Double(ns) / 1_000_000) }
/// Milliseconds with 3 decimals from nanoseconds (Double).
func ms(_ ns: Double) -> ReportValue { .double(ns / 1_000_000) }
