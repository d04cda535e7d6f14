import Foundation
import Testing
@testable import BACnetDecode
import OptigoTestSupport

/// Decodes the golden vectors of Fixtures/bacnet-vectors/golden.json (made by bacpypes3 and bac-py, which agree byte
/// for byte, through ../shared/tools/bacnet_vectors.py; see Fixtures/bacnet-vectors/README.md) and checks every
/// documented value.
@Suite struct GoldenVectorTests {
  static let golden: [String: [String: String]] = {
    let url = packageRoot.appendingPathComponent("Fixtures/bacnet-vectors/golden.json")
    guard let data = try? Data(contentsOf: url),
          let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
    var out: [String: [String: String]] = [:]
    for (k, v) in obj { if let d = v as? [String: String] { out[k] = d } }
    return out
  }()

  func bvll(_ name: String) throws -> BACnetMessage {
    let h = try #require(Self.golden["bvll"]?[name], "missing golden vector \(name)")
    let m = BACnetDecoder.decodeBVLL(hex(h)[...])
    #expect(m.diagnostics.isEmpty, "\(name): \(m.diagnostics)")
    return m
  }

  @Test("two-stack BVLL vectors (bacpypes3 = bac-py) decode to the values they were built from")
  func bacpypes3Vectors() throws {
    #expect(Self.golden["bvll"]?.count == 11)
    var m = try bvll("who_is_global")
    #expect(m.bvlc?.annexJFunction == .originalBroadcastNPDU)
    #expect(m.npdu?.destination?.network == 0xFFFF && m.npdu?.destination?.mac.isEmpty == true && m.npdu?.hopCount == 255)
    #expect(m.apdu?.parameters == .whoIs(WhoIsRequest(lowLimit: 1, highLimit: 100)))

    m = try bvll("who_is_local")
    #expect(m.apdu?.parameters == .whoIs(WhoIsRequest()) && m.npdu?.destination == nil)

    m = try bvll("i_am")
    #expect(m.apdu?.parameters == .iAm(IAmRequest(device: ObjectIdentifier(type: .device, instance: 1234), maxAPDULengthAccepted: 1476,
                                                  segmentation: .segmentedBoth, vendorID: VendorIdentifier(rawValue: 15))))

    m = try bvll("read_property")
    #expect(m.bvlc?.annexJFunction == .originalUnicastNPDU && m.npdu?.expectingReply == true)
    #expect(m.apdu?.parameters == .readProperty(ReadPropertyRequest(object: ObjectIdentifier(type: .analogInput, instance: 1),
                                                                    property: .presentValue)))
    #expect(m.apdu?.invokeID == 5 && m.apdu?.maxAPDULengthAccepted == 1476 && m.apdu?.segmentedResponseAccepted == false)

    m = try bvll("read_property_ack")
    guard case .readPropertyACK(let ack)? = m.apdu?.parameters else { Issue.record("rp-ack"); return }
    #expect(ack.object == ObjectIdentifier(type: .analogInput, instance: 1) && ack.value.firstValue == .real(72.5))

    m = try bvll("write_property")
    guard case .writeProperty(let wp)? = m.apdu?.parameters else { Issue.record("wp"); return }
    #expect(wp.object == ObjectIdentifier(type: .analogValue, instance: 2) && wp.property == .presentValue)
    #expect(wp.value.firstValue == .real(21.5) && wp.priority == 8 && m.apdu?.invokeID == 6)

    m = try bvll("simple_ack")
    #expect(m.apdu?.pduType == .simpleACK && m.apdu?.confirmedService == .writeProperty && m.apdu?.invokeID == 6)

    m = try bvll("error")
    #expect(m.apdu?.pduType == .error && m.apdu?.confirmedService == .readProperty && m.apdu?.invokeID == 7)
    #expect(m.apdu?.errorClass == .property && m.apdu?.errorCode == .unknownProperty)

    m = try bvll("reject")
    #expect(m.apdu?.invokeID == 8 && m.apdu?.rejectReason == .unrecognizedService)

    m = try bvll("abort")
    #expect(m.apdu?.invokeID == 9 && m.apdu?.abortReason == .segmentationNotSupported && m.apdu?.sentByServer == true)

    m = try bvll("who_is_router")
    #expect(m.networkMessage?.type == .whoIsRouterToNetwork && m.networkMessage?.networks.isEmpty == true)
  }

  @Test("bac-py's routed and network-layer vectors decode to the values they were built from")
  func bacpyRoutedVectors() throws {
    let v = try #require(Self.golden["bvll_routed"])
    #expect(v.count == 7)
    func dec(_ n: String) throws -> BACnetMessage {
      let m = BACnetDecoder.decodeBVLL(hex(try #require(v[n], "missing golden vector \(n)"))[...])
      #expect(m.diagnostics.isEmpty, "\(n): \(m.diagnostics)")
      return m
    }
    var m = try dec("routed_i_am_snet5_sadr05")
    #expect(m.npdu?.source?.network == 5 && m.npdu?.source?.mac == [5][...] && m.npdu?.destination == nil)
    #expect(m.npdu?.hopCount == nil && m.apdu?.unconfirmedService == .iAm)
    #expect(m.apdu?.primaryObject == ObjectIdentifier(type: .device, instance: 1234))

    m = try dec("routed_rp_dnet5_dadr05")
    #expect(m.npdu?.destination?.network == 5 && m.npdu?.destination?.mac == [5][...] && m.npdu?.hopCount == 255)
    #expect(m.npdu?.expectingReply == true && m.npdu?.source == nil)
    #expect(m.apdu?.parameters == .readProperty(ReadPropertyRequest(object: ObjectIdentifier(type: .analogInput, instance: 1),
                                                                    property: .presentValue)))
    #expect(m.apdu?.invokeID == 5)

    m = try dec("i_am_router_to_network_5_6")
    #expect(m.networkMessage?.type == .iAmRouterToNetwork && m.networkMessage?.networks == [5, 6])
    m = try dec("reject_message_to_network_r1_dnet9")
    #expect(m.networkMessage?.type == .rejectMessageToNetwork && m.networkMessage?.rejectReason == 1)
    #expect(m.networkMessage?.networks == [9])
    m = try dec("router_busy_to_network_5")
    #expect(m.networkMessage?.type == .routerBusyToNetwork && m.networkMessage?.networks == [5])
    m = try dec("what_is_network_number")
    #expect(m.networkMessage?.type == .whatIsNetworkNumber && m.networkMessage?.body.isEmpty == true)
    m = try dec("network_number_is_5_configured")
    #expect(m.networkMessage?.type == .networkNumberIs && m.networkMessage?.networkNumber == 5)
    #expect(m.networkMessage?.networkNumberConfigured == true)
  }

  @Test("the tool's MS/TP frames: CRC-8, CRC-16, COBS + CRC-32K")
  func mstpFrames() throws {
    let frames = try #require(Self.golden["mstp"])
    for (name, h) in frames {
      let d = BACnetDecoder.decodeMSTP(hex(h)[...])
      #expect(d.diagnostics.isEmpty, "\(name): \(d.diagnostics)")
      #expect(d.frame?.crcOK == true, "\(name)")
    }
    let token = BACnetDecoder.decodeMSTP(hex(try #require(frames["token"]))[...])
    #expect(token.frame?.frameType == .token && token.frame?.destination == 0x10 && token.frame?.source == 5)
    let data = BACnetDecoder.decodeMSTP(hex(try #require(frames["data_not_expecting_reply_i_am"]))[...])
    #expect(data.frame?.dataCRCOK == true && data.message?.apdu?.unconfirmedService == .iAm)
    let cobs = BACnetDecoder.decodeMSTP(hex(try #require(frames["extended_not_expecting_reply_i_am"]))[...])
    #expect(cobs.frame?.frameType == .bacnetExtendedDataNotExpectingReply && cobs.frame?.crc32KOK == true)
    #expect(cobs.frame?.dataCRCOK == nil)
    #expect(cobs.message?.apdu?.primaryObject == ObjectIdentifier(type: .device, instance: 1234))
  }

  @Test("BACnet/IPv6: one message per Annex U function")
  func bip6() throws {
    let v = try #require(Self.golden["bip6"])
    #expect(v.count == 13)
    func dec(_ n: String) throws -> BACnetMessage {
      let m = BACnetDecoder.decodeBVLL(hex(try #require(v[n]))[...])
      #expect(m.diagnostics.isEmpty, "\(n): \(m.diagnostics)")
      #expect(m.bvlc?.sourceVMAC == 0x0004D2, "\(n)")
      return m
    }
    #expect(try dec("bip6_result_success").bvlc?.resultName == "Successful completion")
    #expect(try dec("bip6_result_register_nak").bvlc?.resultName == "Register-Foreign-Device NAK")
    #expect(try dec("bip6_original_unicast").bvlc?.destinationVMAC == 1)
    #expect(try dec("bip6_original_broadcast").apdu?.unconfirmedService == .iAm)
    #expect(try dec("bip6_address_resolution").bvlc?.targetVMAC == 1)
    let far = try dec("bip6_forwarded_address_resolution")
    #expect(far.bvlc?.targetVMAC == 1 && far.bvlc?.originalSource6?.description == "[2001:db8:0:0:0:0:0:1]:47808")
    #expect(try dec("bip6_address_resolution_ack").bvlc?.destinationVMAC == 1)
    #expect(try dec("bip6_virtual_address_resolution").bvlc?.annexUFunction == .virtualAddressResolution)
    #expect(try dec("bip6_virtual_address_resolution_ack").bvlc?.destinationVMAC == 1)
    let fwd = try dec("bip6_forwarded_npdu")
    #expect(fwd.bvlc?.originalSource6?.port == 47808 && fwd.apdu?.unconfirmedService == .iAm)
    #expect(try dec("bip6_register_foreign_device").bvlc?.timeToLive == 300)
    #expect(try dec("bip6_delete_fdt_entry").bvlc?.originalSource6 != nil)
    #expect(try dec("bip6_distribute_broadcast").apdu?.unconfirmedService == .iAm)
  }

  @Test("MS/TP edge cases: preamble-less, FF pad, bad CRCs, proprietary, large COBS")
  func mstpCases() throws {
    let c = try #require(Self.golden["mstp_cases"])
    #expect(c.count == 16)
    func dec(_ n: String) throws -> MSTPDecode { BACnetDecoder.decodeMSTP(hex(try #require(c[n]))[...]) }
    var d = try dec("no_preamble_token")
    #expect(d.frame?.hasPreamble == false && d.frame?.frameType == .token && d.diagnostics.isEmpty)
    d = try dec("ff_pad_i_am")
    #expect(d.frame?.hasPadding == true && d.diagnostics.isEmpty && d.message?.apdu?.unconfirmedService == .iAm)
    d = try dec("bad_header_crc_token")
    #expect(d.frame?.headerCRCOK == false && codes(d.diagnostics) == ["mstp-header-crc"])
    d = try dec("bad_data_crc_i_am")
    #expect(d.frame?.headerCRCOK == true && d.frame?.dataCRCOK == false && codes(d.diagnostics) == ["mstp-data-crc"])
    #expect(d.message?.apdu?.unconfirmedService == .iAm)
    d = try dec("bad_crc32k_extended_i_am")
    #expect(d.frame?.crc32KOK == false && codes(d.diagnostics) == ["mstp-crc32k"])
    d = try dec("proprietary_128_vendor_7")
    #expect(d.frame?.frameType.isProprietary == true && d.frame?.vendorID == 7 && d.frame?.dataCRCOK == true)
    d = try dec("extended_expecting_reply_600_octets")
    #expect(d.diagnostics.isEmpty && d.frame?.crc32KOK == true && (d.frame?.length ?? 0) >= 506)
    guard case .readPropertyACK(let ack)? = d.message?.apdu?.parameters else { Issue.record("large RP-ACK"); return }
    guard case .octetString(let o)? = ack.value.firstValue else { Issue.record("octets"); return }
    #expect(o.count == 600)
    d = try dec("test_request_with_data")
    #expect(d.diagnostics.isEmpty && d.frame?.data == [1, 2, 3][...])
    d = try dec("data_expecting_reply_rp")
    #expect(d.message?.apdu?.confirmedService == .readProperty && d.message?.npdu?.expectingReply == true)
  }
}
