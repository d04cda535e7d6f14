import ArgumentParser
import PcapKit

/// How badly reading one input went, for the exit status: the worst over all inputs wins.
enum ReadOutcome: Int, Comparable {
  /// Read to the end.
  case complete = 0
  /// Read in part (truncated or corrupt after some records): exit 65.
  case damaged = 1
  /// Not readable at all (missing, not a capture, bad header): exit 66.
  case unreadable = 2

  static func < (a: ReadOutcome, b: ReadOutcome) -> Bool { a.rawValue < b.rawValue }

  /// The exit code for this outcome (nil = success).
  var exitCode: ExitCode? {
    switch self {
    case .complete: nil
    case .damaged: ExitStatus.damagedInput
    case .unreadable: ExitStatus.unreadableInput
    }
  }

  /// Reports a read error on stderr (`FILE: code at byte N: message`) and classifies it: an error before any
  /// record was read means the input is unreadable.
  static func report(_ error: CaptureError, file: String, recordsRead: Int) -> ReadOutcome {
    Diagnostics.error("\(file): \(error)")
    return recordsRead == 0 ? .unreadable : .damaged
  }
}
