// Open code-point structs for BACnet enumerations. Each keeps any raw value (unknown and proprietary values
// survive) and names it the way Wireshark does.

/// The type of an APDU (clause 20.1, the high nibble of the first octet).
public struct APDUType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 4-bit PDU type, 0–15.
  public var rawValue: UInt8
  /// Creates a PDU type.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// BACnet-Confirmed-Request-PDU.
  public static let confirmedRequest = APDUType(rawValue: 0)
  /// BACnet-Unconfirmed-Request-PDU.
  public static let unconfirmedRequest = APDUType(rawValue: 1)
  /// BACnet-SimpleACK-PDU.
  public static let simpleACK = APDUType(rawValue: 2)
  /// BACnet-ComplexACK-PDU.
  public static let complexACK = APDUType(rawValue: 3)
  /// BACnet-SegmentACK-PDU.
  public static let segmentACK = APDUType(rawValue: 4)
  /// BACnet-Error-PDU.
  public static let error = APDUType(rawValue: 5)
  /// BACnet-Reject-PDU.
  public static let reject = APDUType(rawValue: 6)
  /// BACnet-Abort-PDU.
  public static let abort = APDUType(rawValue: 7)
  /// Wireshark's name (`Confirmed-REQ`, `Complex-ACK`, …), or `reserved-N`.
  public var name: String { WiresharkNames.pduTypes[UInt32(rawValue)] ?? "reserved-\(rawValue)" }
  /// The name.
  public var description: String { name }
}

/// A confirmed service choice (clause 21, `BACnetConfirmedServiceChoice`).
public struct ConfirmedServiceChoice: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The service number.
  public var rawValue: UInt8
  /// Creates a service choice.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// acknowledgeAlarm (0).
  public static let acknowledgeAlarm = Self(rawValue: 0)
  /// confirmedCOVNotification (1).
  public static let confirmedCOVNotification = Self(rawValue: 1)
  /// confirmedEventNotification (2).
  public static let confirmedEventNotification = Self(rawValue: 2)
  /// subscribeCOV (5).
  public static let subscribeCOV = Self(rawValue: 5)
  /// atomicReadFile (6).
  public static let atomicReadFile = Self(rawValue: 6)
  /// atomicWriteFile (7).
  public static let atomicWriteFile = Self(rawValue: 7)
  /// addListElement (8).
  public static let addListElement = Self(rawValue: 8)
  /// removeListElement (9).
  public static let removeListElement = Self(rawValue: 9)
  /// createObject (10).
  public static let createObject = Self(rawValue: 10)
  /// readProperty (12).
  public static let readProperty = Self(rawValue: 12)
  /// readPropertyMultiple (14).
  public static let readPropertyMultiple = Self(rawValue: 14)
  /// writeProperty (15).
  public static let writeProperty = Self(rawValue: 15)
  /// writePropertyMultiple (16).
  public static let writePropertyMultiple = Self(rawValue: 16)
  /// deviceCommunicationControl (17).
  public static let deviceCommunicationControl = Self(rawValue: 17)
  /// confirmedPrivateTransfer (18).
  public static let confirmedPrivateTransfer = Self(rawValue: 18)
  /// reinitializeDevice (20).
  public static let reinitializeDevice = Self(rawValue: 20)
  /// vtClose (22).
  public static let vtClose = Self(rawValue: 22)
  /// readRange (26).
  public static let readRange = Self(rawValue: 26)
  /// subscribeCOVProperty (28).
  public static let subscribeCOVProperty = Self(rawValue: 28)
  /// subscribeCOVPropertyMultiple (30).
  public static let subscribeCOVPropertyMultiple = Self(rawValue: 30)
  /// Wireshark's name (`readProperty`, …), or `unknown-N`.
  public var name: String { WiresharkNames.confirmedServices[UInt32(rawValue)] ?? "unknown-\(rawValue)" }
  /// The name.
  public var description: String { name }
}

/// An unconfirmed service choice (clause 21, `BACnetUnconfirmedServiceChoice`).
public struct UnconfirmedServiceChoice: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The service number.
  public var rawValue: UInt8
  /// Creates a service choice.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// i-Am (0).
  public static let iAm = Self(rawValue: 0)
  /// i-Have (1).
  public static let iHave = Self(rawValue: 1)
  /// unconfirmedCOVNotification (2).
  public static let unconfirmedCOVNotification = Self(rawValue: 2)
  /// unconfirmedEventNotification (3).
  public static let unconfirmedEventNotification = Self(rawValue: 3)
  /// unconfirmedPrivateTransfer (4).
  public static let unconfirmedPrivateTransfer = Self(rawValue: 4)
  /// timeSynchronization (6).
  public static let timeSynchronization = Self(rawValue: 6)
  /// who-Has (7).
  public static let whoHas = Self(rawValue: 7)
  /// who-Is (8).
  public static let whoIs = Self(rawValue: 8)
  /// utcTimeSynchronization (9).
  public static let utcTimeSynchronization = Self(rawValue: 9)
  /// who-am-I (13).
  public static let whoAmI = Self(rawValue: 13)
  /// you-are (14).
  public static let youAre = Self(rawValue: 14)
  /// Wireshark's name (`i-Am`, `who-Is`, …), or `unknown-N`.
  public var name: String { WiresharkNames.unconfirmedServices[UInt32(rawValue)] ?? "unknown-\(rawValue)" }
  /// The name.
  public var description: String { name }
}

/// A BACnet object type (the 10-bit type of an object identifier).
public struct ObjectType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The object type number, 0–1023.
  public var rawValue: UInt16
  /// Creates an object type.
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  /// analog-input (0).
  public static let analogInput = Self(rawValue: 0)
  /// analog-output (1).
  public static let analogOutput = Self(rawValue: 1)
  /// analog-value (2).
  public static let analogValue = Self(rawValue: 2)
  /// binary-input (3).
  public static let binaryInput = Self(rawValue: 3)
  /// binary-output (4).
  public static let binaryOutput = Self(rawValue: 4)
  /// binary-value (5).
  public static let binaryValue = Self(rawValue: 5)
  /// device (8).
  public static let device = Self(rawValue: 8)
  /// file (10).
  public static let file = Self(rawValue: 10)
  /// trend-log (20).
  public static let trendLog = Self(rawValue: 20)
  /// Wireshark's name (`analog-input`, `device`, …); unnamed values read `(N) Vendor Proprietary Value` from 128,
  /// `(N) Reserved for Use by ASHRAE` below, as Wireshark writes them.
  public var name: String {
    WiresharkNames.split(WiresharkNames.objectTypes, UInt32(rawValue), proprietaryFrom: 128)
  }
  /// The name.
  public var description: String { name }
}

/// A property identifier (`BACnetPropertyIdentifier`).
public struct PropertyIdentifier: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The property number (up to 22 bits on the wire).
  public var rawValue: UInt32
  /// Creates a property identifier.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// all (8).
  public static let all = Self(rawValue: 8)
  /// description (28).
  public static let description = Self(rawValue: 28)
  /// object-identifier (75).
  public static let objectIdentifier = Self(rawValue: 75)
  /// object-list (76).
  public static let objectList = Self(rawValue: 76)
  /// object-name (77).
  public static let objectName = Self(rawValue: 77)
  /// object-type (79).
  public static let objectType = Self(rawValue: 79)
  /// present-value (85).
  public static let presentValue = Self(rawValue: 85)
  /// priority-array (87).
  public static let priorityArray = Self(rawValue: 87)
  /// status-flags (111).
  public static let statusFlags = Self(rawValue: 111)
  /// units (117).
  public static let units = Self(rawValue: 117)
  /// vendor-name (121).
  public static let vendorName = Self(rawValue: 121)
  /// log-buffer (131).
  public static let logBuffer = Self(rawValue: 131)
  /// Wireshark's name (`present-value`, …); unnamed values read `(N) Vendor Proprietary Value` from 512,
  /// `(N) Reserved for Use by ASHRAE` below.
  public var name: String {
    WiresharkNames.split(WiresharkNames.propertyIdentifiers, rawValue, proprietaryFrom: 512)
  }
  /// The name (the property's own `description` static is the property "description").
  public var description: String { name }
}

/// An error class (`BACnetErrorClass`).
public struct ErrorClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The class number.
  public var rawValue: UInt32
  /// Creates an error class.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// device (0).
  public static let device = Self(rawValue: 0)
  /// object (1).
  public static let object = Self(rawValue: 1)
  /// property (2).
  public static let property = Self(rawValue: 2)
  /// resources (3).
  public static let resources = Self(rawValue: 3)
  /// security (4).
  public static let security = Self(rawValue: 4)
  /// services (5).
  public static let services = Self(rawValue: 5)
  /// vt (6).
  public static let vt = Self(rawValue: 6)
  /// communication (7).
  public static let communication = Self(rawValue: 7)
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 64, `(N) Reserved for Use by ASHRAE` below.
  public var name: String {
    WiresharkNames.split(WiresharkNames.errorClasses, rawValue, proprietaryFrom: 64)
  }
  /// The name.
  public var description: String { name }
}

/// An error code (`BACnetErrorCode`).
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The code number.
  public var rawValue: UInt32
  /// Creates an error code.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// other (0).
  public static let other = Self(rawValue: 0)
  /// unknown-object (31).
  public static let unknownObject = Self(rawValue: 31)
  /// unknown-property (32).
  public static let unknownProperty = Self(rawValue: 32)
  /// write-access-denied (40).
  public static let writeAccessDenied = Self(rawValue: 40)
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 256, `(N) Reserved for Use by ASHRAE` below.
  public var name: String {
    WiresharkNames.split(WiresharkNames.errorCodes, rawValue, proprietaryFrom: 256)
  }
  /// The name.
  public var description: String { name }
}

/// A Reject-PDU reason (`BACnetRejectReason`).
public struct RejectReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The reason number.
  public var rawValue: UInt8
  /// Creates a reject reason.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// unrecognized-service (9).
  public static let unrecognizedService = Self(rawValue: 9)
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 64, `(N) Reserved for Use by ASHRAE` below.
  public var name: String {
    WiresharkNames.split(WiresharkNames.rejectReasons, UInt32(rawValue), proprietaryFrom: 64)
  }
  /// The name.
  public var description: String { name }
}

/// An Abort-PDU reason (`BACnetAbortReason`).
public struct AbortReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The reason number.
  public var rawValue: UInt8
  /// Creates an abort reason.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// segmentation-not-supported (4).
  public static let segmentationNotSupported = Self(rawValue: 4)
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 64, `(N) Reserved for Use by ASHRAE` below.
  public var name: String {
    WiresharkNames.split(WiresharkNames.abortReasons, UInt32(rawValue), proprietaryFrom: 64)
  }
  /// The name.
  public var description: String { name }
}

/// A vendor identifier (ASHRAE-assigned).
public struct VendorIdentifier: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The vendor number.
  public var rawValue: UInt16
  /// Creates a vendor identifier.
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  /// The vendor's name as Wireshark lists it, or `unknown-vendor-N`.
  public var name: String { WiresharkNames.vendorIdentifiers[UInt32(rawValue)] ?? "unknown-vendor-\(rawValue)" }
  /// The name.
  public var description: String { name }
}

/// An engineering unit (`BACnetEngineeringUnits`).
public struct EngineeringUnits: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The unit number.
  public var rawValue: UInt32
  /// Creates an engineering unit.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// Degrees Celsius (62).
  public static let degreesCelsius = Self(rawValue: 62)
  /// No Units (95).
  public static let noUnits = Self(rawValue: 95)
  /// Wireshark's name (`Degrees Celsius`, `kilo-btus`, …); unnamed values read `(N) Vendor Proprietary Value`
  /// from 256, `(N) Reserved for Use by ASHRAE` below.
  public var name: String { WiresharkNames.split(WiresharkNames.engineeringUnits, rawValue, proprietaryFrom: 256) }
  /// The name.
  public var description: String { name }
}

/// Segmentation support (`BACnetSegmentation`), as carried by I-Am.
public struct Segmentation: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The enumerated value.
  public var rawValue: UInt32
  /// Creates a segmentation value.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// segmented-both (0).
  public static let segmentedBoth = Self(rawValue: 0)
  /// segmented-transmit (1).
  public static let segmentedTransmit = Self(rawValue: 1)
  /// segmented-receive (2).
  public static let segmentedReceive = Self(rawValue: 2)
  /// no-segmentation (3).
  public static let noSegmentation = Self(rawValue: 3)
  /// The ASN.1 name, or `reserved-N`.
  public var name: String {
    switch rawValue {
    case 0: "segmented-both"
    case 1: "segmented-transmit"
    case 2: "segmented-receive"
    case 3: "no-segmentation"
    default: "reserved-\(rawValue)"
    }
  }
  /// The name.
  public var description: String { name }
}

/// An event type (`BACnetEventType`).
public struct EventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The enumerated value.
  public var rawValue: UInt32
  /// Creates an event type.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 64.
  public var name: String { WiresharkNames.split(WiresharkNames.eventTypes, rawValue, proprietaryFrom: 64) }
  /// The name.
  public var description: String { name }
}

/// An event state (`BACnetEventState`).
public struct EventState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The enumerated value.
  public var rawValue: UInt32
  /// Creates an event state.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// Wireshark's name; unnamed values read `(N) Vendor Proprietary Value` from 64.
  public var name: String { WiresharkNames.split(WiresharkNames.eventStates, rawValue, proprietaryFrom: 64) }
  /// The name.
  public var description: String { name }
}

/// A notify type (`BACnetNotifyType`).
public struct NotifyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The enumerated value.
  public var rawValue: UInt32
  /// Creates a notify type.
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  /// Wireshark's name (`alarm`, `event`, `ack-notification`), or `unknown-N`.
  public var name: String { WiresharkNames.notifyTypes[rawValue] ?? "unknown-\(rawValue)" }
  /// The name.
  public var description: String { name }
}

/// The character set of a CharacterString (clause 20.2.9).
public struct CharacterSet: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The first content octet.
  public var rawValue: UInt8
  /// Creates a character set.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// ANSI X3.4 / UTF-8 (0).
  public static let utf8 = Self(rawValue: 0)
  /// IBM/Microsoft DBCS (1).
  public static let dbcs = Self(rawValue: 1)
  /// JIS C 6226 (2).
  public static let jisC6226 = Self(rawValue: 2)
  /// ISO 10646 UCS-4 (3).
  public static let ucs4 = Self(rawValue: 3)
  /// ISO 10646 UCS-2 (4).
  public static let ucs2 = Self(rawValue: 4)
  /// ISO 8859-1 (5).
  public static let iso8859_1 = Self(rawValue: 5)
  /// Wireshark's name, or `unknown-N`.
  public var name: String { WiresharkNames.characterSets[UInt32(rawValue)] ?? "unknown-\(rawValue)" }
  /// The name.
  public var description: String { name }
}
