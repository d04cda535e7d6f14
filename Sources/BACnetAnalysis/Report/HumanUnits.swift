/// How ``SummaryReport/text(_:)`` lays the report out for a person.
public struct TextOptions: Sendable {
  /// The most characters per line (the terminal width); nil for no limit (`--wide`). Tables wider than this wrap
  /// their cells at word boundaries, or print one `header: value` block per row when even that does not fit.
  public var width: Int?
  /// Show every row of every table (`--all`); otherwise tables stop at ``SummaryReport/textRowLimit`` rows.
  public var allRows: Bool
  /// Show every column of the device inventory (`--all`); otherwise the columns an engineer scans first.
  public var allColumns: Bool
  /// Seconds east of UTC at a given time (nanoseconds since the epoch), for `--local-time`; nil prints UTC.
  public var utcOffset: (@Sendable (Int64) -> Int)?

  /// Creates options; the default is 120 columns, capped tables, UTC.
  public init(width: Int? = 120, allRows: Bool = false, allColumns: Bool = false,
              utcOffset: (@Sendable (Int64) -> Int)? = nil) {
    self.width = width.map { max(40, $0) }
    self.allRows = allRows
    self.allColumns = allColumns
    self.utcOffset = utcOffset
  }

  /// A time as ISO 8601 with milliseconds: `2023-11-14T22:13:20.000Z`, or with the local offset
  /// (`2023-11-14T23:13:20.000+01:00`) when ``utcOffset`` is set.
  public func time(_ ns: Int64) -> String {
    let offset = utcOffset?(ns) ?? 0
    var s = HumanUnits.iso8601(ns &+ Int64(offset) &* 1_000_000_000)
    if utcOffset == nil {
      s += "Z"
    } else {
      let a = abs(offset) / 60
      s += (offset < 0 ? "-" : "+") + HumanUnits.two(a / 60) + ":" + HumanUnits.two(a % 60)
    }
    return s
  }
}

/// Times, durations and counts written for people.
public enum HumanUnits: Sendable {
  /// `2023-11-14T22:13:20.000` (no zone) for nanoseconds since the epoch, proleptic Gregorian calendar.
  public static func iso8601(_ ns: Int64) -> String {
    let msTotal = floorDivide(ns, 1_000_000)
    var days = floorDivide(msTotal, 86_400_000)
    let msOfDay = msTotal - days * 86_400_000
    // Civil from days (H. Hinnant's algorithm).
    days += 719_468
    let era = (days >= 0 ? days : days - 146_096) / 146_097
    let doe = days - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    let secs = msOfDay / 1000
    return "\(y)-\(two(Int(m)))-\(two(Int(d)))T\(two(Int(secs / 3600))):\(two(Int(secs / 60 % 60))):\(two(Int(secs % 60)))."
      + three(Int(msOfDay % 1000))
  }

  /// A duration as `2 d 03:14:05.120` (days only when there are some; milliseconds always).
  public static func duration(_ ns: Int64) -> String {
    let neg = ns < 0
    let ms = neg ? -(ns / 1_000_000) : ns / 1_000_000
    let days = ms / 86_400_000, rest = ms % 86_400_000
    let s = rest / 1000
    var out = neg ? "-" : ""
    if days > 0 { out += "\(days) d " }
    return out + "\(two(Int(s / 3600))):\(two(Int(s / 60 % 60))):\(two(Int(s % 60))).\(three(Int(rest % 1000)))"
  }

  /// An integer with thousands separators: `7,049`.
  public static func grouped<T: BinaryInteger>(_ n: T) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0, (digits.count - i) % 3 == 0 { out += "," }
      out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// Division rounding towards negative infinity, total for every Int64 (no negation of `Int64.min`).
  static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -1 - (-(a + 1)) / b
  }

  static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
  static func three(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : String(v) }

  /// Greedy word wrap at spaces; a word longer than `width` stands alone on its line (never cut).
  static func wrap(_ text: String, _ width: Int) -> [String] {
    guard text.count > width, width > 0 else { return [text] }
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if line.isEmpty {
        line = String(word)
      } else if line.count + 1 + word.count <= width {
        line += " " + word
      } else {
        lines.append(line)
        line = String(word)
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
  }

  /// The longest word of a text.
  static func longestWord(_ text: String) -> Int {
    text.split(separator: " ").map(\.count).max() ?? 0
  }
}

/// An integer with thousands separators (see ``HumanUnits/grouped(_:)``).
func grouped<T: BinaryInteger>(_ n: T) -> String { HumanUnits.grouped(n) }
