/// How a check came out.
public struct FindingStatus: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
  /// `ok`, `warn` or `fail`.
  public var rawValue: String
  /// Creates a status from its spelling.
  public init(rawValue: String) { self.rawValue = rawValue }
  /// Nothing to worry about (or an informational finding).
  public static let ok = FindingStatus(rawValue: "ok")
  /// Worth a look.
  public static let warn = FindingStatus(rawValue: "warn")
  /// A fault.
  public static let fail = FindingStatus(rawValue: "fail")
  /// Nothing to judge: the capture holds none of what the check looks at (`n/a`), which is not the same as `ok`.
  public static let notApplicable = FindingStatus(rawValue: "n/a")
  var rank: Int { self == .fail ? 2 : self == .warn ? 1 : self == .ok ? 0 : -1 }
  /// Orders n/a < ok < warn < fail.
  public static func < (a: FindingStatus, b: FindingStatus) -> Bool { a.rank < b.rank }
  /// The spelling.
  public var description: String { rawValue }
}

/// The outcome of one check: status, the thresholds it was judged by, the evidence frames and a message.
public struct Finding: Hashable, Sendable {
  /// Stable check identifier, `section.name` (`discovery.who_is_storm`, `requests.unanswered`, …).
  public var check: String
  /// ok, warn, fail, or n/a when there was nothing to judge.
  public var status: FindingStatus
  /// The thresholds used, by name (the names `--threshold` accepts), in the order they matter.
  public var threshold: [(String, Double)]
  /// Evidence frame numbers (the first ones; ``frameCount`` says how many there were in all).
  public var frames: [Int]
  /// The number of occurrences, of which ``frames`` lists the first.
  public var frameCount: Int
  /// A plain-language statement of what was found.
  public var message: String

  /// Creates a finding.
  public init(check: String, status: FindingStatus, threshold: [(String, Double)] = [], frames: [Int] = [],
              frameCount: Int? = nil, message: String) {
    self.check = check
    self.status = status
    self.threshold = threshold
    self.frames = frames
    self.frameCount = frameCount ?? frames.count
    self.message = message
  }

  /// Creates a finding whose evidence is an ``Evidence`` list.
  public init(check: String, status: FindingStatus, threshold: [(String, Double)] = [], evidence: Evidence, message: String) {
    self.init(check: check, status: status, threshold: threshold, frames: evidence.frames, frameCount: evidence.count,
              message: message)
  }

  /// Compares every field (thresholds by name and value).
  public static func == (a: Finding, b: Finding) -> Bool {
    a.check == b.check && a.status == b.status && a.frames == b.frames && a.frameCount == b.frameCount
      && a.message == b.message && a.threshold.map(\.0) == b.threshold.map(\.0) && a.threshold.map(\.1) == b.threshold.map(\.1)
  }

  /// Hashes the identifying fields.
  public func hash(into h: inout Hasher) {
    h.combine(check)
    h.combine(status)
    h.combine(frames)
    h.combine(message)
  }
}
