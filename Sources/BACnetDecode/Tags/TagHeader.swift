internal import WireBytes

/// The header of one encoded tag (clause 20.2.1).
///
/// ```
///  7   6   5   4   3   2   1   0
/// | tag number    |cls|  L/V/T    |  [extended tag number] [extended length (1, 1+2 or 1+4 octets)]
/// ```
/// Tag number 15 means the next octet is the tag number; LVT 5 means an extended length (254 → 2 octets follow,
/// 255 → 4 octets follow); for context tags LVT 6 and 7 are opening and closing tags; an application Boolean
/// carries its value in LVT.
public struct TagHeader: Hashable, Sendable {
  /// What the tag encloses.
  public enum Kind: Hashable, Sendable {
    /// A primitive value of ``TagHeader/length`` octets.
    case primitive
    /// The start of a constructed value (context LVT 6).
    case opening
    /// The end of a constructed value (context LVT 7).
    case closing
  }

  /// The tag number (0–254; application tags 0–12 are the primitive types).
  public var number: UInt8
  /// True for a context-specific tag, false for an application tag.
  public var isContext: Bool
  /// Primitive, opening or closing.
  public var kind: Kind
  /// The raw L/V/T field (for an application Boolean this is the value).
  public var lvt: UInt8
  /// Content length in octets (0 for opening/closing tags and for an application Boolean).
  public var length: Int
  /// Absolute offset of the tag's first octet.
  public var offset: Int
  /// Number of octets of the header itself.
  public var headerLength: Int

  /// Absolute offset of the content.
  public var contentOffset: Int { offset + headerLength }

  /// True if this is an application tag with the given number.
  @inline(__always)
  func isApplication(_ n: UInt8) -> Bool { !isContext && kind == .primitive && number == n }

  /// True if this is a primitive context tag with the given number.
  @inline(__always)
  func isContextPrimitive(_ n: UInt8) -> Bool { isContext && kind == .primitive && number == n }

  /// True if this is an opening context tag with the given number.
  @inline(__always)
  func isOpening(_ n: UInt8) -> Bool { kind == .opening && number == n }

  /// The well-formed header at index `i` of `bytes` (absolute offset `offset`): exactly what ``read(_:)`` returns
  /// there, or nil where ``read(_:)`` would throw. Reads the bytes in place (no cursor copy, no error built): the
  /// fast path of every tag read.
  @inline(__always)
  static func parse(_ bytes: ArraySlice<UInt8>, at i: Int, offset: Int) -> TagHeader? {
    let end = bytes.endIndex
    guard i >= bytes.startIndex, i < end else { return nil }
    let first = bytes[i]
    var number = first >> 4
    let isContext = first & 0x08 != 0
    let lvt = first & 0x07
    var j = i + 1
    if number == 15 {
      guard j < end else { return nil }
      number = bytes[j]
      j += 1
      if number == 255 { return nil }
    }
    var kind = Kind.primitive
    var length = 0
    switch lvt {
    case 6 where isContext: kind = .opening
    case 7 where isContext: kind = .closing
    case 6, 7: return nil
    case 5:
      guard j < end else { return nil }
      let l = bytes[j]
      j += 1
      switch l {
      case 254:
        guard end - j >= 2 else { return nil }
        length = Int(bytes[j]) << 8 | Int(bytes[j + 1])
        j += 2
      case 255:
        guard end - j >= 4 else { return nil }
        length = Int(bytes[j]) << 24 | Int(bytes[j + 1]) << 16 | Int(bytes[j + 2]) << 8 | Int(bytes[j + 3])
        j += 4
      default: length = Int(l)
      }
    default:
      length = (!isContext && number == 1) ? 0 : Int(lvt)
    }
    return TagHeader(number: number, isContext: isContext, kind: kind, lvt: lvt, length: length,
                     offset: offset, headerLength: j - i)
  }

  /// Reads a tag header; does not check that the content fits (see ``readContent``).
  static func read(_ c: inout ByteCursor) throws(DecodeFailure) -> TagHeader {
    if let h = parse(c.bytes, at: c.index, offset: c.offset) {
      _ = try? c.skip(h.headerLength)
      return h
    }
    // Malformed or cut short: the step-by-step read names what is wrong.
    let start = c.offset
    let startIndex = c.index
    let first = try c.u8("tag octet", .tagMalformed)
    var number = first >> 4
    let isContext = first & 0x08 != 0
    let lvt = first & 0x07
    if number == 15 {
      number = try c.u8("extended tag number", .tagMalformed)
      if number == 255 {
        throw DecodeFailure(.tagMalformed, start, "extended tag number 255 is reserved")
      }
    }
    var kind = Kind.primitive
    var length = 0
    switch lvt {
    case 6 where isContext: kind = .opening
    case 7 where isContext: kind = .closing
    case 6, 7:
      throw DecodeFailure(.tagMalformed, start, "application tag \(number) has L/V/T \(lvt), which only context tags may use")
    case 5:
      let l = try c.u8("extended length", .tagMalformed)
      switch l {
      case 254: length = Int(try c.u16("2-octet extended length", .tagMalformed))
      case 255: length = Int(try c.u32("4-octet extended length", .tagMalformed))
      default: length = Int(l)
      }
    default:
      // An application Boolean holds its value in LVT and has no content octets.
      length = (!isContext && number == 1) ? 0 : Int(lvt)
    }
    return TagHeader(number: number, isContext: isContext, kind: kind, lvt: lvt, length: length,
                     offset: start, headerLength: c.index - startIndex)
  }

  /// Reads the tag header at the start of `bytes` (its ``offset`` is an index of `bytes`); nil when the header is
  /// malformed or cut off. For rewriters that walk tags in place.
  package static func peek(_ bytes: ArraySlice<UInt8>) -> TagHeader? {
    var c = ByteCursor(bytes, baseOffset: bytes.startIndex)
    return try? read(&c)
  }

  /// Reads the content octets of a primitive tag as a view.
  static func readContent(_ c: inout ByteCursor, _ h: TagHeader) throws(DecodeFailure) -> ArraySlice<UInt8> {
    guard h.length <= c.remaining else {
      throw DecodeFailure(.tagLengthOverrun, h.offset,
                          "tag \(h.number) declares \(h.length) octet(s) but only \(c.remaining) remain")
    }
    return (try? c.readBytes(h.length)) ?? []
  }
}
