import PcapKit
import _CaptureInternals

/// How a capture's new name is chosen. Neither scheme looks at the old name.
public enum CaptureNaming: String, Codable, Hashable, Sendable, CaseIterable {
  /// 128 bits from the system's secure random source, as 32 lower-case hex digits.
  case random
  /// The hex digest of the file's bytes (SHA-256 in the CLI: 64 hex digits), so the same capture always gets the
  /// same name and uploading it again is idempotent.
  case content
}

/// Produces new base names (without extension) for captures.
public struct CaptureNamer {
  /// The scheme in use.
  public let naming: CaptureNaming
  private var generator: any RandomNumberGenerator

  /// Creates a namer.
  ///
  /// - Parameters:
  ///   - naming: random or content names.
  ///   - generator: the random source for ``CaptureNaming/random``. The default, `SystemRandomNumberGenerator`,
  ///     is the operating system's secure source (`getrandom(2)` on Linux); tests may pass a fixed one.
  public init(naming: CaptureNaming, generator: any RandomNumberGenerator = SystemRandomNumberGenerator()) {
    self.naming = naming
    self.generator = generator
  }

  /// The next base name.
  ///
  /// - Parameter contentDigest: the file's digest; used by ``CaptureNaming/content``, ignored by
  ///   ``CaptureNaming/random``.
  public mutating func baseName(contentDigest: [UInt8]) -> String {
    switch naming {
    case .content:
      return hexString(contentDigest)
    case .random:
      var bytes: [UInt8] = []
      bytes.reserveCapacity(16)
      for _ in 0..<2 {
        var word = generator.next()  // 64 random bits
        for _ in 0..<8 {
          bytes.append(UInt8(truncatingIfNeeded: word))
          word >>= 8
        }
      }
      return hexString(bytes)
    }
  }

  /// True when `name` (a file name without directory) looks like a name this namer could have produced for
  /// `kind`: the right number of hex digits followed by the kind's extension.
  public static func isAnonymizedName(_ name: String, kind: CaptureFileKind, digestLength: Int) -> Bool {
    guard name.hasSuffix(kind.fileExtension) else { return false }
    let stem = name.dropLast(kind.fileExtension.count)
    let hex = stem.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    return hex && (stem.utf8.count == 32 || stem.utf8.count == digestLength * 2)
  }
}
