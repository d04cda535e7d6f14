public import PcapKit

/// A file the spool has finished: flushed to disk (`fsync`), renamed into the spool directory, ready to upload.
public struct CompletedCaptureFile: Hashable, Sendable {
  /// Why a file was closed.
  public enum CloseReason: String, Hashable, Sendable {
    /// The size limit.
    case size
    /// An interval boundary.
    case interval
    /// The per-file frame limit.
    case packets
    /// The capture ended (stop condition, signal, end of source, error).
    case stop
    /// A disk-guard limit.
    case diskGuard = "disk-guard"
  }

  /// The full path in the spool directory.
  public var path: String
  /// Frames in the file.
  public var packets: Int
  /// The file's size in bytes.
  public var bytes: Int64
  /// When the file was opened (an interval boundary for interval-rotated files after the first).
  public var opened: CaptureTimestamp
  /// When it was closed.
  public var closed: CaptureTimestamp
  /// Why it was closed.
  public var reason: CloseReason
  /// Position in this run (1, 2, …).
  public var sequence: Int
}
