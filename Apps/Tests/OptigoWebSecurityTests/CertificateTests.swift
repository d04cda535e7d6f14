import Crypto
import Foundation
import OptigoWebTLS
import SwiftASN1
import Testing
import X509

@Suite struct CertificateTests {
  @Test func selfSignedCertificateNamesHostAndAddresses() throws {
    let now = Date()
    let pair = try SelfSignedCertificate.generate(hostName: "tool.example", addresses: ["192.0.2.7", "2001:db8::1"], now: now)
    let certificate = try Certificate(pemEncoded: pair.certificatePEM)
    let key = try Certificate.PrivateKey(pemEncoded: pair.privateKeyPEM)
    #expect(key.publicKey == certificate.publicKey)
    #expect(P256.Signing.PublicKey(certificate.publicKey) != nil)
    #expect(certificate.issuer == certificate.subject)
    #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
    let names = try #require(try certificate.extensions.subjectAlternativeNames)
    #expect(names.contains(.dnsName("tool.example")))
    #expect(names.contains(.dnsName("localhost")))
    #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [192, 0, 2, 7]))))
    #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]))))
    #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
    #expect(try certificate.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
    #expect(certificate.notValidBefore <= now && certificate.notValidAfter > now.addingTimeInterval(365 * 86400))
    try CertificateValidator.validate(pair, now: now)
  }

  @Test func validatorRefusesMismatchedExpiredAndGarbage() throws {
    let now = Date()
    let a = try SelfSignedCertificate.generate(hostName: "a", addresses: [], now: now)
    let b = try SelfSignedCertificate.generate(hostName: "b", addresses: [], now: now)
    #expect(throws: CertificateValidator.Problem.keyMismatch) {
      try CertificateValidator.validate(CertificatePair(certificatePEM: a.certificatePEM, privateKeyPEM: b.privateKeyPEM), now: now)
    }
    #expect {
      try CertificateValidator.validate(a, now: now.addingTimeInterval(900 * 86400))
    } throws: { error in
      if case .expired = error as? CertificateValidator.Problem { return true }
      return false
    }
    #expect {
      try CertificateValidator.validate(a, now: now.addingTimeInterval(-86400))
    } throws: { error in
      if case .notYetValid = error as? CertificateValidator.Problem { return true }
      return false
    }
    #expect {
      try CertificateValidator.validate(CertificatePair(certificatePEM: "junk", privateKeyPEM: a.privateKeyPEM), now: now)
    } throws: { error in
      if case .unreadableCertificate = error as? CertificateValidator.Problem { return true }
      return false
    }
    #expect {
      try CertificateValidator.validate(CertificatePair(certificatePEM: a.certificatePEM, privateKeyPEM: "junk"), now: now)
    } throws: { error in
      if case .unreadableKey = error as? CertificateValidator.Problem { return true }
      return false
    }
  }

  @Test func storeWritesPrivateFilesOnceAndKeepsThem() throws {
    let folder = try temporaryFolder("tls")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = CertificateStore(directory: folder + "/tls")
    let (first, generated) = try store.loadOrCreate(hostName: "h", addresses: ["127.0.0.1"])
    #expect(generated)
    #expect(try mode(of: store.certificatePath) == 0o600)
    #expect(try mode(of: store.privateKeyPath) == 0o600)
    #expect(try mode(of: folder + "/tls") == 0o700)
    let (second, again) = try store.loadOrCreate(hostName: "h", addresses: [])
    #expect(!again)
    #expect(second == first)
  }

  /// OpenSSL, an independent parser, reads our certificate and key and agrees they match.
  @Test func opensslReadsTheCertificate() throws {
    guard let openssl = Tools.find("openssl") else {
      print("SKIP opensslReadsTheCertificate: openssl not installed (apt-get install openssl)")
      return
    }
    let folder = try temporaryFolder("tls-openssl")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = CertificateStore(directory: folder)
    _ = try store.loadOrCreate(hostName: "tool.example", addresses: ["192.0.2.7"])
    let text = try Tools.run(openssl, ["x509", "-in", store.certificatePath, "-noout", "-text"])
    #expect(text.contains("prime256v1") || text.contains("P-256"))
    #expect(text.contains("DNS:tool.example"))
    #expect(text.contains("IP Address:192.0.2.7"))
    #expect(text.contains("TLS Web Server Authentication"))
    #expect(text.contains("CA:FALSE"))
    let certificateKey = try Tools.run(openssl, ["x509", "-in", store.certificatePath, "-noout", "-pubkey"])
    let privateKey = try Tools.run(openssl, ["pkey", "-in", store.privateKeyPath, "-pubout"])
    #expect(certificateKey == privateKey)
  }
}

/// Finding and running external tools.
enum Tools {
  static func find(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let path = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
