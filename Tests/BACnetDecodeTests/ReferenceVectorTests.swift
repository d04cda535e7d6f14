import Testing
@testable import BACnetDecode

/// Every vector of ../shared/reference/bacnet-wire-format.md, decoded to its documented values.
@Suite struct ReferenceVectorTests {
  @Test("network-layer message vectors")
  func networkMessages() throws {
    var m = BACnetDecoder.decodeBVLL(hex("81 0b 00 07 01 80 00")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.bvlc?.function == 0x0B && m.bvlc?.length == 7)
    #expect(m.npdu?.control == 0x80)
    #expect(m.networkMessage?.type == .whoIsRouterToNetwork && m.networkMessage?.networks == [])
    #expect(m.networkMessage?.type.name == "Who-Is-Router-To-Network")

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 0b 01 80 01 00 05 00 06")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.networkMessage?.type == .iAmRouterToNetwork && m.networkMessage?.networks == [5, 6])

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 0a 01 80 03 01 00 09")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.networkMessage?.rejectReason == 1 && m.networkMessage?.networks == [9])

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 09 01 80 04 00 05")[...])
    #expect(m.networkMessage?.type == .routerBusyToNetwork && m.networkMessage?.networks == [5])

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 07 01 80 12")[...])
    #expect(m.diagnostics.isEmpty && m.networkMessage?.type == .whatIsNetworkNumber)

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 0a 01 80 13 00 05 01")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.networkMessage?.networkNumber == 5 && m.networkMessage?.networkNumberConfigured == true)
  }

  @Test("routed NPDUs: SNET/SADR, DNET/DADR/hop count, global broadcast")
  func routed() throws {
    var m = BACnetDecoder.decodeBVLL(hex("81 0b 00 18 01 08 00 05 01 05 | 10 00 c4 02 00 04 d2 22 05 c4 91 00 21 0f")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.npdu?.source?.network == 5 && m.npdu?.source?.macHex == "05")
    #expect(m.npdu?.destination == nil && m.npdu?.hopCount == nil)
    #expect(m.apdu?.unconfirmedService == .iAm && m.apdu?.primaryObject == ObjectIdentifier(type: .device, instance: 1234))

    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 16 01 24 00 05 01 05 ff | 00 05 05 0c 0c 00 00 00 01 19 55")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.npdu?.destination?.network == 5 && m.npdu?.destination?.macHex == "05" && m.npdu?.hopCount == 255)
    #expect(m.npdu?.expectingReply == true)
    #expect(m.apdu?.confirmedService == .readProperty && m.apdu?.invokeID == 5)

    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 10 01 20 ff ff 00 ff | 10 08 09 01 19 64")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.npdu?.destination?.isGlobalBroadcast == true && m.npdu?.destination?.isBroadcast == true)
    #expect(m.apdu?.parameters == .whoIs(WhoIsRequest(lowLimit: 1, highLimit: 100)))
  }

  @Test("BACnet/IPv6 vectors")
  func ipv6() throws {
    var m = BACnetDecoder.decodeBVLL(hex("82 02 00 17 00 04 d2 | 01 00 10 00 c4 02 00 04 d2 22 05 c4 91 00 21 0f")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.bvlc?.isIPv6 == true && m.bvlc?.annexUFunction == .originalBroadcastNPDU && m.bvlc?.sourceVMAC == 0x0004D2)
    #expect(m.bvlc?.functionName == "Original-Broadcast-NPDU")
    #expect(m.apdu?.unconfirmedService == .iAm)
    m = BACnetDecoder.decodeBVLL(hex("82 01 00 1a 00 04 d2 00 00 01 | 01 00 10 00 c4 02 00 04 d2 22 05 c4 91 00 21 0f")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.bvlc?.sourceVMAC == 0x0004D2 && m.bvlc?.destinationVMAC == 1)
    #expect(m.bvlc?.npduOffset == 10)
  }

  @Test("APDU vectors with full BVLL")
  func apdus() throws {
    // I-Am dev 1234, 1476, seg-both, vendor 15
    var m = BACnetDecoder.decodeBVLL(hex("81 0b 00 14 01 00 | 10 00 c4 02 00 04 d2 22 05 c4 91 00 21 0f")[...])
    #expect(m.diagnostics.isEmpty)
    let iam = IAmRequest(device: ObjectIdentifier(type: .device, instance: 1234), maxAPDULengthAccepted: 1476,
                         segmentation: .segmentedBoth, vendorID: VendorIdentifier(rawValue: 15))
    #expect(m.apdu?.parameters == .iAm(iam))
    #expect(m.apdu?.summary == "unconfirmed-REQ i-Am device,1234 vendor 15")

    // ReadProperty ai,1 pv, inv 5
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 11 01 04 | 00 05 05 0c 0c 00 00 00 01 19 55")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.apdu?.pduType == .confirmedRequest && m.apdu?.invokeID == 5)
    #expect(m.apdu?.maxSegmentsCode == 0 && m.apdu?.maxAPDUCode == 5 && m.apdu?.maxAPDULengthAccepted == 1476)
    #expect(m.apdu?.primaryObject == ObjectIdentifier(type: .analogInput, instance: 1))
    #expect(m.apdu?.primaryProperty == .presentValue)
    #expect(m.apdu?.summary == "confirmed-REQ readProperty[5] analog-input,1 present-value")

    // ReadProperty-ACK REAL 72.5
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 17 01 00 | 30 05 0c 0c 00 00 00 01 19 55 3e 44 42 91 00 00 3f")[...])
    #expect(m.diagnostics.isEmpty)
    guard case .readPropertyACK(let ack)? = m.apdu?.parameters else { Issue.record("not an RP-ACK"); return }
    #expect(ack.value.firstValue == .real(72.5))
    #expect(ack.property == .presentValue)

    // WriteProperty av,2 pv 21.5 prio 8
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 1a 01 04 | 00 05 06 0f 0c 00 80 00 02 19 55 3e 44 41 ac 00 00 3f 49 08")[...])
    #expect(m.diagnostics.isEmpty)
    guard case .writeProperty(let wp)? = m.apdu?.parameters else { Issue.record("not a WP"); return }
    #expect(wp.object == ObjectIdentifier(type: .analogValue, instance: 2) && wp.priority == 8 && wp.value.firstValue == .real(21.5))

    // SimpleACK WP inv 6
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 09 01 00 | 20 06 0f")[...])
    #expect(m.diagnostics.isEmpty && m.apdu?.pduType == .simpleACK && m.apdu?.invokeID == 6 && m.apdu?.confirmedService == .writeProperty)

    // Error RP property/unknown-property
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 0d 01 00 | 50 07 0c 91 02 91 20")[...])
    #expect(m.diagnostics.isEmpty)
    #expect(m.apdu?.errorClass == .property && m.apdu?.errorCode == .unknownProperty)
    #expect(m.apdu?.errorClass?.name == "property" && m.apdu?.errorCode?.name == "unknown-property")

    // Reject inv 8 unrecognized-service
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 09 01 00 | 60 08 09")[...])
    #expect(m.diagnostics.isEmpty && m.apdu?.rejectReason == .unrecognizedService && m.apdu?.rejectReason?.name == "unrecognized-service")

    // Abort(server) inv 9 seg-not-supported
    m = BACnetDecoder.decodeBVLL(hex("81 0a 00 09 01 00 | 71 09 04")[...])
    #expect(m.diagnostics.isEmpty && m.apdu?.abortReason == .segmentationNotSupported && m.apdu?.sentByServer == true)
    #expect(m.apdu?.abortReason?.name == "segmentation-not-supported")

    // Who-Is (no range)
    m = BACnetDecoder.decodeBVLL(hex("81 0b 00 08 01 00 | 10 08")[...])
    #expect(m.diagnostics.isEmpty && m.apdu?.parameters == .whoIs(WhoIsRequest()))
  }

  func apdu(_ s: String) -> (APDU?, [BACnetDiagnostic]) { BACnetDecoder.decodeAPDU(hex(s)[...]) }

  @Test("APDU-only vectors")
  func apduOnly() throws {
    var (a, d) = apdu("10 07 3d 05 00 5a 4e 2d 54")
    #expect(d.isEmpty)
    guard case .whoHas(let wh)? = a?.parameters else { Issue.record("who-has"); return }
    #expect(wh.objectName?.string == "ZN-T" && wh.object == nil)

    (a, d) = apdu("10 07 09 01 1b 3f ff ff 2c 00 00 00 01")
    #expect(d.isEmpty)
    #expect(a?.parameters == .whoHas(WhoHasRequest(lowLimit: 1, highLimit: 4194303, object: ObjectIdentifier(type: .analogInput, instance: 1))))

    (a, d) = apdu("10 01 c4 02 00 04 d2 c4 00 00 00 01 75 05 00 5a 4e 2d 54")
    #expect(d.isEmpty)
    guard case .iHave(let ih)? = a?.parameters else { Issue.record("i-have"); return }
    #expect(ih.device.instance == 1234 && ih.object == ObjectIdentifier(type: .analogInput, instance: 1) && ih.objectName.string == "ZN-T")

    (a, d) = apdu("10 06 a4 7c 03 0f 05 b4 0d 2d 1e 00")
    #expect(d.isEmpty)
    guard case .timeSynchronization(let ts)? = a?.parameters else { Issue.record("timesync"); return }
    #expect(ts.date.year == 2024 && ts.date.month == 3 && ts.date.day == 15 && ts.date.weekday == 5)
    #expect(ts.time == BACnetTime(hour: 13, minute: 45, second: 30, hundredths: 0))
    #expect(ts.date.description == "2024-03-15 (Fri)")

    (a, d) = apdu("02 05 0a 05 09 2a 1c 00 00 00 01 29 01 3a 01 2c")
    #expect(d.isEmpty)
    guard case .subscribeCOV(let sc)? = a?.parameters else { Issue.record("subscribeCOV"); return }
    #expect(sc.processID == 42 && sc.issueConfirmedNotifications == true && sc.lifetime == 300 && !sc.isCancellation)
    #expect(a?.segmentedResponseAccepted == true && a?.invokeID == 10)

    (a, d) = apdu("02 05 0b 05 09 2a 1c 00 00 00 01")
    #expect(d.isEmpty)
    guard case .subscribeCOV(let cancel)? = a?.parameters else { Issue.record("cancel"); return }
    #expect(cancel.isCancellation)

    (a, d) = apdu("10 02 09 2a 1c 02 00 04 d2 2c 00 00 00 01 39 78 4e 09 55 2e 44 42 91 00 00 2f 09 6f 2e 82 04 00 2f 4f")
    #expect(d.isEmpty)
    guard case .covNotification(let cov)? = a?.parameters else { Issue.record("cov"); return }
    #expect(cov.processID == 42 && cov.initiatingDevice.instance == 1234 && cov.timeRemaining == 120)
    #expect(cov.values.map(\.property) == [.presentValue, .statusFlags])
    #expect(cov.values[0].value.firstValue == .real(72.5))
    #expect(cov.values[1].value.firstValue?.description == "{F,F,F,F}")
    #expect(a?.primaryObject == ObjectIdentifier(type: .analogInput, instance: 1) && a?.primaryProperty == .presentValue)

    (a, d) = apdu("02 05 0c 0e 0c 00 00 00 01 1e 09 55 09 4d 1f")
    #expect(d.isEmpty)
    guard case .readPropertyMultiple(let rpm)? = a?.parameters else { Issue.record("rpm"); return }
    #expect(rpm.count == 1 && rpm[0].properties.map(\.property) == [.presentValue, .objectName])

    (a, d) = apdu("30 0c 0e 0c 00 00 00 01 1e 29 55 4e 44 42 91 00 00 4f 29 4d 5e 91 02 91 20 5f 1f")
    #expect(d.isEmpty)
    guard case .readPropertyMultipleACK(let ack)? = a?.parameters else { Issue.record("rpm-ack"); return }
    #expect(ack[0].results.count == 2)
    #expect(ack[0].results[0].value?.firstValue == .real(72.5))
    #expect(ack[0].results[1].errorClass == .property && ack[0].results[1].errorCode == .unknownProperty)
  }

  /// Decodes one application tag and returns its value.
  func value(_ s: String) -> BACnetValue? {
    let (nodes, d) = EncodedValues(bytes: hex(s)[...], offset: 0).decode()
    #expect(d.isEmpty, "\(s): \(d)")
    return nodes.first?.value
  }

  func header(_ s: String) -> TagHeader? {
    EncodedValues(bytes: hex(s)[...], offset: 0).decode().nodes.first?.header
  }

  @Test("tag vectors")
  func tags() throws {
    #expect(value("00") == .null)
    #expect(value("11") == .boolean(true))
    #expect(value("10") == .boolean(false))
    let ctxTrue = EncodedValues(bytes: hex("29 01")[...], offset: 0).nodes.first
    #expect(ctxTrue?.header.isContext == true && ctxTrue?.header.number == 2 && ctxTrue?.content == [1])
    #expect(value("21 00") == .unsigned(0))
    #expect(value("21 ff") == .unsigned(255))
    #expect(value("22 01 00") == .unsigned(256))
    #expect(value("23 01 00 00") == .unsigned(65536))
    #expect(value("24 ff ff ff ff") == .unsigned(4_294_967_295))
    #expect(value("31 ff") == .signed(-1))
    #expect(value("31 7f") == .signed(127))
    #expect(value("32 00 80") == .signed(128))
    #expect(value("32 ff 7f") == .signed(-129))
    #expect(value("44 42 91 00 00") == .real(72.5))
    #expect(value("55 08 3f f0 00 00 00 00 00 00") == .double(1.0))
    #expect(value("64 01 02 03 04") == .octetString([1, 2, 3, 4][...]))
    let five = hex("65 05 01 02 03 04 05")
    #expect(value("65 05 01 02 03 04 05") == .octetString(five[2...]))
    let len254 = hex("65 fe 00 fe") + [UInt8](repeating: 7, count: 254)
    #expect(EncodedValues(bytes: len254[...], offset: 0).nodes.first?.header.length == 254)
    let len65536 = hex("65 ff 00 01 00 00") + [UInt8](repeating: 7, count: 65536)
    #expect(EncodedValues(bytes: len65536[...], offset: 0).nodes.first?.content.count == 65536)
    guard case .characterString(let s)? = value("73 00 41 42") else { Issue.record("charstring"); return }
    #expect(s.string == "AB" && s.characterSet == .utf8)
    #expect(value("91 00") == .enumerated(0))
    #expect(value("92 01 2c") == .enumerated(300))
    #expect(value("a4 7c 03 0f 05") == .date(BACnetDate(yearMinus1900: 124, month: 3, day: 15, weekday: 5)))
    #expect(value("b4 0d 2d 1e 19") == .time(BACnetTime(hour: 13, minute: 45, second: 30, hundredths: 25)))
    #expect(value("c4 02 00 04 d2") == .objectIdentifier(ObjectIdentifier(type: .device, instance: 1234)))
    #expect(value("c4 ff ff ff ff") == .objectIdentifier(ObjectIdentifier(type: ObjectType(rawValue: 1023), instance: 4_194_303)))
    guard case .bitString(let b)? = value("82 04 40") else { Issue.record("bitstring"); return }
    #expect(b.count == 4 && !b[0] && b[1] && !b[2] && !b[3])
    #expect(header("09 01")?.number == 0)
    #expect(header("e9 01")?.number == 14)
    #expect(header("f9 0f 01")?.number == 15)
    #expect(header("f9 fe 01")?.number == 254)
    #expect(header("3e 3f")?.kind == .opening && header("3e 3f")?.number == 3)
    let twenty = EncodedValues(bytes: hex("fe 14 ff 14")[...], offset: 0).decode()
    #expect(twenty.diagnostics.isEmpty && twenty.nodes.first?.header.number == 20 && twenty.nodes.first?.children == [])
    #expect(header("f9 14 01")?.number == 20 && header("f9 14 01")?.length == 1 && header("f9 14 01")?.isContext == true)
    let app6 = hex("65 fe 01 00") + [UInt8](repeating: 0, count: 256)
    let h6 = EncodedValues(bytes: app6[...], offset: 0).nodes.first?.header
    #expect(h6?.number == 6 && h6?.length == 256 && h6?.isContext == false)
    let ctx6 = hex("6d ff 00 01 00 00") + [UInt8](repeating: 0, count: 65536)
    let hc = EncodedValues(bytes: ctx6[...], offset: 0).nodes.first?.header
    #expect(hc?.number == 6 && hc?.length == 65536 && hc?.isContext == true)
  }

  @Test("malformed tags become diagnostics")
  func malformedTags() {
    func diag(_ s: String) -> [String] { codes(EncodedValues(bytes: hex(s)[...], offset: 0).decode().diagnostics) }
    #expect(diag("f9") == ["tag-malformed"])               // extended tag number missing
    #expect(diag("65 fe 00") == ["tag-malformed"])         // 2-octet length needs 2 octets
    #expect(diag("65 ff 00 00 00") == ["tag-malformed"])   // 4-octet length needs 4 octets
    #expect(diag("24 01 02") == ["tag-length-overrun"])
    #expect(diag("3e 09 01") == ["tag-missing-closing"])
    #expect(diag("3e 4f") == ["tag-unmatched-closing"])
    #expect(diag("44 01 02 03") == ["tag-length-overrun"])
    #expect(diag("43 01 02 03") == ["tag-invalid-value"])   // REAL of 3 octets
    let deep = [UInt8](repeating: 0x0E, count: 100) + [UInt8](repeating: 0x0F, count: 100)
    #expect(codes(EncodedValues(bytes: deep[...], offset: 0).decode().diagnostics) == ["tag-depth-exceeded"])
  }

  @Test("BVLC length mismatch is decoded and reported")
  func lengthMismatch() {
    // Declares 17 octets, carries 9 (as in icsnpp bacnet_example.pcap).
    let m = BACnetDecoder.decodeBVLL(hex("81 0a 00 11 01 00 | 20 06 0f")[...])
    #expect(codes(m.diagnostics) == ["bvlc-length-mismatch"])
    #expect(m.diagnostics.first?.offset == 2)
    #expect(m.apdu?.pduType == .simpleACK && m.apdu?.invokeID == 6)
  }
}
