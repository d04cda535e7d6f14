public import Foundation
import OptigoWebSecurity

/// The service's certificate and key files (`cert.pem`, `key.pem`, both mode 0600, in a 0700 folder).
public struct CertificateStore: Sendable {
  /// The folder holding both files.
  public let directory: String
  /// The certificate file (leaf first, then any chain).
  public var certificatePath: String { directory + "/cert.pem" }
  /// The private key file.
  public var privateKeyPath: String { directory + "/key.pem" }

  /// A store in `directory`.
  public init(directory: String) {
    self.directory = directory
  }

  /// The stored pair, or a new self-signed one (for the host name and the host's addresses) written on
  /// first start. Returns the pair and whether it was just generated.
  public func loadOrCreate(
    hostName: String = ProcessInfo.processInfo.hostName, addresses: [String] = IPAddressText.hostAddresses(),
    now: Date = Date()
  ) throws -> (pair: CertificatePair, generated: Bool) {
    if let pair = try load() { return (pair, false) }
    let pair = try SelfSignedCertificate.generate(hostName: hostName, addresses: addresses, now: now)
    try save(pair)
    return (pair, true)
  }

  /// What a service serves at start: the stored pair (or a new self-signed one, reported through `log`),
  /// refused with a message saying what to do when it does not validate (mismatched or expired).
  public func loadForServing(log: (String) -> Void = { _ in }) throws -> ReloadableTLS {
    let (pair, generated) = try loadOrCreate()
    if generated { log("Generated a self-signed certificate in \(certificatePath).") }
    do {
      try CertificateValidator.validate(pair)
    } catch {
      throw SecureFile.Failure(
        description: "the certificate in \(directory) is not usable: \(error) Replace cert.pem and key.pem, or remove both to generate a new self-signed pair.")
    }
    return try ReloadableTLS(pair: pair)
  }

  /// The stored pair, nil when either file is missing.
  public func load() throws -> CertificatePair? {
    guard let certificate = try SecureFile.readIfPresent(certificatePath, limit: 1 << 20),
      let key = try SecureFile.readIfPresent(privateKeyPath, limit: 1 << 20)
    else { return nil }
    return CertificatePair(
      certificatePEM: String(decoding: certificate, as: UTF8.self),
      privateKeyPEM: String(decoding: key, as: UTF8.self))
  }

  /// Writes both files atomically (key first, so a crash never leaves a new certificate with an old key
  /// unnoticed: ``CertificateValidator`` refuses a mismatched pair at start).
  public func save(_ pair: CertificatePair) throws {
    try SecureFile.makePrivateDirectory(directory)
    try SecureFile.writeAtomically(Array(pair.privateKeyPEM.utf8), to: privateKeyPath)
    try SecureFile.writeAtomically(Array(pair.certificatePEM.utf8), to: certificatePath)
  }
}
