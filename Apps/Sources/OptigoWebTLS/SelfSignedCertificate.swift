public import Foundation
import Crypto
import SwiftASN1
import X509

/// A P-256 key and a self-signed server certificate for it, as PEM text.
public struct CertificatePair: Sendable, Equatable {
  /// The certificate, PEM.
  public var certificatePEM: String
  /// The private key, PEM (PKCS#8).
  public var privateKeyPEM: String

  /// A pair from PEM text (not validated: see ``CertificateValidator``).
  public init(certificatePEM: String, privateKeyPEM: String) {
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
  }
}

/// Makes the self-signed certificate a service presents until the user replaces it.
public enum SelfSignedCertificate {
  /// A new P-256 key and a certificate valid from an hour ago for `validityDays`, naming `hostName` and
  /// every address in `addresses` (IPv4 or IPv6 text) as subject alternative names; not a CA, key usage
  /// digital signature, extended key usage server authentication.
  public static func generate(
    hostName: String, addresses: [String], now: Date = Date(), validityDays: Int = 825
  ) throws -> CertificatePair {
    let key = P256.Signing.PrivateKey()
    let name = try DistinguishedName {
      CommonName(hostName)
      OrganizationName("optigo-pcap self-signed")
    }
    var alternativeNames: [GeneralName] = [.dnsName(hostName)]
    if hostName != "localhost" { alternativeNames.append(.dnsName("localhost")) }
    for address in addresses {
      if let bytes = IPAddressText.bytes(of: address) {
        alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
      }
    }
    let extensions = try Certificate.Extensions {
      Critical(BasicConstraints.notCertificateAuthority)
      Critical(KeyUsage(digitalSignature: true))
      try ExtendedKeyUsage([.serverAuth])
      SubjectAlternativeNames(alternativeNames)
    }
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
      notValidBefore: now.addingTimeInterval(-3600),
      notValidAfter: now.addingTimeInterval(TimeInterval(validityDays) * 86_400),
      issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
      issuerPrivateKey: .init(key))
    return CertificatePair(
      certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
  }
}
