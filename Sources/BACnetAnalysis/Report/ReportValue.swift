internal import WireBytes

/// One cell of a report table, or one JSON value.
public indirect enum ReportValue: Hashable, Sendable {
  /// JSON null, printed as `-`.
  case null
  /// A boolean.
  case bool(Bool)
  /// An integer.
  case int(Int64)
  /// A real number (printed with 3 decimals in text).
  case double(Double)
  /// Text.
  case string(String)
  /// A list.
  case array([ReportValue])
  /// An object with keys in a fixed order.
  case object([(String, ReportValue)])

  /// An integer from any binary integer.
  public static func n<T: BinaryInteger>(_ v: T) -> ReportValue { .int(Int64(clamping: v)) }
  /// An optional integer (null when nil).
  public static func n<T: BinaryInteger>(_ v: T?) -> ReportValue { v.map { .int(Int64(clamping: $0)) } ?? .null }
  /// An optional string (null when nil).
  public static func string(_ v: String?) -> ReportValue { v.map { .string($0) } ?? .null }
  /// A list of integers.
  public static func ints<T: BinaryInteger>(_ v: [T]) -> ReportValue { .array(v.map { .int(Int64(clamping: $0)) }) }
  /// A list of strings.
  public static func strings(_ v: [String]) -> ReportValue { .array(v.map { .string($0) }) }

  /// Compares structurally.
  public static func == (a: ReportValue, b: ReportValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.int(let x), .int(let y)): x == y
    case (.double(let x), .double(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: false
    }
  }

  /// Hashes structurally.
  public func hash(into h: inout Hasher) {
    switch self {
    case .null: h.combine(0)
    case .bool(let v): h.combine(v)
    case .int(let v): h.combine(v)
    case .double(let v): h.combine(v)
    case .string(let v): h.combine(v)
    case .array(let v): h.combine(v)
    case .object(let v):
      for (k, x) in v { h.combine(k); h.combine(x) }
    }
  }

  /// The value of `key` in an object (nil otherwise).
  public subscript(_ key: String) -> ReportValue? {
    if case .object(let kv) = self { return kv.first { $0.0 == key }?.1 }
    return nil
  }

  /// Compact JSON text (keys in order, no spaces, non-finite numbers as null).
  public var json: String {
    var bytes: [UInt8] = []
    appendJSON(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the JSON text of this value.
  public func write(into s: inout String) {
    s += json
  }

  /// Writes the JSON text of this value to a stream in pieces of about 64 KiB (a large report need not be held as
  /// one string: the CLI streams it to standard output).
  public func write<Target: TextOutputStream>(to s: inout Target) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Self.streamPiece)
    appendJSON(to: &bytes, flushingTo: &s)
    s.write(String(decoding: bytes, as: UTF8.self))
  }

  /// The size at which ``write(to:)`` hands its collected bytes to the stream.
  static let streamPiece = 1 << 16

  /// Appends the JSON text of this value as UTF-8 (escaping and number spelling from WireBytes' `JSONWriter`,
  /// the project's one JSON writer).
  func appendJSON(to out: inout [UInt8]) {
    var none = DiscardingStream()
    appendJSON(to: &out, flushingTo: &none, flushes: false)
  }

  /// Appends the JSON text, handing full pieces to `stream` between array elements and object members.
  func appendJSON<Target: TextOutputStream>(to out: inout [UInt8], flushingTo stream: inout Target, flushes: Bool = true) {
    switch self {
    case .null: JSONWriter.appendNull(to: &out)
    case .bool(let v): JSONWriter.appendBool(v, to: &out)
    case .int(let v): JSONWriter.appendInteger(v, to: &out)
    case .double(let v): JSONWriter.appendNumber(v, to: &out)
    case .string(let v): JSONWriter.appendString(v, to: &out)
    case .array(let v):
      out.append(0x5B)  // [
      for (i, x) in v.enumerated() {
        if i > 0 { out.append(0x2C) }
        x.appendJSON(to: &out, flushingTo: &stream, flushes: flushes)
        if flushes, out.count >= Self.streamPiece { Self.flush(&out, to: &stream) }
      }
      out.append(0x5D)  // ]
    case .object(let kv):
      out.append(0x7B)  // {
      for (i, (k, x)) in kv.enumerated() {
        if i > 0 { out.append(0x2C) }
        JSONWriter.appendString(k, to: &out)
        out.append(0x3A)  // :
        x.appendJSON(to: &out, flushingTo: &stream, flushes: flushes)
        if flushes, out.count >= Self.streamPiece { Self.flush(&out, to: &stream) }
      }
      out.append(0x7D)  // }
    }
  }

  static func flush<Target: TextOutputStream>(_ out: inout [UInt8], to stream: inout Target) {
    stream.write(String(decoding: out, as: UTF8.self))
    out.removeAll(keepingCapacity: true)
  }

  /// Text for a terminal table cell.
  public var text: String {
    switch self {
    case .null: "-"
    case .bool(let v): v ? "yes" : "no"
    case .int(let v): String(v)
    case .double(let v): fixed(v, 3)
    case .string(let v): v
    case .array(let v): v.map(\.text).joined(separator: ", ")
    case .object(let kv): kv.map { "\($0.0)=\($0.1.text)" }.joined(separator: " ")
    }
  }
}

/// `v` with `digits` decimals (WireBytes' `NumberText`, shared with the CLI).
func fixed(_ v: Double, _ digits: Int) -> String { NumberText.fixed(v, digits: digits) }

/// Milliseconds with 3 decimals from nanoseconds.
func ms(_ ns: Int64) -> ReportValue { .double(Double(ns) / 1_000_000) }
/// Milliseconds with 3 decimals from nanoseconds (Double).
func ms(_ ns: Double) -> ReportValue { .double(ns / 1_000_000) }

/// A stream that drops what it is given (``ReportValue/appendJSON(to:)`` collects everything in its byte buffer).
struct DiscardingStream: TextOutputStream {
  mutating func write(_ string: String) {}
}
