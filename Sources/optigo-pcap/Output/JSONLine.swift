/// Builds one JSON object on one line (JSON Lines), keys in insertion order, with correct string escaping.
///
/// ```swift
/// var j = JSONLine()
/// j.add("frame", 1)
/// j.add("name", "eth0")
/// out.line(j.finish())
/// ```
struct JSONLine {
  private(set) var text = "{"
  private var empty = true

  /// Reserves room for a typical `list --json` line, so the text grows without reallocating.
  init() { text.reserveCapacity(512) }

  private mutating func key(_ k: String) {
    if !empty { text += "," }
    empty = false
    JSONLine.appendString(k, to: &text)
    text += ":"
  }

  /// Adds an integer member.
  mutating func add(_ k: String, _ v: some BinaryInteger) {
    key(k)
    // Int's own formatting is much faster than the generic BinaryInteger one.
    if let i = Int(exactly: v) { text += i.description } else { text += String(v) }
  }

  /// Adds a string member (escaped).
  mutating func add(_ k: String, _ v: String) {
    key(k)
    JSONLine.appendString(v, to: &text)
  }

  /// Adds a boolean member.
  mutating func add(_ k: String, _ v: Bool) {
    key(k)
    text += v ? "true" : "false"
  }

  /// Adds a floating-point member (finite values; others become null).
  mutating func add(_ k: String, _ v: Double) {
    key(k)
    text += v.isFinite ? "\(v)" : "null"
  }

  /// Adds a null member.
  mutating func addNull(_ k: String) {
    key(k)
    text += "null"
  }

  /// Adds a member whose value is already JSON (an array or object built elsewhere).
  mutating func addRaw(_ k: String, _ json: String) {
    key(k)
    text += json
  }

  /// Adds a member holding an array of strings.
  mutating func add(_ k: String, _ v: [String]) {
    key(k)
    var s = "["
    for (i, x) in v.enumerated() {
      if i > 0 { s += "," }
      JSONLine.appendString(x, to: &s)
    }
    text += s + "]"
  }

  /// The finished object text (without newline).
  func finish() -> String { text + "}" }

  /// Appends `s` as a JSON string literal.
  static func appendString(_ s: String, to out: inout String) {
    out += "\""
    // Fast path: nothing to escape (the common case), so the string is appended whole.
    var plain = true
    for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
      plain = false
      break
    }
    if plain {
      out += s
      out += "\""
      return
    }
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let h = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    out += "\""
  }
}
