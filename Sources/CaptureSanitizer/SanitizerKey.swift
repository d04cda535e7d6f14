import CaptureArchive

/// The secret a sanitization is keyed with, and the independent sub-keys derived from it (SHA-256 of a domain
/// label and the secret), one per kind of identity, so no pseudonym of one kind reveals another.
///
/// The same key gives the same pseudonyms in every file and every run; a different key gives unrelated ones.
public struct SanitizerKey: Sendable {
  /// The secret as given.
  let secret: [UInt8]

  /// The shortest secret accepted, in octets.
  public static let minimumLength = 16

  /// A key from secret octets (at least ``minimumLength``).
  /// - Throws: ``SanitizeError`` when the secret is too short.
  public init(secret: [UInt8]) throws(SanitizeError) {
    guard secret.count >= Self.minimumLength else {
      throw SanitizeError(.badKey, "the key has \(secret.count) octet(s); at least \(Self.minimumLength) are needed")
    }
    self.secret = secret
  }

  /// A key from the contents of a key file: hexadecimal text (whitespace ignored) is decoded, anything else is
  /// used as it is.
  /// - Throws: ``SanitizeError`` when the result is shorter than ``minimumLength`` octets.
  public init(keyFileContents bytes: [UInt8]) throws(SanitizeError) {
    let text = bytes.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
    if !text.isEmpty, text.count % 2 == 0, let decoded = Self.hexDecode(text) {
      try self.init(secret: decoded)
    } else {
      try self.init(secret: bytes)
    }
  }

  static func hexDecode(_ text: [UInt8]) -> [UInt8]? {
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 0x30...0x39: c - 0x30
      case 0x61...0x66: c - 0x61 + 10
      case 0x41...0x46: c - 0x41 + 10
      default: nil
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 2)
    var i = 0
    while i + 1 < text.count {
      guard let h = nibble(text[i]), let l = nibble(text[i + 1]) else { return nil }
      out.append(h << 4 | l)
      i += 2
    }
    return out
  }

  /// 32 octets for `label`: SHA-256 of the label, a zero octet and the secret.
  func derive(_ label: String) -> [UInt8] {
    SHA256Digest.hash(Array("optigo-sanitize/\(label)".utf8) + [0] + secret)
  }
}
