/// Keyed pseudonyms for BACnet CharacterString values, of the same encoding and the same length in octets, so no
/// tag length, enclosing length, segment or frame length changes when a string is replaced.
///
/// The character-set octet is kept; the characters become letters and digits in that character set (UTF-8 and
/// ISO 8859-1 as ASCII; UCS-2 and UCS-4 as big-endian code units; JIS X 0208 as row-3 letters and digits; DBCS
/// keeps its code page). Strings of 8 characters or more start with a tag naming the property (`obj-` object
/// name, `dsc-` description, `loc-` location, `mdl-` model, `ver-` software version, `vnd-` vendor, `str-`
/// anything else). The same string always gets the same pseudonym under one key; the pseudonym never equals the
/// original.
///
/// A string split across APDU segments or cut off by the capture cannot be seen whole: its pseudonym is derived
/// from its length and the part seen first, and continued in the next segment.
final class StringPseudonymizer {
  private let cipher: AES128Block
  private let map: PseudonymMap?
  /// Replacements by a 64-bit hash of the original (which is kept to rule out collisions).
  private var cache: [UInt64: (original: [UInt8], replacement: [UInt8])] = [:]
  private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
  /// The most cached strings (the cache is emptied when full, keeping memory bounded).
  static let cacheLimit = 1 << 16

  init?(key: SanitizerKey, map: PseudonymMap?) {
    guard let cipher = AES128Block(key: Array(key.derive("strings").prefix(16))) else { return nil }
    self.cipher = cipher
    self.map = map
  }

  /// A keyed 16-octet digest (length-prefixed CBC-MAC) of a label, the string's total length and `bytes`.
  func seed(label: UInt8, total: Int, _ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var state = [UInt8](repeating: 0, count: 16)
    state[0] = label
    for i in 0..<8 { state[8 + i] = UInt8(truncatingIfNeeded: UInt64(total) >> UInt64(8 * (7 - i))) }
    cipher.encrypt(&state)
    var i = bytes.startIndex
    while i < bytes.endIndex {
      for k in 0..<16 where i + k < bytes.endIndex { state[k] ^= bytes[i + k] }
      cipher.encrypt(&state)
      i += 16
    }
    return state
  }

  /// Pseudonymizes `bytes[range]`, the whole content (character-set octet first) of a CharacterString, in place.
  func replaceWhole(_ bytes: inout [UInt8], _ range: Range<Int>, property: UInt32?) {
    guard range.count >= 2 else { return }  // empty strings (or only the character set) reveal nothing
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in range { hash = (hash ^ UInt64(bytes[i])) &* 0x100_0000_01B3 }
    if let cached = cache[hash], cached.original.elementsEqual(bytes[range]) {
      for (k, i) in range.enumerated() { bytes[i] = cached.replacement[k] }
      return
    }
    let original = Array(bytes[range])
    var attempt: UInt8 = 1
    var replacement = original
    repeat {
      let s = seed(label: attempt, total: original.count, original[...])
      replacement = original
      generate(into: &replacement, 0..<original.count, seed: s, charset: original[0], total: original.count, from: 0,
               property: property)
      attempt &+= 1
    } while replacement == original && attempt < 8
    if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
    cache[hash] = (original, replacement)
    map?.record("string", pseudonym: Self.text(replacement), original: Self.text(original))
    bytes.replaceSubrange(range, with: replacement)
  }

  /// Writes pseudonym characters over `bytes[range]`, which holds content octets `from ..< from + range.count` of a
  /// string of `total` octets whose character set is `charset` (position 0 is the character-set octet itself).
  func generate(
    into bytes: inout [UInt8], _ range: Range<Int>, seed: [UInt8], charset: UInt8, total: Int, from: Int,
    property: UInt32?
  ) {
    let prefix: [UInt8] = (charset == 0 || charset == 5) && total - 1 >= 8 ? Self.prefix(property) : []
    var blockIndex = -1
    var block = [UInt8](repeating: 0, count: 16)
    for (n, i) in range.enumerated() {
      let position = from + n
      if position == 0 { continue }  // the character set
      let j = position - 1
      let keystreamIndex = j / 16
      if keystreamIndex != blockIndex {
        blockIndex = keystreamIndex
        block = seed
        for k in 0..<8 { block[8 + k] ^= UInt8(truncatingIfNeeded: keystreamIndex >> (8 * (7 - k))) }
        cipher.encrypt(&block)
      }
      let character = Self.alphabet[Int(block[j % 16]) % Self.alphabet.count]
      switch charset {
      case 1: if j >= 2 { bytes[i] = character }  // DBCS: the 2-octet code page stays
      case 2: bytes[i] = j % 2 == 0 ? 0x23 : character
      case 3: bytes[i] = j % 4 == 3 ? character : 0
      case 4: bytes[i] = j % 2 == 1 ? character : 0
      default: bytes[i] = j < prefix.count ? prefix[j] : character
      }
    }
  }

  static func prefix(_ property: UInt32?) -> [UInt8] {
    let tag: String
    switch property {
    case 77: tag = "obj-"
    case 28: tag = "dsc-"
    case 58: tag = "loc-"
    case 70: tag = "mdl-"
    case 12: tag = "ver-"
    case 121: tag = "vnd-"
    default: tag = "str-"
    }
    return Array(tag.utf8)
  }

  /// Readable text of a string's content for the map: UTF-8, ISO 8859-1, UCS-2 and UCS-4 decoded, others in hex.
  static func text(_ content: [UInt8]) -> String {
    guard let charset = content.first else { return "" }
    let body = content.dropFirst()
    switch charset {
    case 0: return String(decoding: body, as: UTF8.self)
    case 5: return String(String.UnicodeScalarView(body.map { Unicode.Scalar($0) }))
    case 4 where body.count % 2 == 0:
      let units = stride(from: body.startIndex, to: body.endIndex, by: 2).map { UInt16(body[$0]) << 8 | UInt16(body[$0 + 1]) }
      return String(decoding: units, as: UTF16.self)
    default:
      return "hex:" + content.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
  }
}

@available(*, unavailable)
extension StringPseudonymizer: Sendable {}
