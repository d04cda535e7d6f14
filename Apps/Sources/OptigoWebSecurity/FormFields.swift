import Foundation

/// The fields of an `application/x-www-form-urlencoded` body (or query), decoded once by ``CSRFMiddleware``.
public struct FormFields: Sendable, Equatable {
  /// Each field's values, in order of appearance.
  public private(set) var values: [String: [String]] = [:]

  /// No fields.
  public init() {}

  /// Parses `a=1&b=x+y%21` (percent-decoding, `+` as space); malformed escapes keep their raw text.
  public init(parsing text: String) {
    for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = Self.decode(parts[0])
      let value = parts.count > 1 ? Self.decode(parts[1]) : ""
      values[name, default: []].append(value)
    }
  }

  /// The first value of a field.
  public subscript(_ name: String) -> String? { values[name]?.first }

  /// Every value of a field (checkboxes, repeated inputs).
  public func all(_ name: String) -> [String] { values[name] ?? [] }

  private static func decode(_ raw: Substring) -> String {
    let spaced = raw.replacingOccurrences(of: "+", with: " ")
    return spaced.removingPercentEncoding ?? spaced
  }
}
