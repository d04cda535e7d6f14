import CLibCrypto
import PcapKit

/// SHA-256 from the system's OpenSSL libcrypto (EVP interface), supplied to PcapKit's archive engine, which
/// carries no cryptography of its own.
///
/// libcrypto rather than swift-crypto: on Linux swift-crypto pulls full Foundation (and ICU) into the executable,
/// which doubled the start-up cost of every command, and rebuilt BoringSSL in every clean build.
struct SHA256Digest: ContentDigest {
  /// Owns the EVP context; freed when the last copy of the digest goes away.
  private final class Context {
    let pointer: OpaquePointer?
    init() {
      pointer = EVP_MD_CTX_new()
      if let pointer { EVP_DigestInit_ex(pointer, EVP_sha256(), nil) }
    }
    deinit { EVP_MD_CTX_free(pointer) }
  }

  private var context = Context()

  mutating func update(_ bytes: ArraySlice<UInt8>) {
    guard let ctx = context.pointer, !bytes.isEmpty else { return }
    bytes.withUnsafeBytes { raw in _ = EVP_DigestUpdate(ctx, raw.baseAddress, raw.count) }
  }

  mutating func finalize() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    if let ctx = context.pointer {
      out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(ctx, $0.baseAddress, &length) }
    }
    context = Context()
    return length == 32 ? out : []
  }

  /// A factory for the engine.
  static let factory: ContentDigestFactory = { SHA256Digest() }
}
