/// A property reference: identifier and optional array index (`BACnetPropertyReference`).
public struct PropertyReference: Hashable, Sendable {
  /// The property.
  public var property: PropertyIdentifier
  /// The array index, when given.
  public var arrayIndex: UInt32?
}

/// A property value: identifier, optional index, the value (kept encoded), optional priority
/// (`BACnetPropertyValue`).
public struct PropertyValue: Hashable, Sendable {
  /// The property.
  public var property: PropertyIdentifier
  /// The array index, when given.
  public var arrayIndex: UInt32?
  /// The value's tags.
  public var value: EncodedValues
  /// The write priority, when given.
  public var priority: UInt8?
}

/// Who-Is (unconfirmed 8): an optional device instance range.
public struct WhoIsRequest: Hashable, Sendable {
  /// Low limit ([0]); nil when no range is given.
  public var lowLimit: UInt32?
  /// High limit ([1]); nil when no range is given.
  public var highLimit: UInt32?
}

/// I-Am (unconfirmed 0).
public struct IAmRequest: Hashable, Sendable {
  /// The device object.
  public var device: ObjectIdentifier
  /// Max APDU length accepted, in octets.
  public var maxAPDULengthAccepted: UInt32
  /// Segmentation supported.
  public var segmentation: Segmentation
  /// The vendor.
  public var vendorID: VendorIdentifier
}

/// Who-Has (unconfirmed 7).
public struct WhoHasRequest: Hashable, Sendable {
  /// Low limit of the device range ([0]), optional.
  public var lowLimit: UInt32?
  /// High limit of the device range ([1]), optional.
  public var highLimit: UInt32?
  /// The object sought by identifier ([2]).
  public var object: ObjectIdentifier?
  /// The object sought by name ([3]).
  public var objectName: BACnetCharacterString?
}

/// I-Have (unconfirmed 1).
public struct IHaveRequest: Hashable, Sendable {
  /// The device that has the object.
  public var device: ObjectIdentifier
  /// The object.
  public var object: ObjectIdentifier
  /// The object's name.
  public var objectName: BACnetCharacterString
}

/// ReadProperty request (confirmed 12), or the identifying part of ReadProperty-ACK.
public struct ReadPropertyRequest: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The property ([1]).
  public var property: PropertyIdentifier
  /// The array index ([2]), optional.
  public var arrayIndex: UInt32?
}

/// ReadProperty-ACK (complex ACK of service 12).
public struct ReadPropertyACK: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The property ([1]).
  public var property: PropertyIdentifier
  /// The array index ([2]), optional.
  public var arrayIndex: UInt32?
  /// The value ([3]{…}).
  public var value: EncodedValues
}

/// WriteProperty request (confirmed 15).
public struct WritePropertyRequest: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The property ([1]).
  public var property: PropertyIdentifier
  /// The array index ([2]), optional.
  public var arrayIndex: UInt32?
  /// The value ([3]{…}); a NULL relinquishes the priority.
  public var value: EncodedValues
  /// The priority ([4]), 1–16, optional.
  public var priority: UInt8?
}

/// One object of a ReadPropertyMultiple request (`ReadAccessSpecification`).
public struct ReadAccessSpecification: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The properties ([1]{…}).
  public var properties: [PropertyReference]
}

/// One result of a ReadPropertyMultiple-ACK: a value or an error.
public struct ReadAccessResultElement: Hashable, Sendable {
  /// The property ([2]).
  public var property: PropertyIdentifier
  /// The array index ([3]), optional.
  public var arrayIndex: UInt32?
  /// The value ([4]{…}), when the read succeeded.
  public var value: EncodedValues?
  /// The error class ([5]{…}), when it failed.
  public var errorClass: ErrorClass?
  /// The error code ([5]{…}), when it failed.
  public var errorCode: ErrorCode?
}

/// One object of a ReadPropertyMultiple-ACK (`ReadAccessResult`).
public struct ReadAccessResult: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The results ([1]{…}).
  public var results: [ReadAccessResultElement]
}

/// One object of a WritePropertyMultiple request (`WriteAccessSpecification`).
public struct WriteAccessSpecification: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The values ([1]{…}).
  public var values: [PropertyValue]
}

/// SubscribeCOV (confirmed 5) and SubscribeCOVProperty (confirmed 28).
public struct SubscribeCOVRequest: Hashable, Sendable {
  /// Subscriber process identifier ([0]).
  public var processID: UInt32
  /// The monitored object ([1]).
  public var object: ObjectIdentifier
  /// Issue confirmed notifications ([2]), optional.
  public var issueConfirmedNotifications: Bool?
  /// Lifetime in seconds ([3]), optional.
  public var lifetime: UInt32?
  /// The monitored property ([4]{…}), SubscribeCOVProperty only.
  public var monitoredProperty: PropertyReference?
  /// COV increment ([5]), SubscribeCOVProperty only, optional.
  public var covIncrement: Float?
  /// True when both [2] and [3] are absent: the request cancels the subscription.
  public var isCancellation: Bool { issueConfirmedNotifications == nil && lifetime == nil }
}

/// COV notification (confirmed 1, unconfirmed 2).
public struct COVNotification: Hashable, Sendable {
  /// Subscriber process identifier ([0]).
  public var processID: UInt32
  /// The initiating device ([1]).
  public var initiatingDevice: ObjectIdentifier
  /// The monitored object ([2]).
  public var monitoredObject: ObjectIdentifier
  /// Time remaining in seconds ([3]).
  public var timeRemaining: UInt32
  /// The values ([4]{…}).
  public var values: [PropertyValue]
}

/// Event notification (confirmed 2, unconfirmed 3).
public struct EventNotification: Hashable, Sendable {
  /// Process identifier ([0]).
  public var processID: UInt32
  /// The initiating device ([1]).
  public var initiatingDevice: ObjectIdentifier
  /// The object that generated the event ([2]).
  public var eventObject: ObjectIdentifier
  /// Time stamp ([3]{…}).
  public var timeStamp: EncodedValues
  /// Notification class ([4]).
  public var notificationClass: UInt32
  /// Priority ([5]).
  public var priority: UInt8
  /// Event type ([6]).
  public var eventType: EventType
  /// Message text ([7]), optional.
  public var messageText: BACnetCharacterString?
  /// Notify type ([8]).
  public var notifyType: NotifyType
  /// Ack required ([9]), optional.
  public var ackRequired: Bool?
  /// From state ([10]), optional.
  public var fromState: EventState?
  /// To state ([11]).
  public var toState: EventState
  /// Event values ([12]{…}), optional.
  public var eventValues: EncodedValues?
}

/// TimeSynchronization (unconfirmed 6) and UTCTimeSynchronization (unconfirmed 9).
public struct TimeSynchronizationRequest: Hashable, Sendable {
  /// The date.
  public var date: BACnetDate
  /// The time.
  public var time: BACnetTime
}

/// DeviceCommunicationControl (confirmed 17).
public struct DeviceCommunicationControlRequest: Hashable, Sendable {
  /// Time duration in minutes ([0]), optional.
  public var timeDuration: UInt32?
  /// enable (0), disable (1), disable-initiation (2) ([1]).
  public var enableDisable: UInt32
  /// Password ([2]), optional.
  public var password: BACnetCharacterString?
  /// The name of ``enableDisable``.
  public var enableDisableName: String {
    switch enableDisable {
    case 0: "enable"
    case 1: "disable"
    case 2: "disable-initiation"
    default: "reserved-\(enableDisable)"
    }
  }
}

/// ReinitializeDevice (confirmed 20).
public struct ReinitializeDeviceRequest: Hashable, Sendable {
  /// Reinitialized state of device ([0]).
  public var state: UInt32
  /// Password ([1]), optional.
  public var password: BACnetCharacterString?
  /// The name of ``state`` (`coldstart`, `warmstart`, …).
  public var stateName: String {
    let names = ["coldstart", "warmstart", "start-backup", "end-backup", "start-restore", "end-restore", "abort-restore",
                 "activate-changes"]
    return state < names.count ? names[Int(state)] : "reserved-\(state)"
  }
}

/// The range of a ReadRange request.
public enum ReadRangeRange: Hashable, Sendable {
  /// By position ([3]{reference index, count}).
  case byPosition(referenceIndex: UInt64, count: Int64)
  /// By sequence number ([6]{reference sequence number, count}).
  case bySequenceNumber(referenceSequenceNumber: UInt64, count: Int64)
  /// By time ([7]{date, time, count}).
  case byTime(date: BACnetDate, time: BACnetTime, count: Int64)
}

/// ReadRange request (confirmed 26).
public struct ReadRangeRequest: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The property ([1]).
  public var property: PropertyIdentifier
  /// The array index ([2]), optional.
  public var arrayIndex: UInt32?
  /// The range, optional (absent = all items).
  public var range: ReadRangeRange?
}

/// ReadRange-ACK (complex ACK of service 26).
public struct ReadRangeACK: Hashable, Sendable {
  /// The object ([0]).
  public var object: ObjectIdentifier
  /// The property ([1]).
  public var property: PropertyIdentifier
  /// The array index ([2]), optional.
  public var arrayIndex: UInt32?
  /// Result flags ([3]): first-item, last-item, more-items.
  public var resultFlags: BACnetBitString
  /// Item count ([4]).
  public var itemCount: UInt64
  /// The items ([5]{…}).
  public var itemData: EncodedValues
  /// First sequence number ([6]), optional.
  public var firstSequenceNumber: UInt64?
}

/// AtomicReadFile request (confirmed 6): file and access window.
public struct AtomicReadFileRequest: Hashable, Sendable {
  /// The file object.
  public var file: ObjectIdentifier
  /// True for record access ([1]), false for stream access ([0]).
  public var isRecordAccess: Bool
  /// Start position (octet or record).
  public var start: Int64
  /// Requested octet or record count.
  public var count: UInt64
}

/// AtomicReadFile-ACK (complex ACK of service 6): metadata, not the file data.
public struct AtomicReadFileACK: Hashable, Sendable {
  /// End of file reached.
  public var endOfFile: Bool
  /// True for record access ([1]), false for stream access ([0]).
  public var isRecordAccess: Bool
  /// Start position (octet or record).
  public var start: Int64
  /// Octets returned (stream) or records returned (record access).
  public var count: UInt64
}

/// AtomicWriteFile request (confirmed 7): metadata, not the file data.
public struct AtomicWriteFileRequest: Hashable, Sendable {
  /// The file object.
  public var file: ObjectIdentifier
  /// True for record access ([1]), false for stream access ([0]).
  public var isRecordAccess: Bool
  /// Start position (octet or record; −1 appends).
  public var start: Int64
  /// Octets (stream) or records (record access) written.
  public var count: UInt64
}

/// AtomicWriteFile-ACK (complex ACK of service 7).
public struct AtomicWriteFileACK: Hashable, Sendable {
  /// True for record access ([1]), false for stream access ([0]).
  public var isRecordAccess: Bool
  /// The start position (octet or record) where the data was written.
  public var start: Int64
}

/// Who-Am-I (unconfirmed 13) and You-Are (unconfirmed 14).
public struct DeviceIdentityRequest: Hashable, Sendable {
  /// The vendor.
  public var vendorID: VendorIdentifier
  /// The model name.
  public var modelName: BACnetCharacterString
  /// The serial number.
  public var serialNumber: BACnetCharacterString
  /// The device identifier assigned (You-Are), optional.
  public var deviceIdentifier: ObjectIdentifier?
  /// The MAC address assigned (You-Are), optional.
  public var deviceMACAddress: ArraySlice<UInt8>?
}

/// The decoded parameters of an APDU.
///
/// The large, less frequent payloads are `indirect` (boxed) so that the enum, and every ``APDU``, stays small to
/// copy on the common paths (I-Am, ReadProperty, WriteProperty …).
public enum ServiceParameters: Hashable, Sendable {
  /// No parameters (SimpleACK, SegmentACK, Reject, Abort, a plain Error-PDU, a segment awaiting reassembly, or a
  /// service sent without parameters). Not named `none`, so that it never reads as `Optional.none`.
  case noParameters
  /// Who-Is.
  case whoIs(WhoIsRequest)
  /// I-Am.
  case iAm(IAmRequest)
  /// Who-Has.
  indirect case whoHas(WhoHasRequest)
  /// I-Have.
  indirect case iHave(IHaveRequest)
  /// ReadProperty request.
  case readProperty(ReadPropertyRequest)
  /// ReadProperty-ACK.
  case readPropertyACK(ReadPropertyACK)
  /// WriteProperty request.
  case writeProperty(WritePropertyRequest)
  /// ReadPropertyMultiple request.
  case readPropertyMultiple([ReadAccessSpecification])
  /// ReadPropertyMultiple-ACK.
  case readPropertyMultipleACK([ReadAccessResult])
  /// WritePropertyMultiple request.
  case writePropertyMultiple([WriteAccessSpecification])
  /// SubscribeCOV or SubscribeCOVProperty request.
  case subscribeCOV(SubscribeCOVRequest)
  /// COV notification (confirmed or unconfirmed).
  case covNotification(COVNotification)
  /// Event notification (confirmed or unconfirmed).
  indirect case eventNotification(EventNotification)
  /// TimeSynchronization or UTCTimeSynchronization.
  case timeSynchronization(TimeSynchronizationRequest)
  /// DeviceCommunicationControl.
  case deviceCommunicationControl(DeviceCommunicationControlRequest)
  /// ReinitializeDevice.
  case reinitializeDevice(ReinitializeDeviceRequest)
  /// ReadRange request.
  case readRange(ReadRangeRequest)
  /// ReadRange-ACK.
  indirect case readRangeACK(ReadRangeACK)
  /// AtomicReadFile request.
  case atomicReadFile(AtomicReadFileRequest)
  /// AtomicReadFile-ACK.
  case atomicReadFileACK(AtomicReadFileACK)
  /// AtomicWriteFile request.
  case atomicWriteFile(AtomicWriteFileRequest)
  /// AtomicWriteFile-ACK.
  case atomicWriteFileACK(AtomicWriteFileACK)
  /// Who-Am-I or You-Are.
  indirect case deviceIdentity(DeviceIdentityRequest)
  /// Any other service, or parameters that did not follow the layout: the tags, decoded on demand.
  case generic(EncodedValues)
}
