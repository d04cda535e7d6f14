import Crypto
import PcapKit

/// SHA-256 from swift-crypto, supplied to PcapKit's archive engine (which carries no cryptography of its own).
struct SHA256Digest: ContentDigest {
  private var hasher = SHA256()

  mutating func update(_ bytes: ArraySlice<UInt8>) {
    hasher.update(data: bytes)
  }

  mutating func finalize() -> [UInt8] {
    Array(hasher.finalize())
  }

  /// A factory for the engine.
  static let factory: ContentDigestFactory = { SHA256Digest() }
}
