import PcapKit
import _CaptureInternals

/// What the archive engine reports as it goes, so a CLI or daemon can log it.
public enum ArchiveEvent: Sendable {
  /// A path was left alone; `reason` says why (not a capture, a symbolic link, already named, …).
  case skipped(path: String, reason: String)
  /// Dry run: this change would be made.
  case planned(from: String, to: String, method: TransferMethod)
  /// The file is now under its new name (a run or a resume).
  case completed(from: String, to: String, method: TransferMethod, keptOriginal: Bool)
  /// The file is back under its old name (undo).
  case restored(from: String, to: String)
  /// `--scrub-metadata` removed descriptive text from the capture now at `path` (reported before the move).
  case scrubbed(path: String, report: ScrubReport)
  /// Something the user should know that is not a failure.
  case notice(path: String, message: String)
  /// This file could not be handled; nothing of it was lost (see the error).
  case failed(path: String, error: ArchiveError)
}

/// Counts of what a run, resume or undo did.
public struct ArchiveSummary: Hashable, Sendable {
  /// Files renamed, moved or copied (or, for a dry run, that would be; for undo, restored).
  public var completed = 0
  /// Paths skipped.
  public var skipped = 0
  /// Files that failed.
  public var failed = 0
  /// True when at least one failure was about writing (the output side), as opposed to reading an input.
  public var outputFailed = false
  /// True when at least one input is a damaged capture (it could not be rewritten by `--scrub-metadata`).
  public var inputDamaged = false

  /// An empty summary.
  public init() {}
}
