public import PcapKit

/// One frame handed by a source to the spool: what an Enhanced Packet Block (or a pcap record) holds.
///
/// `data` is usually a view of the source's reusable buffer: the spool copies it into the file at once and keeps
/// no reference.
public struct CapturedFrame {
  /// Index of the frame's interface in the spool's ``CaptureSpool/interfaces``.
  public var interface: Int
  /// When the frame was captured (nanosecond resolution is kept).
  public var timestamp: CaptureTimestamp
  /// The captured bytes.
  public var data: ArraySlice<UInt8>
  /// The length on the wire (≥ `data.count`; more when the frame was truncated to the snap length).
  public var originalLength: Int
  /// `epb_flags` (direction, reception type, link-layer errors); nil writes none.
  public var flags: PacketFlags?
  /// An `opt_comment`, e.g. "invalid header CRC" from a serial source; nil writes none.
  public var comment: String?

  /// A frame.
  /// - Parameters:
  ///   - interface: the interface index.
  ///   - timestamp: the capture time.
  ///   - data: the captured bytes.
  ///   - originalLength: the length on the wire (default: `data.count`).
  ///   - flags: `epb_flags`.
  ///   - comment: `opt_comment`.
  public init(interface: Int = 0, timestamp: CaptureTimestamp, data: ArraySlice<UInt8>, originalLength: Int? = nil,
              flags: PacketFlags? = nil, comment: String? = nil) {
    self.interface = interface
    self.timestamp = timestamp
    self.data = data
    self.originalLength = originalLength ?? data.count
    self.flags = flags
    self.comment = comment
  }
}
