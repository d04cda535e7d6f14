/// A keyed permutation of the integers below 2^`bits` (`bits` even, 2–62): a four-round balanced Feistel network
/// whose round function is AES of the round number, a tweak and the right half. Used for identities too short or
/// too unstructured for Crypto-PAn: MAC addresses, BACnet/IPv6 virtual addresses, MS/TP station numbers.
///
/// ``apply(_:tweak:accepting:limit:)`` walks the permutation's cycle until the value lands in a given set (cycle
/// walking), which is again a bijection of that set onto itself.
final class KeyedPermutation {
  private let cipher: AES128Block
  let bits: Int
  private let half: Int
  private let mask: UInt64

  init?(key: [UInt8], bits: Int) {
    guard bits >= 2, bits <= 62, bits % 2 == 0, let cipher = AES128Block(key: Array(key.prefix(16))) else {
      return nil
    }
    self.cipher = cipher
    self.bits = bits
    half = bits / 2
    mask = (UInt64(1) << UInt64(bits / 2)) - 1
  }

  /// The image of `value` (below 2^bits), under the permutation selected by `tweak`.
  func apply(_ value: UInt64, tweak: UInt64 = 0) -> UInt64 {
    var left = (value >> UInt64(half)) & mask
    var right = value & mask
    for round in 0..<4 {
      let f = roundFunction(UInt8(round), tweak, right)
      (left, right) = (right, left ^ f)
    }
    return left << UInt64(half) | right
  }

  /// The image of `value` that `accept` accepts (it must accept `value`): the permutation is applied again to any
  /// image it refuses. Gives up after `limit` steps and returns `value` (unreachable for the sets used).
  func apply(_ value: UInt64, tweak: UInt64 = 0, accepting accept: (UInt64) -> Bool, limit: Int = 1 << 16) -> UInt64 {
    var image = apply(value, tweak: tweak)
    var steps = 0
    while !accept(image) {
      steps += 1
      if steps > limit { return value }
      image = apply(image, tweak: tweak)
    }
    return image
  }

  private func roundFunction(_ round: UInt8, _ tweak: UInt64, _ right: UInt64) -> UInt64 {
    var block = [UInt8](repeating: 0, count: 16)
    block[0] = round
    block[1] = UInt8(bits)
    for i in 0..<7 { block[2 + i] = UInt8(truncatingIfNeeded: tweak >> UInt64(8 * i)) }
    for i in 0..<7 { block[9 + i] = UInt8(truncatingIfNeeded: right >> UInt64(8 * i)) }
    cipher.encrypt(&block)
    var v: UInt64 = 0
    for i in 0..<8 { v = v << 8 | UInt64(block[i]) }
    return v & mask
  }
}

@available(*, unavailable)
extension KeyedPermutation: Sendable {}
