/// Live counters of a running capture, summed over its sources (``CaptureRunner/makeStatusStream()``, and the
/// status line on a terminal).
public struct CaptureStatus: Hashable, Sendable, CustomStringConvertible {
  /// Seconds since the capture started.
  public var elapsedSeconds: Double
  /// Frames the kernel filter accepted (`isb_filteraccept`), dropped ones included.
  public var received: UInt64
  /// Frames read but discarded in user space (later fragments of datagrams on other ports).
  public var filtered: UInt64
  /// Frames written.
  public var written: UInt64
  /// Frames the kernel dropped because the ring was full (`isb_osdrop`).
  public var kernelDrops: UInt64
  /// The fullest source buffer, 0…1 (nil when no source reports one).
  public var ringFill: Double?
  /// Files completed so far.
  public var filesCompleted: Int

  /// A status.
  public init(elapsedSeconds: Double = 0, received: UInt64 = 0, filtered: UInt64 = 0, written: UInt64 = 0,
              kernelDrops: UInt64 = 0, ringFill: Double? = nil, filesCompleted: Int = 0) {
    self.elapsedSeconds = elapsedSeconds
    self.received = received
    self.filtered = filtered
    self.written = written
    self.kernelDrops = kernelDrops
    self.ringFill = ringFill
    self.filesCompleted = filesCompleted
  }

  /// `"12.0 s: 1200 received, 3 filtered, 1197 written, 0 dropped, ring 2%, 0 files"`.
  public var description: String {
    let fill = ringFill.map { ", ring \(Int(($0 * 100).rounded()))%" } ?? ""
    let secs = (elapsedSeconds * 10).rounded() / 10
    return "\(secs) s: \(received) received, \(filtered) filtered, \(written) written, \(kernelDrops) dropped\(fill), \(filesCompleted) files"
  }
}
