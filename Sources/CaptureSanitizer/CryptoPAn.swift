/// Prefix-preserving IP address pseudonymization: Crypto-PAn (J. Fan, J. Xu, M. Ammar, S. Moon, "Prefix-preserving
/// IP address anonymization", Computer Networks 46(2), 2004), with AES-128 as the pseudo-random function.
///
/// The 32-octet key is the reference implementation's: octets 0–15 are the AES key, octets 16–31 are encrypted
/// once to give the padding block. Output bit *i* is input bit *i* XOR the first bit of AES(the first *i* input
/// bits followed by the padding's remaining bits), so two addresses sharing exactly *k* leading bits get
/// pseudonyms sharing exactly *k* leading bits, and the map is a bijection (``decrypt(_:)`` undoes it).
public final class CryptoPAn {
  private let cipher: AES128Block
  private let pad: [UInt8]

  /// Creates the map for a 32-octet key; nil for another length or when AES is unavailable.
  public init?(key: [UInt8]) {
    guard key.count == 32, let cipher = AES128Block(key: Array(key[0..<16])) else { return nil }
    var pad = Array(key[16..<32])
    cipher.encrypt(&pad)
    self.cipher = cipher
    self.pad = pad
  }

  /// The pseudonym of an IPv4 address (most significant octet first, 10.0.0.1 is `0x0A00_0001`).
  public func encrypt(_ address: UInt32) -> UInt32 {
    var otp: UInt32 = 0
    for position in 0..<32 {
      otp |= UInt32(bit(prefixOf: UInt64(address) << 32, 0, bits: position)) << (31 - position)
    }
    return address ^ otp
  }

  /// The address whose pseudonym is `pseudonym` (the inverse of ``encrypt(_:)``).
  public func decrypt(_ pseudonym: UInt32) -> UInt32 {
    var address: UInt32 = 0
    for position in 0..<32 {
      let b = bit(prefixOf: UInt64(address) << 32, 0, bits: position)
      let out = (pseudonym >> (31 - position)) & 1
      address |= (out ^ UInt32(b)) << (31 - position)
    }
    return address
  }

  /// The pseudonym of an IPv6 address given as two 64-bit halves, most significant first.
  public func encrypt(high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
    var otpHigh: UInt64 = 0
    var otpLow: UInt64 = 0
    for position in 0..<128 {
      let b = UInt64(bit(prefixOf: high, low, bits: position))
      if position < 64 { otpHigh |= b << (63 - position) } else { otpLow |= b << (127 - position) }
    }
    return (high ^ otpHigh, low ^ otpLow)
  }

  /// The first bit of AES(the first `bits` bits of `high:low`, then the padding's bits from `bits` on).
  private func bit(prefixOf high: UInt64, _ low: UInt64, bits: Int) -> UInt8 {
    var block = pad
    for i in 0..<16 {
      let bitStart = i * 8
      if bitStart >= bits { break }
      let source = i < 8 ? UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i)) : UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * (i - 8)))
      let keep = min(8, bits - bitStart)  // leading bits of this octet taken from the address
      let mask: UInt8 = keep == 8 ? 0xFF : ~(0xFF >> UInt8(keep))
      block[i] = (source & mask) | (pad[i] & ~mask)
    }
    cipher.encrypt(&block)
    return block[0] >> 7
  }
}

@available(*, unavailable)
extension CryptoPAn: Sendable {}
