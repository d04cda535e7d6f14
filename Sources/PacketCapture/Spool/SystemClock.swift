public import PcapKit

/// The wall clock (`CLOCK_REALTIME`) as a `CaptureTimestamp` with nanosecond resolution.
public enum SystemClock {
  /// The current time.
  public static func now() -> CaptureTimestamp {
    CaptureTimestamp(nanosecondsSinceEpoch: SystemCalls.realtimeNanoseconds())
  }
}
