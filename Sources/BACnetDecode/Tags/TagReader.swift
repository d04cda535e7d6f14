internal import WireBytes

/// Sequential reader of service parameters following an ASN.1 layout; any mismatch throws a ``DecodeFailure``.
struct TagReader {
  var c: ByteCursor

  init(_ bytes: ArraySlice<UInt8>, offset: Int) { c = ByteCursor(bytes, baseOffset: offset) }

  var isAtEnd: Bool { c.isAtEnd }
  var offset: Int { c.offset }

  /// The next header, without consuming it (nil at the end and where reading it would fail).
  func peek() -> TagHeader? {
    TagHeader.parse(c.bytes, at: c.index, offset: c.offset)
  }

  /// Moves past a header returned by ``peek()``.
  @inline(__always)
  mutating func consume(_ h: TagHeader) {
    _ = try? c.skip(h.headerLength)
  }

  func nextIsContext(_ n: UInt8) -> Bool { peek().map { $0.isContextPrimitive(n) } ?? false }
  func nextIsOpening(_ n: UInt8) -> Bool { peek().map { $0.isOpening(n) } ?? false }
  func nextIsClosing(_ n: UInt8) -> Bool { peek().map { $0.kind == .closing && $0.number == n } ?? false }
  func nextIsApplication(_ n: UInt8) -> Bool { peek().map { $0.isApplication(n) } ?? false }

  private func mismatch(_ h: TagHeader?, _ want: String) -> DecodeFailure {
    guard let h else { return DecodeFailure(.serviceMalformed, c.offset, "\(want) is missing: the parameters end here") }
    let got = h.kind == .opening ? "opening tag [\(h.number)]" : h.kind == .closing ? "closing tag [\(h.number)]"
      : h.isContext ? "context tag [\(h.number)]" : "application tag \(h.number)"
    return DecodeFailure(.serviceMalformed, h.offset, "\(want) was expected, found \(got)")
  }

  /// Reads a primitive context tag `n` and returns its content.
  mutating func context(_ n: UInt8, _ what: String) throws(DecodeFailure) -> (TagHeader, ArraySlice<UInt8>) {
    let h = peek()
    guard let h, h.isContextPrimitive(n) else { throw mismatch(h, "\(what) (context tag [\(n)])") }
    consume(h)
    return (h, try TagHeader.readContent(&c, h))
  }

  /// Reads an application tag `n` and decodes its value.
  mutating func application(_ n: UInt8, _ what: String) throws(DecodeFailure) -> BACnetValue {
    let h = peek()
    guard let h, h.isApplication(n) else { throw mismatch(h, "\(what) (application tag \(n))") }
    consume(h)
    return try Primitive.application(h, try TagHeader.readContent(&c, h))
  }

  /// Reads any application-tagged primitive.
  mutating func anyApplication(_ what: String) throws(DecodeFailure) -> BACnetValue {
    let h = peek()
    guard let h, !h.isContext else { throw mismatch(h, "\(what) (an application-tagged value)") }
    consume(h)
    return try Primitive.application(h, try TagHeader.readContent(&c, h))
  }

  mutating func ctxUnsigned(_ n: UInt8, _ what: String) throws(DecodeFailure) -> UInt64 {
    let (h, b) = try context(n, what)
    return try Primitive.unsigned(b, at: h.contentOffset)
  }
  mutating func ctxUnsigned32(_ n: UInt8, _ what: String) throws(DecodeFailure) -> UInt32 {
    let (h, b) = try context(n, what)
    let v = try Primitive.unsigned(b, at: h.contentOffset)
    guard v <= UInt64(UInt32.max) else { throw DecodeFailure(.serviceMalformed, h.offset, "\(what) \(v) exceeds 32 bits") }
    return UInt32(v)
  }
  mutating func ctxSigned(_ n: UInt8, _ what: String) throws(DecodeFailure) -> Int64 {
    let (h, b) = try context(n, what)
    return try Primitive.signed(b, at: h.contentOffset)
  }
  mutating func ctxEnumerated(_ n: UInt8, _ what: String) throws(DecodeFailure) -> UInt32 {
    let (h, b) = try context(n, what)
    return try Primitive.enumerated(b, at: h.contentOffset)
  }
  mutating func ctxBoolean(_ n: UInt8, _ what: String) throws(DecodeFailure) -> Bool {
    let (h, b) = try context(n, what)
    return try Primitive.boolean(b, at: h.contentOffset)
  }
  mutating func ctxReal(_ n: UInt8, _ what: String) throws(DecodeFailure) -> Float {
    let (h, b) = try context(n, what)
    return try Primitive.real(b, at: h.contentOffset)
  }
  mutating func ctxObjectIdentifier(_ n: UInt8, _ what: String) throws(DecodeFailure) -> ObjectIdentifier {
    let (h, b) = try context(n, what)
    return try Primitive.objectIdentifier(b, at: h.contentOffset)
  }
  mutating func ctxCharacterString(_ n: UInt8, _ what: String) throws(DecodeFailure) -> BACnetCharacterString {
    let (h, b) = try context(n, what)
    return try Primitive.characterString(b, at: h.contentOffset)
  }
  mutating func ctxBitString(_ n: UInt8, _ what: String) throws(DecodeFailure) -> BACnetBitString {
    let (h, b) = try context(n, what)
    return try Primitive.bitString(b, at: h.contentOffset)
  }
  mutating func ctxProperty(_ n: UInt8) throws(DecodeFailure) -> PropertyIdentifier {
    PropertyIdentifier(rawValue: try ctxEnumerated(n, "property identifier"))
  }

  mutating func appUnsigned(_ what: String) throws(DecodeFailure) -> UInt64 {
    guard case .unsigned(let v) = try application(2, what) else { return 0 }
    return v
  }
  mutating func appSigned(_ what: String) throws(DecodeFailure) -> Int64 {
    guard case .signed(let v) = try application(3, what) else { return 0 }
    return v
  }
  mutating func appEnumerated(_ what: String) throws(DecodeFailure) -> UInt32 {
    guard case .enumerated(let v) = try application(9, what) else { return 0 }
    return v
  }
  mutating func appBoolean(_ what: String) throws(DecodeFailure) -> Bool {
    guard case .boolean(let v) = try application(1, what) else { return false }
    return v
  }
  mutating func appObjectIdentifier(_ what: String) throws(DecodeFailure) -> ObjectIdentifier {
    guard case .objectIdentifier(let v) = try application(12, what) else { return ObjectIdentifier(rawValue: 0) }
    return v
  }
  mutating func appCharacterString(_ what: String) throws(DecodeFailure) -> BACnetCharacterString {
    guard case .characterString(let v) = try application(7, what) else {
      return BACnetCharacterString(characterSet: .utf8, encoded: [])
    }
    return v
  }
  mutating func appOctetString(_ what: String) throws(DecodeFailure) -> ArraySlice<UInt8> {
    guard case .octetString(let v) = try application(6, what) else { return [] }
    return v
  }
  mutating func appDate(_ what: String) throws(DecodeFailure) -> BACnetDate {
    guard case .date(let v) = try application(10, what) else { return BACnetDate(yearMinus1900: 255, month: 255, day: 255, weekday: 255) }
    return v
  }
  mutating func appTime(_ what: String) throws(DecodeFailure) -> BACnetTime {
    guard case .time(let v) = try application(11, what) else { return BACnetTime(hour: 255, minute: 255, second: 255, hundredths: 255) }
    return v
  }

  mutating func opening(_ n: UInt8, _ what: String) throws(DecodeFailure) {
    let h = peek()
    guard let h, h.isOpening(n) else { throw mismatch(h, "\(what) (opening tag [\(n)])") }
    consume(h)
  }

  mutating func closing(_ n: UInt8, _ what: String) throws(DecodeFailure) {
    let h = peek()
    guard let h, h.kind == .closing, h.number == n else { throw mismatch(h, "end of \(what) (closing tag [\(n)])") }
    consume(h)
  }

  /// Reads `[n]{ … }` and returns the enclosed tags undecoded (checked for well-formedness and depth).
  mutating func constructed(_ n: UInt8, _ what: String) throws(DecodeFailure) -> EncodedValues {
    try opening(n, what)
    let start = c.index
    let startOffset = c.offset
    let close = try skipUntilClosing(n, depth: 1)
    // c is now just past the closing tag; the content ends at the closing tag's first octet.
    let end = c.index - close.headerLength
    return EncodedValues(bytes: c.bytes[start..<end], offset: startOffset)
  }

  /// Skips tags up to and including the closing tag `n`, with the depth cap; returns the closing tag.
  @discardableResult
  mutating func skipUntilClosing(_ n: UInt8, depth: Int) throws(DecodeFailure) -> TagHeader {
    while true {
      guard !c.isAtEnd else { throw DecodeFailure(.tagMissingClosing, c.offset, "opening tag [\(n)] is never closed") }
      let h = try TagHeader.read(&c)
      switch h.kind {
      case .closing:
        guard h.number == n else {
          throw DecodeFailure(.tagUnmatchedClosing, h.offset, "closing tag [\(h.number)] inside [\(n)]")
        }
        return h
      case .opening:
        guard depth < BACnetDecoder.maxNestingDepth else {
          throw DecodeFailure(.tagDepthExceeded, h.offset, "constructed values nest deeper than \(BACnetDecoder.maxNestingDepth)")
        }
        try skipUntilClosing(h.number, depth: depth + 1)
      case .primitive:
        _ = try TagHeader.readContent(&c, h)
      }
    }
  }

  /// Skips one complete element (primitive or constructed).
  mutating func skipElement() throws(DecodeFailure) {
    let h = try TagHeader.read(&c)
    switch h.kind {
    case .primitive: _ = try TagHeader.readContent(&c, h)
    case .opening: try skipUntilClosing(h.number, depth: 1)
    case .closing: throw DecodeFailure(.tagUnmatchedClosing, h.offset, "unexpected closing tag [\(h.number)]")
    }
  }

  /// The bytes left, as encoded values.
  var rest: EncodedValues { EncodedValues(bytes: c.rest, offset: c.offset) }

  /// Fails when bytes are left over.
  func expectEnd(_ what: @autoclosure () -> String) throws(DecodeFailure) {
    guard c.isAtEnd else {
      throw DecodeFailure(.trailingBytes, c.offset, "\(c.remaining) octet(s) follow the \(what()) parameters")
    }
  }
}
