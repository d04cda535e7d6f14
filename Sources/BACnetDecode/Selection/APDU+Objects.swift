extension APDU {
  /// Calls `body` with every object identifier the APDU names, in no particular order (an identifier may come more
  /// than once); `body` returns true to stop.
  ///
  /// The identifiers are the service's own (the primary object, and with typed parameters every object of a
  /// ReadPropertyMultiple/WritePropertyMultiple list, the initiating device of a notification, the device and
  /// object of I-Have, …) and every application-tagged object identifier anywhere in the service data (property
  /// values: an object-list, a device's address binding, …). A context-tagged identifier inside a property value
  /// (such as a BACnetDeviceObjectPropertyReference) is not found: the tags do not say it is one. The services the
  /// decoder keeps as generic tags but whose identifiers sit at fixed context tags are read by their layout
  /// (Confirmed/UnconfirmedTextMessage, SubscribeCOVPropertyMultiple, Confirmed/UnconfirmedCOVNotificationMultiple).
  /// One segment of a segmented message names nothing (its octets may end inside a tag): the reassembled message
  /// does.
  /// - Returns: true when `body` stopped the walk.
  @discardableResult
  public func forEachObject(_ body: (ObjectIdentifier) -> Bool) -> Bool {
    if needsReassembly { return false }
    if let p = primaryObject, body(p) { return true }
    if let layout = contextObjectLayout,
       Self.forEachContextObject(in: serviceData, top: layout.top, inList: layout.inList, body) {
      return true
    }
    switch parameters {
    case .iHave(let h):
      if body(h.device) || body(h.object) { return true }
    case .whoHas(let w):
      if let o = w.object, body(o) { return true }
    case .readPropertyMultiple(let specs):
      for s in specs where body(s.object) { return true }
    case .readPropertyMultipleACK(let results):
      for r in results where body(r.object) { return true }
    case .writePropertyMultiple(let specs):
      for s in specs where body(s.object) { return true }
    case .covNotification(let n):
      if body(n.initiatingDevice) || body(n.monitoredObject) { return true }
    case .eventNotification(let n):
      if body(n.initiatingDevice) || body(n.eventObject) { return true }
    case .deviceIdentity(let d):
      if let o = d.deviceIdentifier, body(o) { return true }
    default:
      break
    }
    return Self.forEachApplicationObject(in: serviceData, body)
  }

  /// Where the object identifiers of a service without typed parameters sit: a context tag at the top level and
  /// context tag 0 of the elements of a list in context tag `inList`.
  var contextObjectLayout: (top: UInt8?, inList: UInt8?)? {
    switch (pduType, serviceChoice) {
    case (.confirmedRequest, 19?), (.unconfirmedRequest, 5?): (0, nil)  // text message: source device [0]
    case (.confirmedRequest, 30?): (nil, 4)  // SubscribeCOVPropertyMultiple: [4]{[0] monitored object …}
    case (.confirmedRequest, 31?), (.unconfirmedRequest, 11?): (1, 4)  // COVNotificationMultiple: [1] device, [4]{[0] …}
    default: nil
    }
  }

  /// Calls `body` with the 4-octet context tag `top` at depth 0 and context tag 0 directly inside the list opened by
  /// context tag `inList` (depth 1); stops at the first malformed tag. Allocates nothing.
  static func forEachContextObject(in bytes: ArraySlice<UInt8>, top: UInt8?, inList: UInt8?,
                                   _ body: (ObjectIdentifier) -> Bool) -> Bool {
    var i = bytes.startIndex
    var depth = 0
    var inTarget = false
    while i < bytes.endIndex, let h = TagHeader.parse(bytes, at: i, offset: i) {
      let content = i + h.headerLength
      guard h.length <= bytes.endIndex - content else { return false }
      switch h.kind {
      case .opening:
        if depth == 0 { inTarget = h.number == inList }
        depth += 1
      case .closing:
        depth -= 1
        if depth <= 0 { inTarget = false }
      case .primitive:
        if h.isContext, h.length == 4, (depth == 0 && h.number == top) || (depth == 1 && inTarget && h.number == 0) {
          let raw = UInt32(bytes[content]) << 24 | UInt32(bytes[content + 1]) << 16 | UInt32(bytes[content + 2]) << 8
            | UInt32(bytes[content + 3])
          if body(ObjectIdentifier(rawValue: raw)) { return true }
        }
      }
      i = content + h.length
    }
    return false
  }

  /// Walks the tags of `bytes` flat (constructed values are entered, primitive contents skipped) and calls `body`
  /// with each application-tagged object identifier; stops at the first malformed tag. Allocates nothing.
  static func forEachApplicationObject(in bytes: ArraySlice<UInt8>, _ body: (ObjectIdentifier) -> Bool) -> Bool {
    var i = bytes.startIndex
    while i < bytes.endIndex, let h = TagHeader.parse(bytes, at: i, offset: i) {
      let content = i + h.headerLength
      guard h.length <= bytes.endIndex - content else { return false }
      if !h.isContext, h.number == 12, h.length == 4 {
        let raw = UInt32(bytes[content]) << 24 | UInt32(bytes[content + 1]) << 16 | UInt32(bytes[content + 2]) << 8
          | UInt32(bytes[content + 3])
        if body(ObjectIdentifier(rawValue: raw)) { return true }
      }
      i = content + h.length
    }
    return false
  }
}
