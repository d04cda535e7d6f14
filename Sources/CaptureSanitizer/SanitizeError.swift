/// Why a sanitization could not start or finish.
public struct SanitizeError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, in categories a caller maps to exit statuses.
  public struct Code: RawRepresentable, Hashable, Sendable {
    /// The code's name.
    public var rawValue: String
    /// Creates a code.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The key is too short or AES is unavailable.
    public static let badKey = Self(rawValue: "bad-key")
    /// An option value does not parse (a string selection, a time shift).
    public static let badOption = Self(rawValue: "bad-option")
    /// A reverse map or report cannot be read or parsed.
    public static let badMap = Self(rawValue: "bad-map")
  }

  /// The category.
  public var code: Code
  /// A sentence saying what was wrong.
  public var message: String

  /// Creates an error.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
