/// A BACnet object identifier: a 10-bit object type and a 22-bit instance (clause 20.2.14).
public struct ObjectIdentifier: Hashable, Sendable, CustomStringConvertible {
  /// The object type.
  public var type: ObjectType
  /// The instance number, 0–4194303 (4194303 is the wildcard/unconfigured instance).
  public var instance: UInt32

  /// Creates an identifier from its parts.
  public init(type: ObjectType, instance: UInt32) {
    self.type = type
    self.instance = instance & 0x3F_FFFF
  }

  /// Creates an identifier from its 32-bit encoding `type << 22 | instance`.
  public init(rawValue: UInt32) {
    self.type = ObjectType(rawValue: UInt16(rawValue >> 22))
    self.instance = rawValue & 0x3F_FFFF
  }

  /// The 32-bit encoding.
  public var rawValue: UInt32 { UInt32(type.rawValue & 0x3FF) << 22 | instance }

  /// `analog-input,1`, as Wireshark writes it.
  public var description: String { "\(type.name),\(instance)" }
}

/// A BACnet Date (clause 20.2.12); any field may be the wildcard 255.
public struct BACnetDate: Hashable, Sendable, CustomStringConvertible {
  /// Year − 1900 (255 = any year).
  public var yearMinus1900: UInt8
  /// Month 1–12, 13 odd, 14 even, 255 any.
  public var month: UInt8
  /// Day 1–31, 32 last day, 33 odd, 34 even, 255 any.
  public var day: UInt8
  /// Day of week 1 (Monday)–7, 255 any.
  public var weekday: UInt8

  /// Creates a date from its four octets.
  public init(yearMinus1900: UInt8, month: UInt8, day: UInt8, weekday: UInt8) {
    self.yearMinus1900 = yearMinus1900
    self.month = month
    self.day = day
    self.weekday = weekday
  }

  /// The year, nil when it is the wildcard.
  public var year: Int? { yearMinus1900 == 255 ? nil : 1900 + Int(yearMinus1900) }

  /// `2024-03-15 (Fri)`; wildcards print as `*`, special months/days by name.
  public var description: String {
    let y = year.map { String($0) } ?? "*"
    let m: String = switch month {
    case 255: "*"
    case 13: "odd"
    case 14: "even"
    default: month < 10 ? "0\(month)" : "\(month)"
    }
    let d: String = switch day {
    case 255: "*"
    case 32: "last"
    case 33: "odd"
    case 34: "even"
    default: day < 10 ? "0\(day)" : "\(day)"
    }
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    let w = (1...7).contains(weekday) ? names[Int(weekday) - 1] : (weekday == 255 ? "*" : "?\(weekday)")
    return "\(y)-\(m)-\(d) (\(w))"
  }
}

/// A BACnet Time (clause 20.2.13); any field may be the wildcard 255.
public struct BACnetTime: Hashable, Sendable, CustomStringConvertible {
  /// Hour 0–23 or 255.
  public var hour: UInt8
  /// Minute 0–59 or 255.
  public var minute: UInt8
  /// Second 0–59 or 255.
  public var second: UInt8
  /// Hundredths 0–99 or 255.
  public var hundredths: UInt8

  /// Creates a time from its four octets.
  public init(hour: UInt8, minute: UInt8, second: UInt8, hundredths: UInt8) {
    self.hour = hour
    self.minute = minute
    self.second = second
    self.hundredths = hundredths
  }

  /// `13:45:30.25`; wildcard fields print as `*`.
  public var description: String {
    func f(_ v: UInt8) -> String { v == 255 ? "*" : (v < 10 ? "0\(v)" : "\(v)") }
    return "\(f(hour)):\(f(minute)):\(f(second)).\(f(hundredths))"
  }
}

/// A CharacterString: a character set and the encoded octets (clause 20.2.9).
public struct BACnetCharacterString: Hashable, Sendable, CustomStringConvertible {
  /// The character set (first content octet).
  public var characterSet: CharacterSet
  /// The encoded characters, a view of the input.
  public var encoded: ArraySlice<UInt8>

  /// Creates a character string.
  public init(characterSet: CharacterSet, encoded: ArraySlice<UInt8>) {
    self.characterSet = characterSet
    self.encoded = encoded
  }

  /// The text: UTF-8 (invalid sequences repaired), ISO 8859-1, UCS-2 and UCS-4 (big-endian) are converted;
  /// DBCS and JIS are shown as hex.
  public var string: String {
    switch characterSet {
    case .utf8: return String(decoding: encoded, as: UTF8.self)
    case .iso8859_1: return String(String.UnicodeScalarView(encoded.map { Unicode.Scalar($0) }))
    case .ucs2:
      var units: [UInt16] = []
      var i = encoded.startIndex
      while i + 1 < encoded.endIndex {
        units.append(UInt16(encoded[i]) << 8 | UInt16(encoded[i + 1]))
        i += 2
      }
      return String(decoding: units, as: UTF16.self)
    case .ucs4:
      var s = String.UnicodeScalarView()
      var i = encoded.startIndex
      while i + 3 < encoded.endIndex {
        let v = UInt32(encoded[i]) << 24 | UInt32(encoded[i + 1]) << 16 | UInt32(encoded[i + 2]) << 8 | UInt32(encoded[i + 3])
        s.append(Unicode.Scalar(v) ?? "\u{FFFD}")
        i += 4
      }
      return String(s)
    default:
      return encoded.map { hex2($0) }.joined()
    }
  }

  /// The text.
  public var description: String { string }
}

/// A BitString: the number of unused bits in the last octet and the octets (clause 20.2.10).
public struct BACnetBitString: Hashable, Sendable, CustomStringConvertible {
  /// Unused bits in the final octet (0–7).
  public var unusedBits: UInt8
  /// The bit octets, most significant bit first.
  public var octets: ArraySlice<UInt8>

  /// Creates a bit string.
  public init(unusedBits: UInt8, octets: ArraySlice<UInt8>) {
    self.unusedBits = unusedBits
    self.octets = octets
  }

  /// Number of meaningful bits.
  public var count: Int { max(0, octets.count * 8 - Int(unusedBits)) }

  /// Bit `i` (0 = most significant bit of the first octet); false past the end.
  public subscript(_ i: Int) -> Bool {
    guard i >= 0, i < count else { return false }
    return octets[octets.startIndex + i / 8] & (0x80 >> UInt8(i % 8)) != 0
  }

  /// `{F,T,F,F}`, as Wireshark lists bit values.
  public var description: String { "{" + (0..<count).map { self[$0] ? "T" : "F" }.joined(separator: ",") + "}" }
}

/// A decoded application-tagged primitive value (clause 20.2).
public enum BACnetValue: Hashable, Sendable, CustomStringConvertible {
  /// Null (tag 0).
  case null
  /// Boolean (tag 1).
  case boolean(Bool)
  /// Unsigned Integer (tag 2).
  case unsigned(UInt64)
  /// Signed Integer (tag 3).
  case signed(Int64)
  /// REAL, IEEE-754 single (tag 4).
  case real(Float)
  /// Double, IEEE-754 double (tag 5).
  case double(Double)
  /// Octet String (tag 6).
  case octetString(ArraySlice<UInt8>)
  /// Character String (tag 7).
  case characterString(BACnetCharacterString)
  /// Bit String (tag 8).
  case bitString(BACnetBitString)
  /// Enumerated (tag 9).
  case enumerated(UInt32)
  /// Date (tag 10).
  case date(BACnetDate)
  /// Time (tag 11).
  case time(BACnetTime)
  /// BACnetObjectIdentifier (tag 12).
  case objectIdentifier(ObjectIdentifier)
  /// An application tag 13–15 (reserved), kept raw.
  case reserved(tag: UInt8, ArraySlice<UInt8>)

  /// The value as text, as Wireshark shows it (`72.5`, `"ZN-T"`, `analog-input,1`).
  public var description: String {
    switch self {
    case .null: "NULL"
    case .boolean(let b): b ? "TRUE" : "FALSE"
    case .unsigned(let v): "\(v)"
    case .signed(let v): "\(v)"
    case .real(let v): "\(v)"
    case .double(let v): "\(v)"
    case .octetString(let o): o.map { hex2($0) }.joined()
    case .characterString(let s): "\"\(s.string)\""
    case .bitString(let b): b.description
    case .enumerated(let v): "\(v)"
    case .date(let d): d.description
    case .time(let t): t.description
    case .objectIdentifier(let o): o.description
    case .reserved(let t, let o): "reserved-tag-\(t) " + o.map { hex2($0) }.joined()
    }
  }

  /// The value as an unsigned number, if it is Unsigned or Enumerated.
  public var unsignedValue: UInt64? {
    switch self {
    case .unsigned(let v): v
    case .enumerated(let v): UInt64(v)
    default: nil
    }
  }
}

/// Two lowercase hex digits.
@inline(__always)
func hex2(_ b: UInt8) -> String {
  let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
  return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}

/// Hex of a byte slice, no separators.
func hexString(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { hex2($0) }.joined() }

/// Decoding of primitive contents (shared by application and context tags).
enum Primitive {
  static func unsigned(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> UInt64 {
    guard !b.isEmpty, b.count <= 8 else {
      throw DecodeFailure(.tagInvalidValue, offset, "an Unsigned needs 1 to 8 octets, this one has \(b.count)")
    }
    var v: UInt64 = 0
    for x in b { v = v << 8 | UInt64(x) }
    return v
  }

  static func signed(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> Int64 {
    guard let first = b.first, b.count <= 8 else {
      throw DecodeFailure(.tagInvalidValue, offset, "a Signed needs 1 to 8 octets, this one has \(b.count)")
    }
    var v: Int64 = first & 0x80 != 0 ? -1 : 0
    for x in b { v = v << 8 | Int64(x) }
    return v
  }

  static func enumerated(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> UInt32 {
    guard !b.isEmpty, b.count <= 4 else {
      throw DecodeFailure(.tagInvalidValue, offset, "an Enumerated needs 1 to 4 octets, this one has \(b.count)")
    }
    var v: UInt32 = 0
    for x in b { v = v << 8 | UInt32(x) }
    return v
  }

  static func real(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> Float {
    guard b.count == 4 else { throw DecodeFailure(.tagInvalidValue, offset, "a REAL needs 4 octets, this one has \(b.count)") }
    var v: UInt32 = 0
    for x in b { v = v << 8 | UInt32(x) }
    return Float(bitPattern: v)
  }

  static func double(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> Double {
    guard b.count == 8 else { throw DecodeFailure(.tagInvalidValue, offset, "a Double needs 8 octets, this one has \(b.count)") }
    var v: UInt64 = 0
    for x in b { v = v << 8 | UInt64(x) }
    return Double(bitPattern: v)
  }

  static func objectIdentifier(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> ObjectIdentifier {
    guard b.count == 4 else {
      throw DecodeFailure(.tagInvalidValue, offset, "an ObjectIdentifier needs 4 octets, this one has \(b.count)")
    }
    var v: UInt32 = 0
    for x in b { v = v << 8 | UInt32(x) }
    return ObjectIdentifier(rawValue: v)
  }

  static func characterString(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> BACnetCharacterString {
    guard let cs = b.first else {
      throw DecodeFailure(.tagInvalidValue, offset, "a CharacterString needs at least its character-set octet")
    }
    return BACnetCharacterString(characterSet: CharacterSet(rawValue: cs), encoded: b.dropFirst())
  }

  static func bitString(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> BACnetBitString {
    guard let unused = b.first else {
      throw DecodeFailure(.tagInvalidValue, offset, "a BitString needs at least its unused-bits octet")
    }
    guard unused <= 7, !(b.count == 1 && unused != 0) else {
      throw DecodeFailure(.tagInvalidValue, offset, "a BitString cannot have \(unused) unused bits in \(b.count - 1) octet(s)")
    }
    return BACnetBitString(unusedBits: unused, octets: b.dropFirst())
  }

  static func date(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> BACnetDate {
    guard b.count == 4 else { throw DecodeFailure(.tagInvalidValue, offset, "a Date needs 4 octets, this one has \(b.count)") }
    let i = b.startIndex
    return BACnetDate(yearMinus1900: b[i], month: b[i + 1], day: b[i + 2], weekday: b[i + 3])
  }

  static func time(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> BACnetTime {
    guard b.count == 4 else { throw DecodeFailure(.tagInvalidValue, offset, "a Time needs 4 octets, this one has \(b.count)") }
    let i = b.startIndex
    return BACnetTime(hour: b[i], minute: b[i + 1], second: b[i + 2], hundredths: b[i + 3])
  }

  static func boolean(_ b: ArraySlice<UInt8>, at offset: Int) throws(DecodeFailure) -> Bool {
    guard b.count == 1, let v = b.first, v <= 1 else {
      throw DecodeFailure(.tagInvalidValue, offset, "a context Boolean needs one octet of 0 or 1")
    }
    return v == 1
  }

  /// Decodes an application-tagged primitive.
  static func application(_ h: TagHeader, _ b: ArraySlice<UInt8>) throws(DecodeFailure) -> BACnetValue {
    let o = h.contentOffset
    switch h.number {
    case 0:
      guard h.lvt == 0 else { throw DecodeFailure(.tagInvalidValue, h.offset, "a Null must have length 0") }
      return .null
    case 1:
      guard h.lvt <= 1 else { throw DecodeFailure(.tagInvalidValue, h.offset, "an application Boolean must have L/V/T 0 or 1, not \(h.lvt)") }
      return .boolean(h.lvt == 1)
    case 2: return .unsigned(try unsigned(b, at: o))
    case 3: return .signed(try signed(b, at: o))
    case 4: return .real(try real(b, at: o))
    case 5: return .double(try double(b, at: o))
    case 6: return .octetString(b)
    case 7: return .characterString(try characterString(b, at: o))
    case 8: return .bitString(try bitString(b, at: o))
    case 9: return .enumerated(try enumerated(b, at: o))
    case 10: return .date(try date(b, at: o))
    case 11: return .time(try time(b, at: o))
    case 12: return .objectIdentifier(try objectIdentifier(b, at: o))
    default: return .reserved(tag: h.number, b)
    }
  }
}
