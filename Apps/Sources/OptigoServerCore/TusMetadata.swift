import Foundation

/// The parts of tus 1.0 headers the server reads: `Upload-Metadata` (comma-separated `key base64value` pairs)
/// and `Upload-Checksum` (`algorithm base64digest`).
enum TusHeaders {
  /// The decoded pairs; nil when malformed (bad base64, repeated or empty key).
  static func metadata(_ header: String) -> [String: [UInt8]]? {
    var result: [String: [UInt8]] = [:]
    for item in header.split(separator: ",", omittingEmptySubsequences: true) {
      let parts = item.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
      guard parts.count == 1 || parts.count == 2 else { return nil }
      let key = String(parts[0])
      guard !key.isEmpty, result[key] == nil else { return nil }
      if parts.count == 2 {
        guard let data = Data(base64Encoded: String(parts[1])) else { return nil }
        result[key] = Array(data)
      } else {
        result[key] = []
      }
    }
    return result
  }

  /// `sha256 <base64 of the 32-byte digest>` → the digest; nil for another algorithm or a malformed value.
  static func sha256Checksum(_ header: String) -> [UInt8]? {
    let parts = header.split(separator: " ")
    guard parts.count == 2, parts[0].lowercased() == "sha256", let data = Data(base64Encoded: String(parts[1])),
      data.count == 32
    else { return nil }
    return Array(data)
  }

  /// The declared whole-file SHA-256 (metadata key `sha256`): 32 raw bytes or 64 hex digits, as lower-case hex.
  static func declaredSHA256(_ value: [UInt8]) -> String? {
    if value.count == 32 { return value.hexString }
    let text = String(decoding: value, as: UTF8.self).lowercased()
    guard text.utf8.count == 64, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    else { return nil }
    return text
  }

  /// A file name safe to keep: at most `maximumBytes` of UTF-8, no path separator, no control character, not
  /// `.` or `..`; nil otherwise.
  static func fileName(_ value: [UInt8], maximumBytes: Int) -> String? {
    guard !value.isEmpty, value.count <= maximumBytes, let name = String(validating: value, as: UTF8.self),
      name != ".", name != "..",
      !name.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F })
    else { return nil }
    return name
  }
}
