/// The state of capturing, as the console and `/api/status` show it.
public struct CaptureStatus: Codable, Sendable, Equatable {
  /// True while a capture runs.
  public var running: Bool
  /// Packets written by the running capture.
  public var packets: Int
  /// Packets the kernel dropped.
  public var drops: Int
  /// The last error, if any.
  public var lastError: String?
  /// Whether capturing is available at all in this build.
  public var available: Bool

  /// A status.
  public init(running: Bool, packets: Int, drops: Int, lastError: String?, available: Bool) {
    self.running = running
    self.packets = packets
    self.drops = drops
    self.lastError = lastError
    self.available = available
  }
}

/// The seam between the console and the capture library: starting, stopping and observing captures into the
/// spool. The live IP and MS/TP capture library (issues for live capture) implements it; until it is linked,
/// ``UnavailableCaptureControl`` answers.
public protocol CaptureControl: Sendable {
  /// Starts capturing with `configuration` into `spool` (rotating files; a file appears there only complete).
  func start(_ configuration: CaptureConfiguration, spool: String) async throws
  /// Stops capturing, finishing the current file.
  func stop() async throws
  /// The current state.
  func status() async -> CaptureStatus
}

/// The capture control of a build without the capture library: reports capturing as unavailable and refuses
/// to start.
public struct UnavailableCaptureControl: CaptureControl {
  /// Thrown by ``start(_:spool:)``.
  public struct NotAvailable: Error, CustomStringConvertible {
    public var description: String { "Live capture is not available in this build (capture library not linked)." }
  }

  /// The control.
  public init() {}

  public func start(_ configuration: CaptureConfiguration, spool: String) async throws { throw NotAvailable() }
  public func stop() async throws {}
  public func status() async -> CaptureStatus {
    CaptureStatus(running: false, packets: 0, drops: 0, lastError: NotAvailable().description, available: false)
  }
}
