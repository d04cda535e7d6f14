/// A running count of the packets a ``CaptureReader`` has delivered, for a caller that shows progress while a
/// library loop (a filter, a merge) reads: give it in ``ReaderOptions/packetTally`` and read ``count`` at will.
///
/// Counting costs one integer increment per packet. A tally is meant for one thread: the reader and whoever reads
/// ``count`` run on the same thread (it is `Sendable` only so that it can sit in ``ReaderOptions``).
public final class PacketTally: @unchecked Sendable {
  /// Packets delivered so far by every reader this tally was given to.
  public var count = 0

  /// A tally at zero.
  public init() {}
}
