// Indented text rendering of a whole decode, for `--verbose`.

/// Accumulates indented lines.
struct TreeWriter {
  var text = ""
  var level = 0

  mutating func line(_ s: String) {
    text += String(repeating: "    ", count: level) + s + "\n"
  }

  mutating func group(_ title: String, _ body: (inout TreeWriter) -> Void) {
    line(title)
    level += 1
    body(&self)
    level -= 1
  }

  mutating func values(_ title: String, _ v: EncodedValues, property: PropertyIdentifier? = nil) {
    let (nodes, diags) = v.decode()
    group(title) { w in
      for n in nodes {
        if let p = property, let value = n.value, let note = Self.annotation(p, value) {
          w.line("\(Self.applicationName(n.header.number)): \(value) (\(note))")
        } else {
          w.node(n)
        }
      }
      for d in diags { w.line("[\(d.code)] \(d.message)") }
    }
  }

  mutating func node(_ n: TagNode) {
    let h = n.header
    switch h.kind {
    case .opening:
      group("{[\(h.number)]") { w in
        for c in n.children { w.node(c) }
      }
      line("}[\(h.number)]")
    case .closing:
      line("}[\(h.number)]")
    case .primitive:
      if let v = n.value {
        line("\(Self.applicationName(h.number)): \(v)")
      } else if h.isContext {
        line("[\(h.number)] \(n.content.isEmpty ? "(empty)" : hexString(n.content))")
      } else {
        line("application tag \(h.number): \(hexString(n.content)) (invalid)")
      }
    }
  }

  /// Names an enumerated or unsigned value by the property it belongs to (units, object-type, …).
  static func annotation(_ p: PropertyIdentifier, _ v: BACnetValue) -> String? {
    guard let raw = v.unsignedValue, raw <= UInt64(UInt32.max) else { return nil }
    let n = UInt32(raw)
    switch p.rawValue {
    case 117: return EngineeringUnits(rawValue: n).name                                  // units
    case 79: return n <= 1023 ? ObjectType(rawValue: UInt16(n)).name : nil             // object-type
    case 107: return Segmentation(rawValue: n).name                                    // segmentation-supported
    case 120: return n <= 0xFFFF ? VendorIdentifier(rawValue: UInt16(n)).name : nil    // vendor-identifier
    case 36: return EventState(rawValue: n).name                                       // event-state
    case 37: return EventType(rawValue: n).name                                        // event-type
    default: return nil
    }
  }

  static func applicationName(_ n: UInt8) -> String {
    let names = ["NULL", "Boolean", "Unsigned", "Signed", "Real", "Double", "Octet String", "Character String",
                 "Bit String", "Enumerated", "Date", "Time", "Object Identifier"]
    return Int(n) < names.count ? names[Int(n)] : "Reserved \(n)"
  }
}

extension BACnetMessage {
  /// The whole decode as indented text, one field per line (`--verbose`).
  public var treeText: String {
    var w = TreeWriter()
    render(into: &w)
    return w.text
  }

  func render(into w: inout TreeWriter) {
    if let b = bvlc { b.render(into: &w) }
    if let n = npdu { n.render(into: &w) }
    if let m = networkMessage { m.render(into: &w) }
    if let a = apdu { a.render(into: &w) }
    if !diagnostics.isEmpty {
      w.group("Diagnostics") { w in
        for d in diagnostics { w.line("\(d.layer) \(d.code) at byte \(d.offset): \(d.message)") }
      }
    }
  }
}

extension MSTPDecode {
  /// The whole decode (frame, NPDU, APDU, diagnostics) as indented text.
  public var treeText: String {
    var w = TreeWriter()
    if let f = frame {
      w.group("BACnet MS/TP") { w in
        w.line("Preamble: \(f.hasPreamble ? "55 ff" : "absent")")
        w.line("Frame Type: \(f.frameType.name) (\(f.frameType.rawValue))")
        w.line("Destination Address: \(f.destination)")
        w.line("Source Address: \(f.source)")
        w.line("Length: \(f.length)")
        w.line("Header CRC: 0x\(hex2(f.headerCRC)) [\(f.headerCRCOK ? "correct" : "incorrect")]")
        if let c = f.dataCRC { w.line("Data CRC: 0x\(String(c, radix: 16)) [\(f.dataCRCOK == true ? "correct" : "incorrect")]") }
        if let k = f.crc32KOK { w.line("CRC-32K: [\(k ? "correct" : "incorrect")]") }
        if let v = f.vendorID { w.line("Vendor ID: \(v) (\(VendorIdentifier(rawValue: v).name))") }
        if f.hasPadding { w.line("Padding: ff") }
      }
    }
    if var m = message {
      m.diagnostics = []
      m.render(into: &w)
    }
    if !diagnostics.isEmpty {
      w.group("Diagnostics") { w in
        for d in diagnostics { w.line("\(d.layer) \(d.code) at byte \(d.offset): \(d.message)") }
      }
    }
    return w.text
  }
}

extension BVLC {
  func render(into w: inout TreeWriter) {
    w.group("BACnet Virtual Link Control") { w in
      w.line("Type: 0x\(hex2(type)) (\(typeName))")
      w.line("Function: 0x\(hex2(function)) (\(functionName))")
      w.line("BVLC-Length: \(length)\(Int(length) == actualLength ? "" : " (\(actualLength) present)")")
      if let v = sourceVMAC { w.line("Source Virtual Address: 0x\(String(v, radix: 16))") }
      if let v = destinationVMAC { w.line("Destination Virtual Address: 0x\(String(v, radix: 16))") }
      if let v = targetVMAC { w.line("Target Virtual Address: 0x\(String(v, radix: 16))") }
      if let r = resultCode { w.line("Result: 0x\(String(r, radix: 16)) (\(resultName ?? ""))") }
      if let o = originalSource { w.line("Original Source: \(o)") }
      if let o = originalSource6 { w.line("Original Source: \(o)") }
      if let o = deleteAddress { w.line("FDT Entry: \(o)") }
      if let t = timeToLive { w.line("Time-to-Live: \(t)") }
      for e in bdtEntries { w.line("BDT Entry: \(e.address) mask 0x\(String(e.mask, radix: 16))") }
      for e in fdtEntries { w.line("FDT Entry: \(e.address) TTL \(e.timeToLive) remaining \(e.secondsRemaining)") }
    }
  }
}

extension NPDU {
  func render(into w: inout TreeWriter) {
    w.group("Building Automation and Control Network NPDU") { w in
      w.line("Version: 0x\(hex2(version))")
      var flags: [String] = []
      if isNetworkMessage { flags.append("network-layer message") }
      if destination != nil { flags.append("DNET present") }
      if source != nil { flags.append("SNET present") }
      if expectingReply { flags.append("expecting reply") }
      flags.append("priority \(priority)")
      w.line("Control: 0x\(hex2(control)) (\(flags.joined(separator: ", ")))")
      if let d = destination {
        w.line("Destination Network Address: \(d.network)")
        w.line("Destination MAC Layer Address Length: \(d.mac.count)")
        if !d.mac.isEmpty { w.line("Destination MAC Address: \(d.macHex)") }
      }
      if let s = source {
        w.line("Source Network Address: \(s.network)")
        w.line("Source MAC Layer Address Length: \(s.mac.count)")
        w.line("SADR: \(s.macHex)")
      }
      if let h = hopCount { w.line("Hop Count: \(h)") }
      if let m = messageType { w.line("Network Layer Message Type: 0x\(hex2(m.rawValue)) (\(m.name))") }
      if let v = vendorID { w.line("Vendor ID: \(v) (\(VendorIdentifier(rawValue: v).name))") }
    }
  }
}

extension NetworkMessage {
  func render(into w: inout TreeWriter) {
    w.group("Network Message: \(type.name)") { w in
      for n in networks { w.line("DNET: \(n)") }
      if let p = performanceIndex { w.line("Performance Index: \(p)") }
      if let r = rejectReason { w.line("Reject Reason: \(r) (\(rejectReasonName ?? ""))") }
      if let t = terminationTime { w.line("Termination Time: \(t)") }
      for e in routingTable { w.line("Port: DNET \(e.network) port \(e.portID) info \(hexString(e.portInfo))") }
      if let n = networkNumber { w.line("Network Number: \(n) (\(networkNumberConfigured == true ? "configured" : "learned"))") }
      if networks.isEmpty && routingTable.isEmpty && networkNumber == nil && rejectReason == nil && !body.isEmpty {
        w.line("Data: \(hexString(body))")
      }
    }
  }
}

extension APDU {
  func render(into w: inout TreeWriter) {
    w.group("Building Automation and Control Network APDU") { w in
      w.line("APDU Type: \(pduType.name) (\(pduType.rawValue))")
      if pduType == .confirmedRequest || pduType == .complexACK {
        w.line("Segmented: \(isSegmented), More Follows: \(moreFollows)\(pduType == .confirmedRequest ? ", Segmented Response Accepted: \(segmentedResponseAccepted)" : "")")
      }
      if let c = maxSegmentsCode {
        w.line("Max Segments Accepted: \(c) (\(WiresharkNames.maxSegments[UInt32(c)] ?? "reserved"))")
      }
      if let c = maxAPDUCode { w.line("Max APDU Accepted: \(c) (\(WiresharkNames.maxAPDUSizes[UInt32(c)] ?? "reserved"))") }
      if let i = invokeID { w.line("Invoke ID: \(i)") }
      if let s = sequenceNumber { w.line("Sequence Number: \(s)") }
      if let s = windowSize { w.line("\(pduType == .segmentACK ? "Actual" : "Proposed") Window Size: \(s)") }
      if pduType == .segmentACK || pduType == .abort { w.line("Sent By Server: \(sentByServer)") }
      if pduType == .segmentACK { w.line("Negative ACK: \(negativeACK)") }
      if let s = serviceChoice { w.line("Service Choice: \(serviceName ?? "") (\(s))") }
      if let c = errorClass { w.line("Error Class: \(c.name) (\(c.rawValue))") }
      if let c = errorCode { w.line("Error Code: \(c.name) (\(c.rawValue))") }
      if let r = rejectReason { w.line("Reject Reason: \(r.name) (\(r.rawValue))") }
      if let r = abortReason { w.line("Abort Reason: \(r.name) (\(r.rawValue))") }
      renderParameters(into: &w)
    }
  }

  func renderParameters(into w: inout TreeWriter) {
    func ref(_ p: PropertyIdentifier, _ i: UInt32?) -> String { p.name + (i.map { "[\($0)]" } ?? "") }
    if needsReassembly {
      w.line("Segment Data: \(serviceData.count) octet(s) (decoded after reassembly)")
      return
    }
    switch parameters {
    case .noParameters:
      break
    case .whoIs(let p):
      if let l = p.lowLimit, let h = p.highLimit { w.line("Device Instance Range: \(l)..\(h)") }
    case .iAm(let p):
      w.line("Device Identifier: \(p.device)")
      w.line("Max APDU Length Accepted: \(p.maxAPDULengthAccepted)")
      w.line("Segmentation Supported: \(p.segmentation.name)")
      w.line("Vendor ID: \(p.vendorID.rawValue) (\(p.vendorID.name))")
    case .whoHas(let p):
      if let l = p.lowLimit, let h = p.highLimit { w.line("Device Instance Range: \(l)..\(h)") }
      if let o = p.object { w.line("Object Identifier: \(o)") }
      if let n = p.objectName { w.line("Object Name: \"\(n.string)\"") }
    case .iHave(let p):
      w.line("Device Identifier: \(p.device)")
      w.line("Object Identifier: \(p.object)")
      w.line("Object Name: \"\(p.objectName.string)\"")
    case .readProperty(let p):
      w.line("Object Identifier: \(p.object)")
      w.line("Property Identifier: \(ref(p.property, p.arrayIndex))")
    case .readPropertyACK(let p):
      w.line("Object Identifier: \(p.object)")
      w.line("Property Identifier: \(ref(p.property, p.arrayIndex))")
      w.values("Property Value", p.value, property: p.property)
    case .writeProperty(let p):
      w.line("Object Identifier: \(p.object)")
      w.line("Property Identifier: \(ref(p.property, p.arrayIndex))")
      w.values("Property Value", p.value, property: p.property)
      if let pr = p.priority { w.line("Priority: \(pr)") }
    case .readPropertyMultiple(let specs):
      for s in specs {
        w.group("Object Identifier: \(s.object)") { w in
          for r in s.properties { w.line("Property Identifier: \(ref(r.property, r.arrayIndex))") }
        }
      }
    case .readPropertyMultipleACK(let results):
      for r in results {
        w.group("Object Identifier: \(r.object)") { w in
          for e in r.results {
            if let v = e.value {
              w.values("Property Identifier: \(ref(e.property, e.arrayIndex))", v, property: e.property)
            } else {
              w.line("Property Identifier: \(ref(e.property, e.arrayIndex)) error \(e.errorClass?.name ?? "") \(e.errorCode?.name ?? "")")
            }
          }
        }
      }
    case .writePropertyMultiple(let specs):
      for s in specs {
        w.group("Object Identifier: \(s.object)") { w in
          for v in s.values {
            w.values("Property Identifier: \(ref(v.property, v.arrayIndex))" + (v.priority.map { " priority \($0)" } ?? ""), v.value,
                     property: v.property)
          }
        }
      }
    case .subscribeCOV(let p):
      w.line("Subscriber Process Identifier: \(p.processID)")
      w.line("Monitored Object Identifier: \(p.object)")
      if let c = p.issueConfirmedNotifications { w.line("Issue Confirmed Notifications: \(c)") }
      if let l = p.lifetime { w.line("Lifetime: \(l)") }
      if let m = p.monitoredProperty { w.line("Monitored Property: \(ref(m.property, m.arrayIndex))") }
      if let i = p.covIncrement { w.line("COV Increment: \(i)") }
      if p.isCancellation { w.line("(cancellation)") }
    case .covNotification(let p):
      w.line("Subscriber Process Identifier: \(p.processID)")
      w.line("Initiating Device Identifier: \(p.initiatingDevice)")
      w.line("Monitored Object Identifier: \(p.monitoredObject)")
      w.line("Time Remaining: \(p.timeRemaining)")
      for v in p.values { w.values("Property Identifier: \(ref(v.property, v.arrayIndex))", v.value, property: v.property) }
    case .eventNotification(let p):
      w.line("Process Identifier: \(p.processID)")
      w.line("Initiating Device Identifier: \(p.initiatingDevice)")
      w.line("Event Object Identifier: \(p.eventObject)")
      w.values("Time Stamp", p.timeStamp)
      w.line("Notification Class: \(p.notificationClass)")
      w.line("Priority: \(p.priority)")
      w.line("Event Type: \(p.eventType.name)")
      if let t = p.messageText { w.line("Message Text: \"\(t.string)\"") }
      w.line("Notify Type: \(p.notifyType.name)")
      if let a = p.ackRequired { w.line("Ack Required: \(a)") }
      if let f = p.fromState { w.line("From State: \(f.name)") }
      w.line("To State: \(p.toState.name)")
      if let v = p.eventValues { w.values("Event Values", v) }
    case .timeSynchronization(let p):
      w.line("Date: \(p.date)")
      w.line("Time: \(p.time)")
    case .deviceCommunicationControl(let p):
      if let t = p.timeDuration { w.line("Time Duration: \(t)") }
      w.line("Enable/Disable: \(p.enableDisableName)")
      if p.password != nil { w.line("Password: (present)") }
    case .reinitializeDevice(let p):
      w.line("Reinitialized State Of Device: \(p.stateName)")
      if p.password != nil { w.line("Password: (present)") }
    case .readRange(let p):
      w.line("Object Identifier: \(p.object)")
      w.line("Property Identifier: \(ref(p.property, p.arrayIndex))")
      switch p.range {
      case .byPosition(let r, let c)?: w.line("Range: by position, reference index \(r), count \(c)")
      case .bySequenceNumber(let r, let c)?: w.line("Range: by sequence number, reference \(r), count \(c)")
      case .byTime(let d, let t, let c)?: w.line("Range: by time, reference \(d) \(t), count \(c)")
      case nil: w.line("Range: all items")
      }
    case .readRangeACK(let p):
      w.line("Object Identifier: \(p.object)")
      w.line("Property Identifier: \(ref(p.property, p.arrayIndex))")
      w.line("Result Flags: \(p.resultFlags)")
      w.line("Item Count: \(p.itemCount)")
      if let s = p.firstSequenceNumber { w.line("First Sequence Number: \(s)") }
      w.values("Item Data", p.itemData)
    case .atomicReadFile(let p):
      w.line("File Identifier: \(p.file)")
      w.line("\(p.isRecordAccess ? "Record" : "Stream") Access: start \(p.start), count \(p.count)")
    case .atomicReadFileACK(let p):
      w.line("End Of File: \(p.endOfFile)")
      w.line("\(p.isRecordAccess ? "Record" : "Stream") Access: start \(p.start), \(p.count) \(p.isRecordAccess ? "record(s)" : "octet(s)")")
    case .atomicWriteFile(let p):
      w.line("File Identifier: \(p.file)")
      w.line("\(p.isRecordAccess ? "Record" : "Stream") Access: start \(p.start), \(p.count) \(p.isRecordAccess ? "record(s)" : "octet(s)")")
    case .atomicWriteFileACK(let p):
      w.line("File Start \(p.isRecordAccess ? "Record" : "Position"): \(p.start)")
    case .deviceIdentity(let p):
      w.line("Vendor ID: \(p.vendorID.rawValue) (\(p.vendorID.name))")
      w.line("Model Name: \"\(p.modelName.string)\"")
      w.line("Serial Number: \"\(p.serialNumber.string)\"")
      if let d = p.deviceIdentifier { w.line("Device Identifier: \(d)") }
      if let m = p.deviceMACAddress { w.line("Device MAC Address: \(hexString(m))") }
    case .generic(let v):
      w.values("Parameters", v)
    }
  }
}
