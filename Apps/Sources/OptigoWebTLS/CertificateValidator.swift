public import Foundation
import Crypto
import SwiftASN1
import X509

/// Checks a certificate and key offered as a replacement: both parse, the key is the certificate's, and the
/// certificate is valid now.
public enum CertificateValidator {
  /// Why a pair was refused.
  public enum Problem: Error, Equatable, CustomStringConvertible {
    /// The certificate is not a PEM X.509 certificate (the first one counts; chain certificates may follow).
    case unreadableCertificate(String)
    /// The key is not a PEM private key.
    case unreadableKey(String)
    /// The key does not belong to the certificate.
    case keyMismatch
    /// The certificate's validity ended.
    case expired(Date)
    /// The certificate's validity has not begun.
    case notYetValid(Date)

    public var description: String {
      switch self {
      case .unreadableCertificate(let why): "The certificate cannot be read: \(why)"
      case .unreadableKey(let why): "The private key cannot be read: \(why)"
      case .keyMismatch: "The private key does not match the certificate."
      case .expired(let date): "The certificate expired on \(ISO8601DateFormatter().string(from: date))."
      case .notYetValid(let date): "The certificate is not valid before \(ISO8601DateFormatter().string(from: date))."
      }
    }
  }

  /// A summary of an accepted certificate.
  public struct Summary: Sendable, Equatable {
    /// Subject, as text.
    public var subject: String
    /// End of validity.
    public var notValidAfter: Date
  }

  /// Validates the pair at `now`; throws a ``Problem`` or returns a summary.
  @discardableResult
  public static func validate(_ pair: CertificatePair, now: Date = Date()) throws(Problem) -> Summary {
    let certificate: Certificate
    do {
      certificate = try Certificate(pemEncoded: firstPEMBlock(of: pair.certificatePEM, label: "CERTIFICATE"))
    } catch {
      throw .unreadableCertificate("\(error)")
    }
    let key: Certificate.PrivateKey
    do {
      key = try Certificate.PrivateKey(pemEncoded: pair.privateKeyPEM)
    } catch {
      throw .unreadableKey("\(error)")
    }
    guard key.publicKey == certificate.publicKey else { throw .keyMismatch }
    if certificate.notValidAfter < now { throw .expired(certificate.notValidAfter) }
    if certificate.notValidBefore > now { throw .notYetValid(certificate.notValidBefore) }
    return Summary(subject: certificate.subject.description, notValidAfter: certificate.notValidAfter)
  }

  /// The first `-----BEGIN label-----` … `-----END label-----` block of `text` (a chain's leaf).
  static func firstPEMBlock(of text: String, label: String) -> String {
    let end = "-----END \(label)-----"
    guard let range = text.range(of: end) else { return text }
    return String(text[..<range.upperBound])
  }
}
