/// One object to select, `TYPE,INSTANCE`: the type by name (`analog-input`, `analogInput`, `Analog_Input`) or
/// number (`0`), the instance as a number or `*` for any instance of the type.
public struct ObjectSelector: Hashable, Sendable, CustomStringConvertible {
  /// The object type.
  public var type: ObjectType
  /// The instance; nil matches every instance.
  public var instance: UInt32?

  /// Creates a selector.
  public init(type: ObjectType, instance: UInt32?) {
    self.type = type
    self.instance = instance
  }

  /// Parses `TYPE,INSTANCE` (also `TYPE:INSTANCE`); nil when the type is unknown, the type number is above 1023 or
  /// the instance above 4194303.
  public init?(parsing text: String) {
    guard let comma = text.lastIndex(where: { $0 == "," || $0 == ":" }) else { return nil }
    let typeText = text[..<comma], instanceText = text[text.index(after: comma)...]
    guard let type = ObjectSelector.objectType(typeText) else { return nil }
    if instanceText == "*" {
      self.init(type: type, instance: nil)
    } else {
      guard let i = UInt32(instanceText), i <= 0x3F_FFFF else { return nil }
      self.init(type: type, instance: i)
    }
  }

  /// An object type by name or number (0–1023).
  public static func objectType(_ text: Substring) -> ObjectType? {
    if let n = UInt16(text) { return n <= 1023 ? ObjectType(rawValue: n) : nil }
    guard let c = SelectionNames.code(of: text, in: WiresharkNames.objectTypes, below: 128) else { return nil }
    return ObjectType(rawValue: UInt16(c))
  }

  /// True when `object` is this object.
  @inline(__always)
  public func matches(_ object: ObjectIdentifier) -> Bool {
    object.type == type && (instance == nil || instance == object.instance)
  }

  /// `analog-input,1` (`analog-input,*` for any instance).
  public var description: String { "\(type.name),\(instance.map(String.init) ?? "*")" }
}
