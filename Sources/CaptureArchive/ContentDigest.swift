import PcapKit
import _CaptureInternals

/// A cryptographic hash fed in pieces.
///
/// The archive engine streams every file through a fresh digest to name it (content naming), to record it in the
/// journal, and to verify copies before the original is removed. ``SHA256Digest`` (the system's libcrypto) is the
/// one the `optigo-pcap` CLI uses; another conforming type must be a well-reviewed implementation, not
/// hand-written cryptography.
public protocol ContentDigest {
  /// Adds bytes to the hash.
  mutating func update(_ bytes: ArraySlice<UInt8>)
  /// Finishes and returns the hash value; the digest must not be used afterwards.
  mutating func finalize() -> [UInt8]
}

/// Makes a fresh digest for each file.
public typealias ContentDigestFactory = @Sendable () -> any ContentDigest

/// Lower-case hexadecimal text of bytes (two characters per byte).
package func hexString(_ bytes: some Sequence<UInt8>) -> String {
  let digits: [UInt8] = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  text.reserveCapacity(bytes.underestimatedCount * 2)
  for b in bytes {
    text.append(digits[Int(b >> 4)])
    text.append(digits[Int(b & 0x0F)])
  }
  return String(decoding: text, as: UTF8.self)
}
