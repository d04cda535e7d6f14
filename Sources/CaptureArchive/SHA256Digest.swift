internal import CLibCrypto

/// SHA-256 from the system's OpenSSL libcrypto (EVP interface): the digest behind content names
/// (``CaptureNaming/content``), journal records and copy verification.
///
/// libcrypto rather than swift-crypto: on Linux swift-crypto pulls full Foundation (and ICU) into the executable,
/// which doubled the start-up cost of every command, and rebuilds BoringSSL in every clean build. The only file of
/// the target that touches pointers.
///
/// ```swift
/// var digest = SHA256Digest()
/// digest.update(ArraySlice("abc".utf8))
/// let hash = digest.finalize()  // 32 bytes: ba7816bf…
/// ```
public struct SHA256Digest: ContentDigest {
  /// Owns the EVP context; freed when the last copy of the digest goes away.
  @safe private final class Context {
    let pointer: OpaquePointer?
    init() {
      unsafe pointer = unsafe EVP_MD_CTX_new()
      if let pointer = unsafe pointer { unsafe EVP_DigestInit_ex(pointer, EVP_sha256(), nil) }
    }
    deinit { unsafe EVP_MD_CTX_free(pointer) }
  }

  private var context = Context()

  /// A fresh digest.
  public init() {}

  /// The hash of `bytes` in one call (32 bytes; empty when libcrypto fails).
  public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var digest = SHA256Digest()
    digest.update(ArraySlice(bytes))
    return digest.finalize()
  }

  /// Adds bytes to the hash.
  public mutating func update(_ bytes: ArraySlice<UInt8>) {
    guard let ctx = unsafe context.pointer, !bytes.isEmpty else { return }
    unsafe bytes.withUnsafeBytes { raw in _ = unsafe EVP_DigestUpdate(ctx, raw.baseAddress, raw.count) }
  }

  /// Finishes and returns the 32-byte hash (empty when libcrypto fails); the digest then starts over.
  public mutating func finalize() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    if let ctx = unsafe context.pointer {
      unsafe out.withUnsafeMutableBufferPointer { _ = unsafe EVP_DigestFinal_ex(ctx, $0.baseAddress, &length) }
    }
    context = Context()
    return length == 32 ? out : []
  }

  /// A factory for ``CaptureArchiver`` and ``ArchiveRecovery``.
  public static let factory: ContentDigestFactory = { SHA256Digest() }
}
