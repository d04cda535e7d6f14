/// The reverse map of a sanitization: every pseudonym handed out, with the kind of identity and the original it
/// stands for, in the order first seen. Written (mode 0600) as JSON Lines, one
/// `{"kind":…,"pseudonym":…,"original":…}` object per line, so a site owner can read a vendor's findings back in
/// their own names (``PseudonymMap/reverse(_:)``).
public final class PseudonymMap {
  /// One pseudonym and what it stands for.
  public struct Entry: Hashable, Sendable {
    /// `ipv4`, `ipv6`, `mac`, `mstp`, `vmac` or `string`.
    public var kind: String
    /// The text that appears in the sanitized capture and in reports made from it.
    public var pseudonym: String
    /// The original it replaced.
    public var original: String

    /// Creates an entry.
    public init(kind: String, pseudonym: String, original: String) {
      self.kind = kind
      self.pseudonym = pseudonym
      self.original = original
    }
  }

  /// The entries, in the order first seen.
  public private(set) var entries: [Entry] = []
  private var index: [String: Int] = [:]

  /// An empty map.
  public init() {}

  /// Records a pseudonym (a repeat of a known pseudonym is ignored).
  public func record(_ kind: String, pseudonym: String, original: String) {
    let key = kind + "\u{0}" + pseudonym
    guard index[key] == nil, pseudonym != original else { return }
    index[key] = entries.count
    entries.append(Entry(kind: kind, pseudonym: pseudonym, original: original))
  }

  /// The JSON Lines text of the map.
  public func jsonLines() -> String {
    var text = ""
    for e in entries {
      text += "{\"kind\":" + JSONText.quoted(e.kind) + ",\"pseudonym\":" + JSONText.quoted(e.pseudonym)
        + ",\"original\":" + JSONText.quoted(e.original) + "}\n"
    }
    return text
  }

  /// Reads a map written by ``jsonLines()``.
  /// - Throws: ``SanitizeError`` naming the first line that is not such an object.
  public init(jsonLines text: String) throws(SanitizeError) {
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      lineNumber += 1
      guard let fields = JSONText.flatObject(String(line)), let kind = fields["kind"],
        let pseudonym = fields["pseudonym"], let original = fields["original"]
      else {
        throw SanitizeError(.badMap, "line \(lineNumber) of the map is not a {kind, pseudonym, original} object")
      }
      record(kind, pseudonym: pseudonym, original: original)
    }
  }

  /// `text` (a report, JSON or plain) with every pseudonym replaced by its original.
  ///
  /// Addresses are replaced where they stand as whole tokens (an IPv4 address also before `:port`), strings
  /// where they appear as the whole content of a JSON string or of a quoted text.
  public func reverse(_ text: String) -> String {
    var byToken: [Substring: String] = [:]
    for e in entries where e.kind != "string" && e.kind != "mstp" { byToken[Substring(e.pseudonym)] = e.original }
    var strings: [String: String] = [:]
    for e in entries where e.kind == "string" { strings[e.pseudonym] = e.original }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var i = text.startIndex
    func isTokenCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "." || c == ":") }
    while i < text.endIndex {
      let c = text[i]
      if c == "\"" {
        // A quoted string: replace it whole when it is a string pseudonym.
        var j = text.index(after: i)
        while j < text.endIndex, text[j] != "\"" {
          if text[j] == "\\" { j = text.index(after: j); if j == text.endIndex { break } }
          j = text.index(after: j)
        }
        if j < text.endIndex, let original = reverseString(String(text[text.index(after: i)..<j]), strings) {
          out += JSONText.quoted(original)
          i = text.index(after: j)
          continue
        }
        out.append(c)
        i = text.index(after: i)
        continue
      }
      if isTokenCharacter(c) {
        var j = i
        while j < text.endIndex, isTokenCharacter(text[j]) { j = text.index(after: j) }
        let token = text[i..<j]
        if let original = byToken[token] {
          out += original
        } else if token.contains(".") {
          // IPv4 with a network number or port around it ("5:192.0.2.7:47808"): translate each part.
          out += token.split(separator: ":", omittingEmptySubsequences: false).map { byToken[$0] ?? String($0) }
            .joined(separator: ":")
        } else {
          out += token
        }
        i = j
        continue
      }
      out.append(c)
      i = text.index(after: i)
    }
    return out
  }
}

extension PseudonymMap {
  /// The original of a quoted string's content (JSON-escaped), if it is a string pseudonym: whole, rendered in
  /// quotes (`"dsc-1a2b3c"`), or rendered in quotes and cut off with an ellipsis.
  func reverseString(_ escaped: String, _ strings: [String: String]) -> String? {
    guard let text = JSONText.flatObject("{\"v\":\"" + escaped + "\"}")?["v"] else { return nil }
    if let original = strings[text] { return original }
    guard text.hasPrefix("\""), text.count >= 2 else { return nil }
    var inner = text.dropFirst()
    if inner.hasSuffix("\"") {
      inner = inner.dropLast()
      return strings[String(inner)].map { "\"" + $0 + "\"" }
    }
    guard inner.hasSuffix("\u{2026}") else { return nil }
    let prefix = inner.dropLast()
    guard prefix.count >= 4 else { return nil }
    for (pseudonym, original) in strings where pseudonym.hasPrefix(prefix) {
      return "\"" + original.prefix(prefix.count) + "\u{2026}"
    }
    return nil
  }
}

@available(*, unavailable)
extension PseudonymMap: Sendable {}

/// Just enough JSON for the map: quoting and reading flat objects of string members.
enum JSONText {
  /// `s` as a JSON string literal.
  static func quoted(_ s: String) -> String {
    var out = "\""
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
    return out + "\""
  }

  /// The members of a one-line JSON object whose values are all strings; nil for anything else.
  static func flatObject(_ line: String) -> [String: String]? {
    var scalars = Array(line.unicodeScalars)[...]
    func skipSpace() { while let f = scalars.first, f == " " || f == "\t" || f == "\r" { scalars.removeFirst() } }
    func string() -> String? {
      skipSpace()
      guard scalars.first == "\"" else { return nil }
      scalars.removeFirst()
      var out = String.UnicodeScalarView()
      while let c = scalars.popFirst() {
        if c == "\"" { return String(out) }
        if c == "\\" {
          guard let e = scalars.popFirst() else { return nil }
          switch e {
          case "n": out.append("\n")
          case "r": out.append("\r")
          case "t": out.append("\t")
          case "b": out.append("\u{8}")
          case "f": out.append("\u{C}")
          case "u":
            guard scalars.count >= 4, let v = UInt32(String(String.UnicodeScalarView(scalars.prefix(4))), radix: 16),
              let s = Unicode.Scalar(v)
            else { return nil }
            scalars.removeFirst(4)
            out.append(s)
          default: out.append(e)
          }
        } else {
          out.append(c)
        }
      }
      return nil
    }
    skipSpace()
    guard scalars.popFirst() == "{" else { return nil }
    var fields: [String: String] = [:]
    while true {
      skipSpace()
      if scalars.first == "}" { scalars.removeFirst(); break }
      guard let key = string() else { return nil }
      skipSpace()
      guard scalars.popFirst() == ":", let value = string() else { return nil }
      fields[key] = value
      skipSpace()
      if scalars.first == "," { scalars.removeFirst(); continue }
      guard scalars.popFirst() == "}" else { return nil }
      break
    }
    skipSpace()
    return scalars.isEmpty ? fields : nil
  }
}
