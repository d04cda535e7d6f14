/// A bounded list of evidence frame numbers plus the total count: memory stays fixed however often a finding
/// occurs.
public struct Evidence: Hashable, Sendable {
  /// How many frame numbers are kept (the first ones seen).
  public static let defaultLimit = 20
  /// The first frame numbers (at most ``limit``), in the order they were noted.
  public private(set) var frames: [Int] = []
  /// How many occurrences were noted in all.
  public private(set) var count = 0
  /// The most frame numbers kept.
  public let limit: Int

  /// Creates an empty list keeping at most `limit` frame numbers.
  public init(limit: Int = Evidence.defaultLimit) { self.limit = max(0, limit) }

  /// Notes one occurrence at `frame`.
  public mutating func note(_ frame: Int) {
    count += 1
    if frames.count < limit { frames.append(frame) }
  }

  /// Withdraws one occurrence at `frame` (when later traffic shows it was not one after all).
  public mutating func withdraw(_ frame: Int) {
    guard count > 0 else { return }
    count -= 1
    if let i = frames.lastIndex(of: frame) { frames.remove(at: i) }
  }

  /// True when nothing was noted.
  public var isEmpty: Bool { count == 0 }
}

/// A count with a cap: entries refused once a table is full are counted, never stored.
public struct DropCounter: Hashable, Sendable {
  /// How many items were not tracked because a table was full.
  public var dropped = 0
  /// Creates a counter at zero.
  public init() {}
}
