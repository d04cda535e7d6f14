/// A set of UDP/TCP port numbers with constant-time membership (a 65,536-bit bitmap, 8 KiB).
///
/// ``bacnet`` is the BACnet/IP default, 47808–47823 (0xBAC0–0xBACF, ASHRAE 135 Annex J). Sets parse from the
/// command-line syntax `47808-47823,1234` (``init(parsing:)``) and combine with ``formUnion(_:)`` and `insert(_:)`.
///
/// ```swift
/// var ports = PortSet.bacnet
/// try ports.formUnion(PortSet(parsing: "4000-4010"))
/// ports.contains(47810)   // true
/// ```
public struct PortSet: Hashable, Sendable, CustomStringConvertible {
  /// 1,024 words of 64 bits: bit `p & 63` of word `p >> 6` is set when port `p` is in the set.
  @usableFromInline var words: [UInt64]

  /// The empty set.
  public init() { words = [UInt64](repeating: 0, count: 1024) }

  /// A set holding every port of `ranges`.
  public init(_ ranges: some Sequence<ClosedRange<UInt16>>) {
    self.init()
    for r in ranges { insert(r) }
  }

  /// The BACnet/IP ports 47808–47823 (0xBAC0–0xBACF).
  public static let bacnet = PortSet([47808...47823])

  /// Parses a comma-separated list of ports and inclusive ranges: `"47808-47823,1234"`.
  ///
  /// Spaces around items are ignored. Every item must be a decimal port 0–65535 or `low-high` with `low <= high`.
  /// - Parameter text: the list.
  /// - Throws: ``ParseError`` naming the bad item (out of range such as `70000`, reversed such as `5-3`, empty,
  ///   or not a number) and its ``ParseError/position`` in `text`.
  public init(parsing text: String) throws(ParseError) {
    self.init()
    let characters = Array(text.utf8)
    var itemStart = 0
    var index = 0
    while index <= characters.count {
      if index == characters.count || characters[index] == UInt8(ascii: ",") {
        let item = characters[itemStart..<index]
        insert(try PortSet.parseItem(item, offset: itemStart, in: text))
        itemStart = index + 1
      }
      index += 1
    }
  }

  static func parseItem(_ raw: ArraySlice<UInt8>, offset: Int, in text: String) throws(ParseError) -> ClosedRange<UInt16> {
    var item = raw
    while let f = item.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") { item = item.dropFirst() }
    while let l = item.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") { item = item.dropLast() }
    let shown = String(decoding: item, as: UTF8.self)
    if item.isEmpty {
      throw ParseError(position: offset, "empty item in port list \"\(text)\"")
    }
    func number(_ digits: ArraySlice<UInt8>) throws(ParseError) -> UInt16 {
      guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
        if digits.count > 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
          throw ParseError(position: offset, "port \(shown) is above 65535")
        }
        throw ParseError(position: offset, "\"\(shown)\" is not a port or a low-high range")
      }
      var value = 0
      for d in digits { value = value * 10 + Int(d - 48) }
      guard value <= 65535 else {
        throw ParseError(
          position: offset, "port \(String(decoding: digits, as: UTF8.self)) is above 65535")
      }
      return UInt16(value)
    }
    if let dash = item.firstIndex(of: UInt8(ascii: "-")) {
      let low = try number(item[item.startIndex..<dash])
      let high = try number(item[(dash + 1)..<item.endIndex])
      guard low <= high else {
        throw ParseError(position: offset, "range \(shown) is reversed (\(low) > \(high))")
      }
      return low...high
    }
    let port = try number(item)
    return port...port
  }

  /// True when `port` is in the set.
  @inlinable
  public func contains(_ port: UInt16) -> Bool {
    words[Int(port &>> 6)] &>> UInt64(port & 63) & 1 != 0
  }

  /// True when either port is in the set (a packet matches on its source or its destination).
  @inlinable
  public func matches(source: UInt16, destination: UInt16) -> Bool {
    contains(source) || contains(destination)
  }

  /// Adds one port.
  public mutating func insert(_ port: UInt16) {
    words[Int(port >> 6)] |= 1 << UInt64(port & 63)
  }

  /// Adds every port of a range.
  public mutating func insert(_ range: ClosedRange<UInt16>) {
    var p = Int(range.lowerBound)
    let last = Int(range.upperBound)
    while p <= last {
      insert(UInt16(p))
      p += 1
    }
  }

  /// Adds every port of `other`.
  public mutating func formUnion(_ other: PortSet) {
    for i in words.indices { words[i] |= other.words[i] }
  }

  /// The union of two sets.
  public func union(_ other: PortSet) -> PortSet {
    var result = self
    result.formUnion(other)
    return result
  }

  /// The number of ports in the set.
  public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  /// True when the set holds no port.
  public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  /// The set as maximal inclusive ranges, ascending.
  public var ranges: [ClosedRange<UInt16>] {
    var result: [ClosedRange<UInt16>] = []
    var start: Int? = nil
    for p in 0...65536 {
      let inSet = p < 65536 && contains(UInt16(p))
      if inSet, start == nil { start = p }
      if !inSet, let s = start {
        result.append(UInt16(s)...UInt16(p - 1))
        start = nil
      }
    }
    return result
  }

  /// The set in the parse syntax, e.g. `47808-47823,1234`.
  public var description: String {
    ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
      .joined(separator: ",")
  }
}

/// Which transport protocols a port filter matches: UDP (the default), TCP, or either.
public struct TransportSelection: Hashable, Sendable, CustomStringConvertible {
  /// Bit 0: UDP, bit 1: TCP.
  @usableFromInline var mask: UInt8

  init(mask: UInt8) { self.mask = mask }

  /// Parses `udp`, `tcp` or `any` (case-insensitive); nil otherwise.
  public init?(_ text: String) {
    switch text.lowercased() {
    case "udp": mask = 1
    case "tcp": mask = 2
    case "any": mask = 3
    default: return nil
    }
  }

  /// UDP only (BACnet/IP; the capture tools' default).
  public static let udp = TransportSelection(mask: 1)
  /// TCP only.
  public static let tcp = TransportSelection(mask: 2)
  /// UDP or TCP.
  public static let any = TransportSelection(mask: 3)

  /// True when a packet with transport `layer` is eligible.
  @inlinable
  public func accepts(_ layer: TransportLayer) -> Bool {
    switch layer {
    case .udp: return mask & 1 != 0
    case .tcp: return mask & 2 != 0
    default: return false
    }
  }

  /// `udp`, `tcp` or `any`.
  public var description: String { mask == 1 ? "udp" : mask == 2 ? "tcp" : "any" }
}

extension PortSet {
  /// A port list that does not parse: what is wrong with which item, and where the item starts.
  public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The item's position in the text: its first byte, counted in UTF-8 code units from 0.
    public var position: Int
    /// What is wrong, naming the item (`port 70000 is above 65535`).
    public var message: String

    /// An error at `position`.
    public init(position: Int, _ message: String) {
      self.position = position
      self.message = message
    }

    /// The message and the position.
    public var description: String { "\(message) (at character \(position))" }
  }
}
