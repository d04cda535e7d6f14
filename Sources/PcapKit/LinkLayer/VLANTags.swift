/// The VLAN identifiers of a frame's stacked 802.1Q / 802.1ad tags, outermost first, stored inline (no heap).
///
/// At most ``capacity`` tags are walked; a frame with more stops the walk with ``WalkStop/tooManyHeaders``.
public struct VLANTags: RandomAccessCollection, Hashable, Sendable, CustomStringConvertible {
  /// The most tags a frame may carry (double tagging is common, triple rare; four is generous).
  public static let capacity = 4

  /// Four 16-bit slots, slot 0 in the low bits.
  var packed: UInt64 = 0
  /// Number of tags recorded.
  var storedCount: UInt8 = 0

  /// An empty stack.
  public init() {}

  /// Builds a stack from identifiers (for tests and callers that construct expectations); extra ids are ignored.
  public init(_ ids: some Sequence<UInt16>) {
    for id in ids where Int(storedCount) < VLANTags.capacity { append(id) }
  }

  mutating func append(_ id: UInt16) {
    packed |= UInt64(id & 0x0FFF) << (UInt64(storedCount) * 16)
    storedCount += 1
  }

  /// Always 0.
  public var startIndex: Int { 0 }
  /// The number of tags.
  public var endIndex: Int { Int(storedCount) }

  /// The 12-bit VLAN identifier of the tag at `position` (0 = outermost).
  public subscript(position: Int) -> UInt16 {
    precondition(position >= 0 && position < Int(storedCount), "VLAN tag index out of range")
    return UInt16(truncatingIfNeeded: packed >> (UInt64(position) * 16)) & 0x0FFF
  }

  /// The identifiers, e.g. `[100, 20]`.
  public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
