import Testing
@testable import BACnetDecode

/// APDU headers of all eight types and the typed services without a reference vector (encodings assembled by
/// hand from the clause 21 ASN.1 productions).
@Suite struct APDUServiceTests {
  func apdu(_ s: String) -> (APDU?, [BACnetDiagnostic]) { BACnetDecoder.decodeAPDU(hex(s)[...]) }

  @Test("headers: segmentation fields, SegmentACK, reserved type and bits")
  func headers() {
    var (a, d) = apdu("0c 05 07 00 04 0e 0c 00000001 1e 09 55 1f")
    #expect(d.isEmpty && a?.isSegmented == true && a?.moreFollows == true && a?.sequenceNumber == 0 && a?.windowSize == 4)
    #expect(a?.needsReassembly == true && a?.confirmedService == .readPropertyMultiple)
    (a, d) = apdu("02 65 07 0c")
    #expect(a?.maxSegmentsAccepted == 64 && a?.maxAPDULengthAccepted == 1476 && a?.segmentedResponseAccepted == true)
    (a, d) = apdu("02 75 07 0c")
    #expect(a?.maxSegmentsAccepted == Int.max && a?.maxSegmentsCode == 7)   // more than 64
    (a, d) = apdu("02 17 07 0c")
    #expect(a?.maxSegmentsAccepted == 2 && a?.maxAPDULengthAccepted == nil && a?.maxAPDUCode == 7)   // 7 is reserved
    (a, d) = apdu("43 07 02 04")
    #expect(d.isEmpty && a?.pduType == .segmentACK && a?.negativeACK == true && a?.sentByServer == true)
    #expect(a?.sequenceNumber == 2 && a?.windowSize == 4 && a?.summary == "segment-ACK[7] seq 2 window 4 NAK")
    (a, d) = apdu("80 01")
    #expect(codes(d) == ["apdu-unknown-type"] && a?.pduType.rawValue == 8)
    (a, d) = apdu("11 08")
    #expect(codes(d) == ["apdu-reserved-bits"] && a?.unconfirmedService == .whoIs)
    (a, d) = apdu("00 05")
    #expect(codes(d) == ["truncated"] && a?.pduType == .confirmedRequest)
    (a, d) = apdu("20 06 0f 00")
    #expect(codes(d) == ["trailing-bytes"])
    (a, d) = apdu("70 09 04")
    #expect(a?.sentByServer == false && a?.summary == "abort[9] segmentation-not-supported")
  }

  @Test("Error-PDU wrapped in [0] (CreateObject-Error) keeps the extra fields")
  func wrappedError() {
    let (a, d) = apdu("50 01 0a 0e 91 01 91 1f 0f 19 02")
    #expect(d.isEmpty && a?.errorClass == .object && a?.errorCode == .unknownObject)
    guard case .generic(let rest)? = a?.parameters else { Issue.record("extra fields"); return }
    #expect(rest.nodes.first?.unsignedContent == 2)
    #expect(a?.summary == "error createObject[1] object unknown-object")
  }

  @Test("DeviceCommunicationControl and ReinitializeDevice")
  func deviceManagement() {
    var (a, d) = apdu("00 05 01 11 09 05 19 01 2d 05 00 70 61 73 73")
    #expect(d.isEmpty)
    guard case .deviceCommunicationControl(let dcc)? = a?.parameters else { Issue.record("dcc"); return }
    #expect(dcc.timeDuration == 5 && dcc.enableDisableName == "disable" && dcc.password?.string == "pass")
    (a, d) = apdu("00 05 02 14 09 01 1d 05 00 70 61 73 73")
    #expect(d.isEmpty)
    guard case .reinitializeDevice(let r)? = a?.parameters else { Issue.record("reinit"); return }
    #expect(r.stateName == "warmstart" && r.password?.string == "pass")
  }

  @Test("ReadRange request and ACK")
  func readRange() {
    var (a, d) = apdu("00 05 03 1a 0c 05000001 19 83 3e 21 01 31 0a 3f")
    #expect(d.isEmpty && a?.primaryObject == ObjectIdentifier(type: .trendLog, instance: 1) && a?.primaryProperty == .logBuffer)
    guard case .readRange(let rr)? = a?.parameters else { Issue.record("rr"); return }
    #expect(rr.range == .byPosition(referenceIndex: 1, count: 10))
    (a, d) = apdu("30 03 1a 0c 05000001 19 83 3a 05 e0 49 02 5e 21 01 21 02 5f 69 0a")
    #expect(d.isEmpty)
    guard case .readRangeACK(let ack)? = a?.parameters else { Issue.record("rr-ack"); return }
    #expect(ack.resultFlags.description == "{T,T,T}" && ack.itemCount == 2 && ack.itemData.nodes.count == 2 && ack.firstSequenceNumber == 10)
  }

  @Test("AtomicReadFile / AtomicWriteFile and their ACKs")
  func files() {
    var (a, d) = apdu("00 05 04 06 c4 02800000 0e 31 00 21 10 0f")
    #expect(d.isEmpty)
    #expect(a?.parameters == .atomicReadFile(AtomicReadFileRequest(file: ObjectIdentifier(type: .file, instance: 0), isRecordAccess: false, start: 0, count: 16)))
    (a, d) = apdu("30 04 06 10 0e 31 00 64 01020304 0f")
    #expect(d.isEmpty && a?.parameters == .atomicReadFileACK(AtomicReadFileACK(endOfFile: false, isRecordAccess: false, start: 0, count: 4)))
    (a, d) = apdu("00 05 05 07 c4 02800001 1e 31 ff 21 02 61 aa 62 bb cc 1f")
    #expect(d.isEmpty)
    #expect(a?.parameters == .atomicWriteFile(AtomicWriteFileRequest(file: ObjectIdentifier(type: .file, instance: 1), isRecordAccess: true, start: -1, count: 2)))
    (a, d) = apdu("30 05 07 09 05")
    #expect(d.isEmpty && a?.parameters == .atomicWriteFileACK(AtomicWriteFileACK(isRecordAccess: false, start: 5)))
  }

  @Test("SubscribeCOVProperty and WritePropertyMultiple")
  func covPropertyAndWPM() {
    var (a, d) = apdu("00 05 06 1c 09 01 1c 00000001 29 00 39 3c 4e 09 55 4f 5c 3f800000")
    #expect(d.isEmpty && a?.primaryProperty == .presentValue)
    guard case .subscribeCOV(let s)? = a?.parameters else { Issue.record("scovp"); return }
    #expect(s.issueConfirmedNotifications == false && s.lifetime == 60 && s.monitoredProperty?.property == .presentValue && s.covIncrement == 1.0)
    (a, d) = apdu("00 05 07 10 0c 00800002 1e 09 55 2e 44 41ac0000 2f 39 08 1f")
    #expect(d.isEmpty && a?.primaryObject == ObjectIdentifier(type: .analogValue, instance: 2))
    guard case .writePropertyMultiple(let w)? = a?.parameters else { Issue.record("wpm"); return }
    #expect(w.first?.values.first?.priority == 8 && w.first?.values.first?.value.firstValue == .real(21.5))
  }

  @Test("event notification with every optional field")
  func eventNotification() {
    let (a, d) = apdu("10 03 09 01 1c 02000001 2c 00000001 3e 19 05 3f 49 05 59 64 69 05 7b 00 68 69 89 00 99 01 a9 00 b9 03 ce 5e 0c 42c80000 5f cf")
    #expect(d.isEmpty, "\(d)")
    guard case .eventNotification(let e)? = a?.parameters else { Issue.record("event"); return }
    #expect(e.initiatingDevice == ObjectIdentifier(type: .device, instance: 1) && e.eventObject == ObjectIdentifier(type: .analogInput, instance: 1))
    #expect(e.notificationClass == 5 && e.priority == 100 && e.eventType.name == "out-of-range" && e.messageText?.string == "hi")
    #expect(e.notifyType.name == "alarm" && e.ackRequired == true && e.fromState?.name == "normal" && e.toState.name == "high-limit")
    #expect(e.eventValues?.nodes.first?.children.count == 1)
  }

  @Test("Who-Am-I and You-Are")
  func identity() {
    var (a, d) = apdu("10 0d 21 0f 75 06 00 4d 6f 64 65 6c 74 00 53 4e 31")
    #expect(d.isEmpty)
    guard case .deviceIdentity(let w)? = a?.parameters else { Issue.record("who-am-i"); return }
    #expect(w.vendorID.rawValue == 15 && w.modelName.string == "Model" && w.serialNumber.string == "SN1" && w.deviceIdentifier == nil)
    (a, d) = apdu("10 0e 21 0f 75 06 00 4d 6f 64 65 6c 74 00 53 4e 31 c4 02000007 61 05")
    #expect(d.isEmpty && a?.primaryObject == ObjectIdentifier(type: .device, instance: 7))
    guard case .deviceIdentity(let y)? = a?.parameters else { Issue.record("you-are"); return }
    #expect(y.deviceMACAddress == [5][...])
  }

  @Test("malformed parameters fall back to a generic tag run with a diagnostic")
  func fallback() {
    var (a, d) = apdu("00 05 01 0c 0c 00000001")   // ReadProperty without its property identifier
    #expect(codes(d) == ["service-malformed"] && a?.primaryObject == nil)
    guard case .generic? = a?.parameters else { Issue.record("generic"); return }
    (a, d) = apdu("10 08 09 01")                    // Who-Is with only a low limit
    #expect(codes(d) == ["service-malformed"])
    (a, d) = apdu("00 05 01 08 0c 00 00 00 01 3e 21 01")   // addListElement (generic) with an unclosed [3]
    #expect(codes(d) == ["tag-missing-closing"])
    (a, d) = apdu("00 05 01 0c 0c 00000001 19 55 29 01 2a")  // trailing garbage after ReadProperty
    #expect(codes(d) == ["trailing-bytes"] && d.first?.offset == 13)
  }
}
