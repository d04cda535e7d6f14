/// Cumulative counters of one interface since the capture started, written into the Interface Statistics Block
/// that closes every pcapng file. A nil counter is unknown and not written.
///
/// For AF_PACKET sources: ``filterAccepted`` and ``osDropped`` are `PACKET_STATISTICS`' `tp_packets` and
/// `tp_drops` summed over every read (the kernel resets them on each read; `tp_packets` includes the drops);
/// ``received`` and ``interfaceDropped`` are the interface's `rx_packets` and `rx_dropped` counters since the start.
/// ``userDelivered`` is filled by the spool with the frames it wrote for the interface when the source leaves it nil.
public struct InterfaceCounters: Hashable, Sendable {
  /// `isb_ifrecv`: packets received by the interface.
  public var received: UInt64?
  /// `isb_ifdrop`: packets the interface (driver) dropped.
  public var interfaceDropped: UInt64?
  /// `isb_filteraccept`: packets accepted by the kernel filter.
  public var filterAccepted: UInt64?
  /// `isb_osdrop`: packets accepted by the filter but dropped by the operating system (ring full).
  public var osDropped: UInt64?
  /// `isb_usrdeliv`: packets delivered to the application (written).
  public var userDelivered: UInt64?

  /// Counters; every one unknown unless given.
  public init(received: UInt64? = nil, interfaceDropped: UInt64? = nil, filterAccepted: UInt64? = nil,
              osDropped: UInt64? = nil, userDelivered: UInt64? = nil) {
    self.received = received
    self.interfaceDropped = interfaceDropped
    self.filterAccepted = filterAccepted
    self.osDropped = osDropped
    self.userDelivered = userDelivered
  }
}
