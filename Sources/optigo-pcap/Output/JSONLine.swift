/// Builds one JSON object on one line (JSON Lines), keys in insertion order, with correct string escaping.
///
/// The text is collected as UTF-8 bytes (`list --json` builds dozens of members per packet; appending bytes is
/// several times cheaper than growing a `String`) and becomes a `String` once, in ``finish()``.
///
/// ```swift
/// var j = JSONLine()
/// j.add("frame", 1)
/// j.add("name", "eth0")
/// out.line(j.finish())
/// ```
struct JSONLine {
  private var bytes: [UInt8] = [0x7B]  // {
  private var empty = true

  /// Reserves room for a typical `list --json` member list, so the bytes grow without reallocating.
  init() { bytes.reserveCapacity(256) }

  private mutating func key(_ k: String) {
    if !empty { bytes.append(0x2C) }  // ,
    empty = false
    JSONLine.appendString(k, to: &bytes)
    bytes.append(0x3A)  // :
  }

  /// Adds an integer member.
  mutating func add(_ k: String, _ v: some BinaryInteger) {
    key(k)
    if let i = Int(exactly: v) { JSONLine.appendDecimal(i, to: &bytes) } else { bytes.append(contentsOf: String(v).utf8) }
  }

  /// Adds a string member (escaped).
  mutating func add(_ k: String, _ v: String) {
    key(k)
    JSONLine.appendString(v, to: &bytes)
  }

  /// Adds a boolean member.
  mutating func add(_ k: String, _ v: Bool) {
    key(k)
    bytes.append(contentsOf: (v ? "true" : "false").utf8)
  }

  /// Adds a floating-point member (finite values; others become null).
  mutating func add(_ k: String, _ v: Double) {
    key(k)
    bytes.append(contentsOf: (v.isFinite ? "\(v)" : "null").utf8)
  }

  /// Adds a null member.
  mutating func addNull(_ k: String) {
    key(k)
    bytes.append(contentsOf: "null".utf8)
  }

  /// Adds a member whose value is already JSON (an array or object built elsewhere).
  mutating func addRaw(_ k: String, _ json: String) {
    key(k)
    bytes.append(contentsOf: json.utf8)
  }

  /// Adds a member holding an array of strings.
  mutating func add(_ k: String, _ v: [String]) {
    key(k)
    bytes.append(0x5B)  // [
    for (i, x) in v.enumerated() {
      if i > 0 { bytes.append(0x2C) }
      JSONLine.appendString(x, to: &bytes)
    }
    bytes.append(0x5D)  // ]
  }

  /// The finished object text (without newline).
  func finish() -> String {
    var done = bytes
    done.append(0x7D)  // }
    return String(decoding: done, as: UTF8.self)
  }

  /// Appends the decimal digits of `v`.
  static func appendDecimal(_ v: Int, to out: inout [UInt8]) {
    guard v != 0 else {
      out.append(0x30)
      return
    }
    if v < 0 { out.append(0x2D) }  // -
    let start = out.count
    var m = v.magnitude
    while m > 0 {
      out.append(0x30 + UInt8(m % 10))
      m /= 10
    }
    out[start...].reverse()
  }

  /// Appends `s` as a JSON string literal.
  static func appendString(_ s: String, to out: inout [UInt8]) {
    out.append(0x22)
    // Fast path: nothing to escape (the common case), so the string's bytes are appended whole.
    var plain = true
    for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
      plain = false
      break
    }
    if plain {
      out.append(contentsOf: s.utf8)
      out.append(0x22)
      return
    }
    for b in s.utf8 {
      switch b {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])  // \"
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])  // \\
      case 0x0A: out.append(contentsOf: [0x5C, 0x6E])  // \n
      case 0x0D: out.append(contentsOf: [0x5C, 0x72])  // \r
      case 0x09: out.append(contentsOf: [0x5C, 0x74])  // \t
      case ..<0x20:
        // \u00XX
        out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, 0x30 + b >> 4, b & 0x0F < 10 ? 0x30 + b & 0x0F : 0x57 + b & 0x0F])
      default:
        out.append(b)  // UTF-8 passes through byte by byte (multi-byte sequences stay intact)
      }
    }
    out.append(0x22)
  }
}
