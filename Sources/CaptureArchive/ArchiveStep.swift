import PcapKit
import _CaptureInternals

/// The points in a file's transfer at which a test can stop the engine as if the process had been killed.
///
/// The engine calls its fault hook (package access, tests only) at each step; when the hook throws, the engine
/// returns at once without writing another journal record or cleaning up, which is the state a `kill -9` leaves.
package struct ArchiveStep: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  package var rawValue: String
  package init(rawValue: String) { self.rawValue = rawValue }
  package var description: String { rawValue }

  /// The intent record is durable; nothing has changed on disk yet.
  package static let intentRecorded = ArchiveStep(rawValue: "intentRecorded")
  /// A chunk of a copy has been written to the temporary file (mid-copy).
  package static let copying = ArchiveStep(rawValue: "copying")
  /// The temporary copy is complete, fsync'd and verified, not yet renamed into place.
  package static let copied = ArchiveStep(rawValue: "copied")
  /// The file is under its new name (and, after a rename, no longer under its old one).
  package static let renamed = ArchiveStep(rawValue: "renamed")
  /// A move across file systems removed the original; the done record is not yet written.
  package static let originalRemoved = ArchiveStep(rawValue: "originalRemoved")
  /// The done record is written.
  package static let completed = ArchiveStep(rawValue: "completed")
}

/// Called by the engine at each ``ArchiveStep``; throwing stops the engine as a crash would (tests only).
package typealias ArchiveFaultHook = (ArchiveStep) throws(ArchiveError) -> Void

extension ArchiveError {
  /// The error a fault hook throws to simulate a crash.
  package static func simulatedCrash(at step: ArchiveStep) -> ArchiveError {
    ArchiveError(code: .interrupted, message: "simulated crash at \(step)")
  }
}
