public import PcapKit

/// When a capture ends on its own. Every condition set applies; the first reached wins.
public struct StopConditions: Hashable, Sendable {
  /// Stop this many seconds after the start (`--duration`).
  public var durationSeconds: Double?
  /// Stop after writing this many frames (`--packets`).
  public var packets: Int?
  /// Stop at this wall-clock time (`--until`).
  public var until: CaptureTimestamp?

  /// Conditions (none: run until a signal or ``CaptureStopHandle/requestStop()``).
  public init(durationSeconds: Double? = nil, packets: Int? = nil, until: CaptureTimestamp? = nil) {
    self.durationSeconds = durationSeconds
    self.packets = packets
    self.until = until
  }
}

/// Why a capture ended.
public enum CaptureEnd: Hashable, Sendable, CustomStringConvertible {
  /// `--duration` elapsed.
  case duration
  /// `--packets` frames written.
  case packets
  /// `--until` reached.
  case until
  /// A signal (SIGTERM 15, SIGINT 2, SIGHUP 1).
  case signal(Int32)
  /// ``CaptureStopHandle/requestStop()``.
  case requested
  /// A disk-guard limit, with its message.
  case diskGuard(String)
  /// Every source ended.
  case sourcesEnded

  /// A short phrase.
  public var description: String {
    switch self {
    case .duration: "duration reached"
    case .packets: "packet count reached"
    case .until: "end time reached"
    case .signal(let n): n == 15 ? "SIGTERM" : n == 2 ? "SIGINT" : n == 1 ? "SIGHUP" : "signal \(n)"
    case .requested: "stop requested"
    case .diskGuard(let m): m
    case .sourcesEnded: "sources ended"
    }
  }
}
