public import PcapKit

/// Where frames come from: one capture interface with a pollable descriptor (an AF_PACKET ring, a serial port).
///
/// ``CaptureRunner`` polls every source's ``descriptor`` and calls ``drain(_:)`` when it is readable (and at
/// least every 250 ms), so a source only needs to hand over what is ready without blocking.
public protocol PacketSource: AnyObject {
  /// The interface, described before the first frame.
  var interface: CaptureInterface { get }
  /// A descriptor that becomes readable (`POLLIN`) when frames are waiting.
  var descriptor: Int32 { get }
  /// Hands over every frame ready now, without blocking. The frame's ``CapturedFrame/interface`` is set by the
  /// runner; its ``CapturedFrame/data`` may be a view of the source's buffer, valid during the call only.
  /// - Parameter deliver: returns false to stop the delivery (the capture is ending); the source then returns.
  /// - Returns: false when the source has ended for good (a device unplugged, the end of a replayed file).
  func drain(_ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool
  /// Counters and state since the source opened (cumulative).
  func status() -> SourceStatus
  /// Releases the descriptor and any mapping. Called once, after the last ``status()``.
  func close()
  /// Why the source ended (``drain(_:)`` returned false), for the user: "interface eth0 was removed"; nil while it
  /// runs or when it has nothing to say.
  var endReason: String? { get }
}

extension PacketSource {
  /// No reason given.
  public var endReason: String? { nil }
}

/// What a source reports about itself.
public struct SourceStatus: Hashable, Sendable {
  /// The counters written into the Interface Statistics Blocks.
  public var counters: InterfaceCounters
  /// Frames the source read but discarded itself (user-space filtering).
  public var discarded: UInt64
  /// How full the source's buffer is, 0…1, when it has one (the share of ring blocks held by user space).
  public var fill: Double?

  /// A status.
  public init(counters: InterfaceCounters, discarded: UInt64 = 0, fill: Double? = nil) {
    self.counters = counters
    self.discarded = discarded
    self.fill = fill
  }
}
