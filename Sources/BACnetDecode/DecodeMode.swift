/// How much of a message's service parameters the decoder builds into values.
///
/// Both modes walk every tag of every message and report **the same diagnostics** (the same codes, offsets and
/// messages, in the same order): what differs is only which services get typed ``ServiceParameters``.
///
/// * ``full`` — every service with a typed layout gets its typed parameters (what `list --verbose` shows).
/// * ``summary`` — what a traffic summary reads: headers, segmentation fields, error/reject/abort codes, the
///   primary object and property of every service, and typed parameters only for
///   I-Am, I-Have, Who-Is, Who-Has, (UTC)TimeSynchronization, ReadProperty, WriteProperty,
///   WritePropertyMultiple, DeviceCommunicationControl, ReinitializeDevice, ReadProperty-ACK, and
///   ReadPropertyMultiple-ACK when it carries results of an object of type ``fullyDecodedObjectType`` (the device
///   object by default, so device facts such as its name, model and firmware can be harvested). Every other
///   service's layout is still checked in full, but its parameters are kept as
///   ``ServiceParameters/generic(_:)`` (the encoded tags) instead of lists and boxes built per message — the
///   summary mode allocates nothing for them.
///
/// ```swift
/// let m = BACnetDecoder.decodeBVLL(payload, mode: .summary)
/// ```
public struct DecodeMode: Hashable, Sendable {
  /// True for the summary mode.
  public var isSummary: Bool
  /// Summary mode: ReadPropertyMultiple-ACKs holding results of an object of this type are decoded in full
  /// (nil: none). 8 is the device object.
  public var fullyDecodedObjectType: UInt16?

  /// Creates a mode.
  public init(isSummary: Bool, fullyDecodedObjectType: UInt16? = 8) {
    self.isSummary = isSummary
    self.fullyDecodedObjectType = fullyDecodedObjectType
  }

  /// Typed parameters for every service (the default).
  public static let full = DecodeMode(isSummary: false)
  /// Typed parameters only for what a summary reads; ReadPropertyMultiple-ACKs of device objects in full.
  public static let summary = DecodeMode(isSummary: true)

  /// Whether a service's typed parameters are built in this mode (ReadPropertyMultiple-ACK is decided per message).
  func buildsParameters(pduType: APDUType, service: UInt8) -> Bool {
    guard isSummary else { return true }
    switch (pduType, service) {
    case (.unconfirmedRequest, 0), (.unconfirmedRequest, 1), (.unconfirmedRequest, 6), (.unconfirmedRequest, 7),
      (.unconfirmedRequest, 8), (.unconfirmedRequest, 9):
      return true
    case (.confirmedRequest, 12), (.confirmedRequest, 15), (.confirmedRequest, 16), (.confirmedRequest, 17),
      (.confirmedRequest, 20):
      return true
    case (.complexACK, 12), (.complexACK, 14):
      return true
    default:
      return false
    }
  }
}
