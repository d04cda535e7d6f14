#if canImport(FoundationEssentials)
  internal import FoundationEssentials
#else
  internal import Foundation
#endif
internal import PcapKit

/// The reverse map of a sanitization: every pseudonym handed out, with the kind of identity and the original it
/// stands for, in the order first seen. Written (mode 0600) as JSON Lines, one
/// `{"kind":…,"original":…,"pseudonym":…}` object per line (keys sorted), so a site owner can read a vendor's
/// findings back in their own names (``PseudonymMap/reverse(_:)``).
public final class PseudonymMap {
  /// One pseudonym and what it stands for.
  public struct Entry: Hashable, Sendable, Codable {
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var text = ""
    for e in entries {
      guard let line = try? encoder.encode(e) else { continue }
      text += String(decoding: line, as: UTF8.self) + "\n"
    }
    return text
  }

  /// Reads a map written by ``jsonLines()``.
  /// - Throws: ``SanitizeError`` naming the first line that is not such an object.
  public init(jsonLines text: String) throws(SanitizeError) {
    let decoder = JSONDecoder()
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      lineNumber += 1
      guard let e = try? decoder.decode(Entry.self, from: Data(line.utf8)) else {
        throw SanitizeError(.badMap, "line \(lineNumber) of the map is not a {kind, pseudonym, original} object")
      }
      record(e.kind, pseudonym: e.pseudonym, original: e.original)
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
        } else if let original = Self.reverseHexBIP(token, byToken) {
          out += original
        } else if let colon = token.firstIndex(of: ":"), token[..<colon].allSatisfy(\.isNumber),
          let original = byToken[token[token.index(after: colon)...]] ?? Self.reverseHexBIP(token[token.index(after: colon)...], byToken)
        {
          out += token[...colon] + original  // "network:address"
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
  /// A B/IP address written as 12 hex digits (IPv4 and port, as a 6-octet SADR/DADR is shown) translated back.
  static func reverseHexBIP(_ token: Substring, _ byToken: [Substring: String]) -> String? {
    guard token.count == 12, let value = UInt64(token, radix: 16) else { return nil }
    let pseudonym = IPAddress.v4(UInt32(truncatingIfNeeded: value >> 16)).description
    guard let original = byToken[Substring(pseudonym)] else { return nil }
    let octets = original.split(separator: ".").compactMap { UInt8($0) }
    guard octets.count == 4 else { return nil }
    let hex = octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    return (token.first?.isUppercase == true ? hex.uppercased() : hex) + token.suffix(4)
  }

  /// The original of a quoted string's content (JSON-escaped), if it is a string pseudonym: whole, rendered in
  /// quotes (`"dsc-1a2b3c"`), or rendered in quotes and cut off with an ellipsis.
  func reverseString(_ escaped: String, _ strings: [String: String]) -> String? {
    guard let text = JSONText.unescaped(escaped) else { return nil }
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

/// JSON string literals through Foundation's encoder and decoder.
enum JSONText {
  /// `s` as a JSON string literal.
  static func quoted(_ s: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    guard let data = try? encoder.encode(s) else { return "\"\"" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The string a JSON string literal's content (between the quotes, still escaped) stands for.
  static func unescaped(_ content: String) -> String? {
    try? JSONDecoder().decode(String.self, from: Data(("\"" + content + "\"").utf8))
  }
}
