public import NIOSSL
import NIOCore
import Synchronization

/// The server's TLS settings with a certificate that can be swapped while it runs: every handshake asks
/// ``current`` through NIOSSL's `sslContextCallback`, so a replacement takes effect for the next connection
/// without a restart (connections already open keep their certificate).
///
/// Minimum version TLS 1.2 (NIOSSL's own default is TLS 1.0); TLS 1.2 suites limited to ECDHE with AES-GCM or
/// ChaCha20-Poly1305 (forward secrecy, AEAD); TLS 1.3 suites are BoringSSL's (all AEAD).
public final class ReloadableTLS: Sendable {
  private struct Loaded: Sendable {
    var chain: [NIOSSLCertificate]
    var key: NIOSSLPrivateKey
  }

  private let loaded: Mutex<Loaded>

  /// The TLS 1.2 cipher suites offered.
  public static let cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"

  /// Settings serving `pair` (throws when it cannot be parsed).
  public init(pair: CertificatePair) throws {
    loaded = Mutex(try Self.parse(pair))
  }

  /// Serves `pair` from the next handshake on. Validate it first with ``CertificateValidator``.
  public func replace(with pair: CertificatePair) throws {
    let parsed = try Self.parse(pair)
    loaded.withLock { $0 = parsed }
  }

  /// The certificate chain now served.
  public var currentChain: [NIOSSLCertificate] { loaded.withLock { $0.chain } }

  /// A server configuration: TLS ≥ 1.2, the suites above, the current pair, swapped per handshake.
  public func serverConfiguration() -> TLSConfiguration {
    let initial = loaded.withLock { $0 }
    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: initial.chain.map { .certificate($0) }, privateKey: .privateKey(initial.key))
    configuration.minimumTLSVersion = .tlsv12
    configuration.cipherSuites = Self.cipherSuites
    configuration.sslContextCallback = { [self] _, promise in
      let now = self.loaded.withLock { $0 }
      var override = NIOSSLContextConfigurationOverride()
      override.certificateChain = now.chain.map { .certificate($0) }
      override.privateKey = .privateKey(now.key)
      promise.succeed(override)
    }
    return configuration
  }

  private static func parse(_ pair: CertificatePair) throws -> Loaded {
    let chain = try NIOSSLCertificate.fromPEMBytes(Array(pair.certificatePEM.utf8))
    let key = try NIOSSLPrivateKey(bytes: Array(pair.privateKeyPEM.utf8), format: .pem)
    return Loaded(chain: chain, key: key)
  }
}
