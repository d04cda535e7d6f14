/// The one JSON text writer of the project: string escaping and number formatting live here and nowhere else.
///
/// Every JSON the project prints goes through it: `list --json` packet lines, `info --json`, `repair --json` and the
/// `summarize` report (`ReportValue` in BACnetAnalysis). The text is collected as UTF-8 bytes (appending bytes is
/// several times cheaper than growing a `String`) and becomes a `String` once.
///
/// Rules, the same for every caller:
/// - strings: `"` `\` and control characters escaped (`\n`, `\r`, `\t`, else `\u00xx` with lower-case hex), every
///   other character passed through as UTF-8;
/// - integers: decimal digits;
/// - real numbers: non-finite ones as `null`; integral ones below 10¹⁵ in magnitude as integers (`3`, not `3.0`);
///   others in Swift's shortest round-trip spelling (`0.25`, `1e+20`).
///
/// ```swift
/// var j = JSONWriter.Object()
/// j.add("frame", 1)
/// j.add("name", "eth0")
/// let line = j.finish()  // {"frame":1,"name":"eth0"}
/// ```
package enum JSONWriter {
  /// Appends `s` as a JSON string literal.
  package static func appendString(_ s: String, to out: inout [UInt8]) {
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

  /// Appends the decimal digits of an integer.
  package static func appendInteger(_ v: some BinaryInteger, to out: inout [UInt8]) {
    guard let i = Int(exactly: v) else {
      out.append(contentsOf: String(v).utf8)
      return
    }
    guard i != 0 else {
      out.append(0x30)
      return
    }
    if i < 0 { out.append(0x2D) }  // -
    let start = out.count
    var m = i.magnitude
    while m > 0 {
      out.append(0x30 + UInt8(m % 10))
      m /= 10
    }
    out[start...].reverse()
  }

  /// Appends a real number: `null` when not finite, integer digits when integral and below 10¹⁵ in magnitude,
  /// otherwise Swift's shortest round-trip spelling.
  package static func appendNumber(_ v: Double, to out: inout [UInt8]) {
    if !v.isFinite {
      out.append(contentsOf: "null".utf8)
    } else if v == v.rounded(), abs(v) < 1e15 {
      appendInteger(Int64(v), to: &out)
    } else {
      out.append(contentsOf: String(v).utf8)
    }
  }

  /// Appends `true` or `false`.
  package static func appendBool(_ v: Bool, to out: inout [UInt8]) {
    out.append(contentsOf: (v ? "true" : "false").utf8)
  }

  /// Appends `null`.
  package static func appendNull(to out: inout [UInt8]) {
    out.append(contentsOf: "null".utf8)
  }

  /// `s` as a JSON string literal.
  package static func quoted(_ s: String) -> String {
    var out: [UInt8] = []
    appendString(s, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// One JSON object built member by member (keys in insertion order), for one line of JSON Lines or one nested
  /// value.
  package struct Object {
    private var bytes: [UInt8] = [0x7B]  // {
    private var empty = true

    /// Reserves room for a typical `list --json` member list, so the bytes grow without reallocating.
    package init() { bytes.reserveCapacity(256) }

    private mutating func key(_ k: String) {
      if !empty { bytes.append(0x2C) }  // ,
      empty = false
      JSONWriter.appendString(k, to: &bytes)
      bytes.append(0x3A)  // :
    }

    /// Adds an integer member.
    package mutating func add(_ k: String, _ v: some BinaryInteger) {
      key(k)
      JSONWriter.appendInteger(v, to: &bytes)
    }

    /// Adds a string member (escaped).
    package mutating func add(_ k: String, _ v: String) {
      key(k)
      JSONWriter.appendString(v, to: &bytes)
    }

    /// Adds a boolean member.
    package mutating func add(_ k: String, _ v: Bool) {
      key(k)
      JSONWriter.appendBool(v, to: &bytes)
    }

    /// Adds a real-number member (see ``JSONWriter`` for the spelling).
    package mutating func add(_ k: String, _ v: Double) {
      key(k)
      JSONWriter.appendNumber(v, to: &bytes)
    }

    /// Adds a null member.
    package mutating func addNull(_ k: String) {
      key(k)
      JSONWriter.appendNull(to: &bytes)
    }

    /// Adds a member whose value is already JSON (an array or object built with this writer).
    package mutating func addRaw(_ k: String, _ json: String) {
      key(k)
      bytes.append(contentsOf: json.utf8)
    }

    /// Adds a member holding an array of strings.
    package mutating func add(_ k: String, _ v: [String]) {
      addArray(k, v) { JSONWriter.appendString($0, to: &$1) }
    }

    /// Adds a member holding an array of integers.
    package mutating func add(_ k: String, _ v: [Int]) {
      addArray(k, v) { JSONWriter.appendInteger($0, to: &$1) }
    }

    private mutating func addArray<Element>(_ k: String, _ v: [Element], _ element: (Element, inout [UInt8]) -> Void) {
      key(k)
      bytes.append(0x5B)  // [
      for (i, x) in v.enumerated() {
        if i > 0 { bytes.append(0x2C) }
        element(x, &bytes)
      }
      bytes.append(0x5D)  // ]
    }

    /// The finished object text (without newline).
    package func finish() -> String {
      var done = bytes
      done.append(0x7D)  // }
      return String(decoding: done, as: UTF8.self)
    }
  }
}
