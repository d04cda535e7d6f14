/// Decoding of service parameters for the services with a typed layout; everything else becomes a
/// (validated) generic tag run.
///
/// Every typed layout is checked the same way in both ``DecodeMode``s (so the diagnostics are identical); `build`
/// false (summary mode, a service the summary does not read) skips building the lists and boxed values, and the
/// parameters become the generic tag run.
enum ServiceDecoder {
  static func decodeParameters(_ a: inout APDU, diagnostics d: inout [BACnetDiagnostic], mode: DecodeMode = .full) {
    var r = TagReader(a.serviceData, offset: a.serviceDataOffset)
    let typedPDU = a.pduType == .unconfirmedRequest || a.pduType == .confirmedRequest || a.pduType == .complexACK
    // A summary's ReadPropertyMultiple-ACK is checked without building first; it is decoded again, in full, only
    // when it holds results of an object of the kept type (complexACK's `keep`).
    let rpmACK = mode.isSummary && a.pduType == .complexACK && a.serviceChoice == 14
    let build = !typedPDU || (!rpmACK && mode.buildsParameters(pduType: a.pduType, service: a.serviceChoice ?? 0xFF))
    do {
      switch a.pduType {
      case .unconfirmedRequest:
        try unconfirmed(&a, &r, build)
      case .confirmedRequest:
        try confirmedRequest(&a, &r, build)
      case .complexACK:
        try complexACK(&a, &r, build, keep: rpmACK ? mode.fullyDecodedObjectType : nil)
      case .error:
        try errorPDU(&a, &r)
      case .simpleACK, .segmentACK, .reject, .abort:
        if !a.serviceData.isEmpty {
          d.append(BACnetDiagnostic(code: .trailingBytes, offset: a.serviceDataOffset,
                                    message: "\(a.serviceData.count) octet(s) follow the \(a.pduType.name) header", layer: .apdu))
        }
        return
      default:
        return
      }
      if case .noParameters = a.parameters {
        // A service without a typed decoder: keep the tags (decoded on demand), check them now.
        if !a.serviceData.isEmpty {
          a.parameters = .generic(EncodedValues(bytes: a.serviceData, offset: a.serviceDataOffset))
          TagTree.validate(a.serviceData, offset: a.serviceDataOffset, diagnostics: &d)
          primaryOfGeneric(&a)
        }
      } else {
        try r.expectEnd(a.serviceName ?? "service")
        if !build && !rpmACK { generic(&a) }
      }
    } catch {
      var f = error
      if f.code == .truncated { f.code = .serviceMalformed }
      d.append(f.diagnostic(.apdu))
      a.parameters = .generic(EncodedValues(bytes: a.serviceData, offset: a.serviceDataOffset))
    }
  }

  // MARK: Unconfirmed services

  static func unconfirmed(_ a: inout APDU, _ r: inout TagReader, _ build: Bool) throws(DecodeFailure) {
    switch a.serviceChoice ?? 0xFF {
    case 0:  // I-Am
      let dev = try r.appObjectIdentifier("I-Am device identifier")
      a.primaryObject = dev
      let maxAPDU = try r.appUnsigned("max APDU length accepted")
      let seg = try r.appEnumerated("segmentation supported")
      let vendor = try r.appUnsigned("vendor id")
      a.parameters = .iAm(IAmRequest(device: dev, maxAPDULengthAccepted: UInt32(truncatingIfNeeded: maxAPDU),
                                     segmentation: Segmentation(rawValue: seg),
                                     vendorID: VendorIdentifier(rawValue: UInt16(truncatingIfNeeded: vendor))))
    case 1:  // I-Have
      let dev = try r.appObjectIdentifier("I-Have device identifier")
      let obj = try r.appObjectIdentifier("I-Have object identifier")
      a.primaryObject = obj
      let name = try r.appCharacterString("I-Have object name")
      a.parameters = .iHave(IHaveRequest(device: dev, object: obj, objectName: name))
    case 2:
      try covNotification(&a, &r, build)
    case 3:
      try eventNotification(&a, &r, build)
    case 6, 9:
      let date = try r.appDate("time synchronization date")
      let time = try r.appTime("time synchronization time")
      a.parameters = .timeSynchronization(TimeSynchronizationRequest(date: date, time: time))
    case 7:  // Who-Has
      var w = WhoHasRequest()
      if r.nextIsContext(0) {
        w.lowLimit = try r.ctxUnsigned32(0, "device instance range low limit")
        w.highLimit = try r.ctxUnsigned32(1, "device instance range high limit")
      }
      if r.nextIsContext(2) {
        w.object = try r.ctxObjectIdentifier(2, "object identifier")
        a.primaryObject = w.object
      } else {
        w.objectName = try r.ctxCharacterString(3, "object name")
      }
      a.parameters = .whoHas(w)
    case 8:  // Who-Is
      var w = WhoIsRequest()
      if !r.isAtEnd {
        w.lowLimit = try r.ctxUnsigned32(0, "device instance range low limit")
        w.highLimit = try r.ctxUnsigned32(1, "device instance range high limit")
      }
      a.parameters = .whoIs(w)
    case 13, 14:  // Who-Am-I, You-Are
      let vendor = try r.appUnsigned("vendor id")
      let model = try r.appCharacterString("model name")
      let serial = try r.appCharacterString("serial number")
      var req = DeviceIdentityRequest(vendorID: VendorIdentifier(rawValue: UInt16(truncatingIfNeeded: vendor)),
                                      modelName: model, serialNumber: serial)
      if a.serviceChoice == 14 {
        if r.nextIsApplication(12) {
          req.deviceIdentifier = try r.appObjectIdentifier("device identifier")
          a.primaryObject = req.deviceIdentifier
        }
        if r.nextIsApplication(6) { req.deviceMACAddress = try r.appOctetString("device MAC address") }
      }
      guard build else { return generic(&a) }
      a.parameters = .deviceIdentity(req)
    default:
      break
    }
  }

  // MARK: Confirmed requests

  static func confirmedRequest(_ a: inout APDU, _ r: inout TagReader, _ build: Bool) throws(DecodeFailure) {
    switch a.serviceChoice ?? 0xFF {
    case 1:
      try covNotification(&a, &r, build)
    case 2:
      try eventNotification(&a, &r, build)
    case 5, 28:  // SubscribeCOV, SubscribeCOVProperty
      let pid = try r.ctxUnsigned32(0, "subscriber process identifier")
      let obj = try r.ctxObjectIdentifier(1, "monitored object identifier")
      a.primaryObject = obj
      var s = SubscribeCOVRequest(processID: pid, object: obj)
      if r.nextIsContext(2) { s.issueConfirmedNotifications = try r.ctxBoolean(2, "issue confirmed notifications") }
      if r.nextIsContext(3) { s.lifetime = try r.ctxUnsigned32(3, "lifetime") }
      if a.serviceChoice == 28 {
        try r.opening(4, "monitored property")
        let p = try r.ctxProperty(0)
        var ref = PropertyReference(property: p)
        if r.nextIsContext(1) { ref.arrayIndex = try r.ctxUnsigned32(1, "property array index") }
        try r.closing(4, "monitored property")
        s.monitoredProperty = ref
        a.primaryProperty = p
        if r.nextIsContext(5) { s.covIncrement = try r.ctxReal(5, "COV increment") }
      }
      a.parameters = .subscribeCOV(s)
    case 6:  // AtomicReadFile
      let file = try r.appObjectIdentifier("file identifier")
      a.primaryObject = file
      let record = r.nextIsOpening(1)
      let tag: UInt8 = record ? 1 : 0
      try r.opening(tag, record ? "record access" : "stream access")
      let start = try r.appSigned("file start position")
      let count = try r.appUnsigned(record ? "requested record count" : "requested octet count")
      try r.closing(tag, "file access")
      a.parameters = .atomicReadFile(AtomicReadFileRequest(file: file, isRecordAccess: record, start: start, count: count))
    case 7:  // AtomicWriteFile
      let file = try r.appObjectIdentifier("file identifier")
      a.primaryObject = file
      let record = r.nextIsOpening(1)
      let tag: UInt8 = record ? 1 : 0
      try r.opening(tag, record ? "record access" : "stream access")
      let start = try r.appSigned("file start position")
      var count: UInt64 = 0
      if record {
        count = try r.appUnsigned("record count")
        while !r.nextIsClosing(1) { _ = try r.appOctetString("file record data") }
      } else {
        count = UInt64(try r.appOctetString("file data").count)
      }
      try r.closing(tag, "file access")
      a.parameters = .atomicWriteFile(AtomicWriteFileRequest(file: file, isRecordAccess: record, start: start, count: count))
    case 12:  // ReadProperty
      let (obj, prop, idx) = try objectPropertyIndex(&r)
      a.primaryObject = obj
      a.primaryProperty = prop
      a.parameters = .readProperty(ReadPropertyRequest(object: obj, property: prop, arrayIndex: idx))
    case 14:  // ReadPropertyMultiple
      var specs: [ReadAccessSpecification] = []
      var firstObject: ObjectIdentifier? = nil
      var firstProperty: PropertyIdentifier? = nil
      repeat {
        let obj = try r.ctxObjectIdentifier(0, "object identifier")
        try r.opening(1, "list of property references")
        var props: [PropertyReference] = []
        while !r.nextIsClosing(1) {
          let p = try r.ctxProperty(0)
          var ref = PropertyReference(property: p)
          if r.nextIsContext(1) { ref.arrayIndex = try r.ctxUnsigned32(1, "property array index") }
          if firstObject == nil, firstProperty == nil { firstProperty = p }
          if build { props.append(ref) }
        }
        try r.closing(1, "list of property references")
        if firstObject == nil { firstObject = obj }
        if build { specs.append(ReadAccessSpecification(object: obj, properties: props)) }
      } while !r.isAtEnd
      a.primaryObject = firstObject
      a.primaryProperty = firstProperty
      a.parameters = build ? .readPropertyMultiple(specs) : .generic(EncodedValues(bytes: a.serviceData, offset: a.serviceDataOffset))
    case 15:  // WriteProperty
      let (obj, prop, idx) = try objectPropertyIndex(&r)
      a.primaryObject = obj
      a.primaryProperty = prop
      let value = try r.constructed(3, "property value")
      var w = WritePropertyRequest(object: obj, property: prop, arrayIndex: idx, value: value)
      if r.nextIsContext(4) { w.priority = UInt8(truncatingIfNeeded: try r.ctxUnsigned(4, "priority")) }
      a.parameters = .writeProperty(w)
    case 16:  // WritePropertyMultiple
      var specs: [WriteAccessSpecification] = []
      repeat {
        let obj = try r.ctxObjectIdentifier(0, "object identifier")
        try r.opening(1, "list of properties")
        var values: [PropertyValue] = []
        while !r.nextIsClosing(1) { values.append(try propertyValue(&r)) }
        try r.closing(1, "list of properties")
        specs.append(WriteAccessSpecification(object: obj, values: values))
      } while !r.isAtEnd
      a.primaryObject = specs.first?.object
      a.primaryProperty = specs.first?.values.first?.property
      a.parameters = .writePropertyMultiple(specs)
    case 17:  // DeviceCommunicationControl
      var duration: UInt32? = nil
      if r.nextIsContext(0) { duration = try r.ctxUnsigned32(0, "time duration") }
      let ed = try r.ctxEnumerated(1, "enable-disable")
      var p = DeviceCommunicationControlRequest(timeDuration: duration, enableDisable: ed)
      if r.nextIsContext(2) { p.password = try r.ctxCharacterString(2, "password") }
      a.parameters = .deviceCommunicationControl(p)
    case 20:  // ReinitializeDevice
      let state = try r.ctxEnumerated(0, "reinitialized state of device")
      var p = ReinitializeDeviceRequest(state: state)
      if r.nextIsContext(1) { p.password = try r.ctxCharacterString(1, "password") }
      a.parameters = .reinitializeDevice(p)
    case 26:  // ReadRange
      let (obj, prop, idx) = try objectPropertyIndex(&r)
      a.primaryObject = obj
      a.primaryProperty = prop
      var rr = ReadRangeRequest(object: obj, property: prop, arrayIndex: idx)
      if r.nextIsOpening(3) {
        try r.opening(3, "by position")
        let ref = try r.appUnsigned("reference index")
        let count = try r.appSigned("count")
        try r.closing(3, "by position")
        rr.range = .byPosition(referenceIndex: ref, count: count)
      } else if r.nextIsOpening(6) {
        try r.opening(6, "by sequence number")
        let ref = try r.appUnsigned("reference sequence number")
        let count = try r.appSigned("count")
        try r.closing(6, "by sequence number")
        rr.range = .bySequenceNumber(referenceSequenceNumber: ref, count: count)
      } else if r.nextIsOpening(7) {
        try r.opening(7, "by time")
        let date = try r.appDate("reference date")
        let time = try r.appTime("reference time")
        let count = try r.appSigned("count")
        try r.closing(7, "by time")
        rr.range = .byTime(date: date, time: time, count: count)
      }
      a.parameters = .readRange(rr)
    default:
      break
    }
  }

  // MARK: Complex ACKs

  static func complexACK(_ a: inout APDU, _ r: inout TagReader, _ build: Bool, keep: UInt16? = nil) throws(DecodeFailure) {
    switch a.serviceChoice ?? 0xFF {
    case 6:  // AtomicReadFile-ACK
      let eof = try r.appBoolean("end of file")
      let record = r.nextIsOpening(1)
      let tag: UInt8 = record ? 1 : 0
      try r.opening(tag, record ? "record access" : "stream access")
      let start = try r.appSigned("file start position")
      var count: UInt64 = 0
      if record {
        count = try r.appUnsigned("returned record count")
        while !r.nextIsClosing(1) { _ = try r.appOctetString("file record data") }
      } else {
        count = UInt64(try r.appOctetString("file data").count)
      }
      try r.closing(tag, "file access")
      a.parameters = .atomicReadFileACK(AtomicReadFileACK(endOfFile: eof, isRecordAccess: record, start: start, count: count))
    case 7:  // AtomicWriteFile-ACK
      let record = r.nextIsContext(1)
      let start = try r.ctxSigned(record ? 1 : 0, record ? "file start record" : "file start position")
      a.parameters = .atomicWriteFileACK(AtomicWriteFileACK(isRecordAccess: record, start: start))
    case 12:  // ReadProperty-ACK
      let (obj, prop, idx) = try objectPropertyIndex(&r)
      a.primaryObject = obj
      a.primaryProperty = prop
      let value = try r.constructed(3, "property value")
      a.parameters = .readPropertyACK(ReadPropertyACK(object: obj, property: prop, arrayIndex: idx, value: value))
    case 14:  // ReadPropertyMultiple-ACK
      var results: [ReadAccessResult] = []
      var firstObject: ObjectIdentifier? = nil
      var firstProperty: PropertyIdentifier? = nil
      var keptTypeSeen = false
      repeat {
        let obj = try r.ctxObjectIdentifier(0, "object identifier")
        var elements: [ReadAccessResultElement] = []
        if r.nextIsOpening(1) {
          try r.opening(1, "list of results")
          while !r.nextIsClosing(1) {
            let p = try r.ctxProperty(2)
            var e = ReadAccessResultElement(property: p)
            if r.nextIsContext(3) { e.arrayIndex = try r.ctxUnsigned32(3, "property array index") }
            if r.nextIsOpening(4) {
              e.value = try r.constructed(4, "property value")
            } else {
              try r.opening(5, "property access error")
              e.errorClass = ErrorClass(rawValue: try r.appEnumerated("error class"))
              e.errorCode = ErrorCode(rawValue: try r.appEnumerated("error code"))
              try r.closing(5, "property access error")
            }
            if firstObject == nil, firstProperty == nil { firstProperty = p }
            if build { elements.append(e) }
          }
          try r.closing(1, "list of results")
        }
        if firstObject == nil { firstObject = obj }
        if build { results.append(ReadAccessResult(object: obj, results: elements)) }
        if !build, let keep, obj.type.rawValue == keep { keptTypeSeen = true }
      } while !r.isAtEnd
      if keptTypeSeen {
        // Summary mode, results of a kept object type: the layout is known to be good; decode it in full.
        var again = TagReader(a.serviceData, offset: a.serviceDataOffset)
        try complexACK(&a, &again, true)
        r = again
        return
      }
      a.primaryObject = firstObject
      a.primaryProperty = firstProperty
      a.parameters = build ? .readPropertyMultipleACK(results) : .generic(EncodedValues(bytes: a.serviceData, offset: a.serviceDataOffset))
    case 26:  // ReadRange-ACK
      let (obj, prop, idx) = try objectPropertyIndex(&r)
      a.primaryObject = obj
      a.primaryProperty = prop
      let flags = try r.ctxBitString(3, "result flags")
      let count = try r.ctxUnsigned(4, "item count")
      let items = try r.constructed(5, "item data")
      var ack = ReadRangeACK(object: obj, property: prop, arrayIndex: idx, resultFlags: flags, itemCount: count, itemData: items)
      if r.nextIsContext(6) { ack.firstSequenceNumber = try r.ctxUnsigned(6, "first sequence number") }
      guard build else { return generic(&a) }
      a.parameters = .readRangeACK(ack)
    default:
      break
    }
  }

  // MARK: Error-PDU

  static func errorPDU(_ a: inout APDU, _ r: inout TagReader) throws(DecodeFailure) {
    // Most services: errorClass, errorCode (application enumerated). CreateObject, WritePropertyMultiple,
    // add/removeListElement, ConfirmedPrivateTransfer, VT-Close and SubscribeCOVPropertyMultiple wrap the
    // error in [0] and add service-specific fields, kept as a generic tail.
    let wrapped = r.nextIsOpening(0)
    if wrapped { try r.opening(0, "error") }
    a.errorClass = ErrorClass(rawValue: try r.appEnumerated("error class"))
    a.errorCode = ErrorCode(rawValue: try r.appEnumerated("error code"))
    if wrapped {
      try r.closing(0, "error")
      if !r.isAtEnd {
        let rest = r.rest
        var d: [BACnetDiagnostic] = []
        TagTree.validate(rest.bytes, offset: rest.offset, diagnostics: &d)
        if let first = d.first { throw DecodeFailure(first.code, first.offset, first.message) }
        a.parameters = .generic(rest)
        _ = try? r.c.readBytes(r.c.remaining)
        return
      }
    }
    a.parameters = .noParameters
    try r.expectEnd("Error-PDU")
  }

  // MARK: Primary object of services kept generic

  /// The object (and property) that services without a typed decoder are about, read from the head of their
  /// parameters; nothing is reported when the head does not match (validation already reported malformed tags).
  static func primaryOfGeneric(_ a: inout APDU) {
    var r = TagReader(a.serviceData, offset: a.serviceDataOffset)
    switch (a.pduType, a.serviceChoice ?? 0xFF) {
    case (.confirmedRequest, 0):  // AcknowledgeAlarm: [0] process id, [1] event object
      _ = try? r.ctxUnsigned(0, "acknowledging process identifier")
      a.primaryObject = try? r.ctxObjectIdentifier(1, "event object identifier")
    case (.confirmedRequest, 8), (.confirmedRequest, 9):  // Add/RemoveListElement: [0] object, [1] property
      a.primaryObject = try? r.ctxObjectIdentifier(0, "object identifier")
      if a.primaryObject != nil { a.primaryProperty = try? r.ctxProperty(1) }
    case (.confirmedRequest, 10):  // CreateObject: [0]{ [0] object type | [1] object identifier }
      guard (try? r.opening(0, "object specifier")) != nil, r.nextIsContext(1) else { return }
      a.primaryObject = try? r.ctxObjectIdentifier(1, "object identifier")
    case (.complexACK, 10), (.confirmedRequest, 11):  // CreateObject-ACK, DeleteObject: the object identifier
      a.primaryObject = try? r.appObjectIdentifier("object identifier")
    case (.confirmedRequest, 27):  // LifeSafetyOperation: [0] pid, [1] source, [2] request, [3] object optional
      _ = try? r.ctxUnsigned(0, "requesting process identifier")
      _ = try? r.ctxCharacterString(1, "requesting source")
      _ = try? r.ctxEnumerated(2, "request")
      if r.nextIsContext(3) { a.primaryObject = try? r.ctxObjectIdentifier(3, "object identifier") }
    default:
      break
    }
  }

  // MARK: Shared pieces

  /// The parameters as their encoded tags (summary mode, a service whose layout was checked but is not built).
  static func generic(_ a: inout APDU) {
    a.parameters = .generic(EncodedValues(bytes: a.serviceData, offset: a.serviceDataOffset))
  }

  static func objectPropertyIndex(_ r: inout TagReader) throws(DecodeFailure) -> (ObjectIdentifier, PropertyIdentifier, UInt32?) {
    let obj = try r.ctxObjectIdentifier(0, "object identifier")
    let prop = try r.ctxProperty(1)
    var idx: UInt32? = nil
    if r.nextIsContext(2) { idx = try r.ctxUnsigned32(2, "property array index") }
    return (obj, prop, idx)
  }

  /// `[0] propId, [1] idx optional, [2]{value}, [3] priority optional`.
  static func propertyValue(_ r: inout TagReader) throws(DecodeFailure) -> PropertyValue {
    let p = try r.ctxProperty(0)
    var idx: UInt32? = nil
    if r.nextIsContext(1) { idx = try r.ctxUnsigned32(1, "property array index") }
    let value = try r.constructed(2, "property value")
    var pv = PropertyValue(property: p, arrayIndex: idx, value: value)
    if r.nextIsContext(3) { pv.priority = UInt8(truncatingIfNeeded: try r.ctxUnsigned(3, "priority")) }
    return pv
  }

  static func covNotification(_ a: inout APDU, _ r: inout TagReader, _ build: Bool) throws(DecodeFailure) {
    let pid = try r.ctxUnsigned32(0, "subscriber process identifier")
    let dev = try r.ctxObjectIdentifier(1, "initiating device identifier")
    let obj = try r.ctxObjectIdentifier(2, "monitored object identifier")
    let remaining = try r.ctxUnsigned32(3, "time remaining")
    try r.opening(4, "list of values")
    var values: [PropertyValue] = []
    var first: PropertyIdentifier? = nil
    while !r.nextIsClosing(4) {
      let v = try propertyValue(&r)
      if first == nil { first = v.property }
      if build { values.append(v) }
    }
    try r.closing(4, "list of values")
    a.primaryObject = obj
    a.primaryProperty = first
    guard build else { return generic(&a) }
    a.parameters = .covNotification(COVNotification(processID: pid, initiatingDevice: dev, monitoredObject: obj,
                                                    timeRemaining: remaining, values: values))
  }

  static func eventNotification(_ a: inout APDU, _ r: inout TagReader, _ build: Bool) throws(DecodeFailure) {
    let pid = try r.ctxUnsigned32(0, "process identifier")
    let dev = try r.ctxObjectIdentifier(1, "initiating device identifier")
    let obj = try r.ctxObjectIdentifier(2, "event object identifier")
    a.primaryObject = obj
    let ts = try r.constructed(3, "time stamp")
    let nc = try r.ctxUnsigned32(4, "notification class")
    let prio = try r.ctxUnsigned(5, "priority")
    let et = try r.ctxEnumerated(6, "event type")
    var text: BACnetCharacterString? = nil
    if r.nextIsContext(7) { text = try r.ctxCharacterString(7, "message text") }
    let nt = try r.ctxEnumerated(8, "notify type")
    var ack: Bool? = nil
    if r.nextIsContext(9) { ack = try r.ctxBoolean(9, "ack required") }
    var from: EventState? = nil
    if r.nextIsContext(10) { from = EventState(rawValue: try r.ctxEnumerated(10, "from state")) }
    let to = EventState(rawValue: try r.ctxEnumerated(11, "to state"))
    var values: EncodedValues? = nil
    if r.nextIsOpening(12) { values = try r.constructed(12, "event values") }
    guard build else { return generic(&a) }
    a.parameters = .eventNotification(EventNotification(
      processID: pid, initiatingDevice: dev, eventObject: obj, timeStamp: ts, notificationClass: nc,
      priority: UInt8(truncatingIfNeeded: prio), eventType: EventType(rawValue: et), messageText: text,
      notifyType: NotifyType(rawValue: nt), ackRequired: ack, fromState: from, toState: to, eventValues: values))
  }
}
