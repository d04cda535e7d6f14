/// The password rule of every optigo service: at least 8 characters, with an upper-case letter, a lower-case
/// letter, and a digit or a special (non-letter) character. Enforced on the server; the pages show ``summary``.
///
/// bcrypt only reads the first 72 bytes of a password, so longer ones are refused rather than silently cut.
public enum PasswordRule {
  /// The rule as shown to users next to every password field and in every refusal.
  public static let summary =
    "at least 8 characters, with an upper-case letter, a lower-case letter, and a digit or special character (at most 72 bytes)"

  /// The shortest accepted password, in characters.
  public static let minimumLength = 8
  /// The longest accepted password, in UTF-8 bytes (bcrypt's limit).
  public static let maximumBytes = 72

  /// Checks a candidate password; nil when it satisfies the rule, else a message naming what is missing.
  public static func violation(of password: String) -> String? {
    var missing: [String] = []
    if password.count < minimumLength { missing.append("at least \(minimumLength) characters") }
    if password.utf8.count > maximumBytes { missing.append("at most \(maximumBytes) bytes") }
    if !password.contains(where: { $0.isUppercase }) { missing.append("an upper-case letter") }
    if !password.contains(where: { $0.isLowercase }) { missing.append("a lower-case letter") }
    if !password.contains(where: { !$0.isLetter && !$0.isWhitespace }) {
      missing.append("a digit or special character")
    }
    if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
      missing.append("no control characters")
    }
    if missing.isEmpty { return nil }
    return "Password refused: it needs " + missing.joined(separator: ", ") + ". Rule: " + summary + "."
  }
}
