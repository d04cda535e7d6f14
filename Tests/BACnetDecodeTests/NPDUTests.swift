import Testing
@testable import BACnetDecode

/// NPDU header diagnostics and every network-layer message body.
@Suite struct NPDUTests {
  func dec(_ s: String) -> BACnetMessage { BACnetDecoder.decodeNPDU(hex(s)[...]) }

  @Test("header diagnostics")
  func diagnostics() {
    var m = dec("01 50 10 08")
    #expect(codes(m.diagnostics) == ["npdu-reserved-bits"] && m.apdu?.unconfirmedService == .whoIs)
    #expect(codes(dec("02 00 10 08").diagnostics) == ["npdu-version"])
    m = dec("01 08 00 05 00 10 08")
    #expect(codes(m.diagnostics) == ["npdu-invalid-slen"] && m.npdu?.source?.network == 5)
    #expect(codes(dec("01 08 ff ff 01 05 10 08").diagnostics) == ["npdu-invalid-snet"])
    m = dec("01 20 00 05 08 0102030405060708 ff 10 08")
    #expect(codes(m.diagnostics) == ["npdu-mac-too-long"] && m.npdu?.destination?.mac.count == 8 && m.npdu?.hopCount == 255)
    #expect(m.diagnostics.first?.offset == 4)
    #expect(codes(dec("01 20 00 00 00 ff 10 08").diagnostics) == ["npdu-invalid-dnet"])
    m = dec("01 20 00")
    #expect(codes(m.diagnostics) == ["truncated"] && m.apdu == nil && m.npdu?.control == 0x20)
    m = dec("01")
    #expect(codes(m.diagnostics) == ["truncated"] && m.npdu == nil)
    m = dec("01 07 10 08")
    #expect(m.npdu?.priority == .lifeSafety && m.npdu?.expectingReply == true)
  }

  @Test("network-layer messages 0x02–0x13, security, reserved and proprietary")
  func messages() {
    var m = dec("01 80 02 00 05 32")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.networks == [5] && m.networkMessage?.performanceIndex == 50)
    m = dec("01 80 05 00 01 00 02")
    #expect(m.networkMessage?.type == .routerAvailableToNetwork && m.networkMessage?.networks == [1, 2])
    m = dec("01 80 06 02 00 05 01 00 00 06 02 02 aa bb")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.routingTable.count == 2)
    #expect(m.networkMessage?.routingTable.last?.portInfo == hex("aa bb")[...] && m.networkMessage?.routingTable.last?.network == 6)
    m = dec("01 80 07")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.type == .initializeRoutingTableAck)
    m = dec("01 80 08 00 05 1e")
    #expect(m.networkMessage?.networks == [5] && m.networkMessage?.terminationTime == 30)
    m = dec("01 80 09 00 05")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.type == .disconnectConnectionToNetwork)
    m = dec("01 80 0a 01 02 03")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.type.name == "Challenge-Request" && m.networkMessage?.body.count == 3)
    m = dec("01 80 14 01 02")
    #expect(m.diagnostics.isEmpty && m.networkMessage?.type.name == "Reserved for Use by ASHRAE")
    m = dec("01 80 80 00 07 aa bb")
    #expect(m.diagnostics.isEmpty && m.npdu?.vendorID == 7 && m.networkMessage?.vendorID == 7)
    #expect(m.networkMessage?.type.name == "Vendor Proprietary Message" && m.networkMessage?.body == hex("aa bb")[...])
    #expect(codes(dec("01 80 03 01").diagnostics) == ["network-message-malformed"])
    #expect(codes(dec("01 80 01 00 05 00").diagnostics) == ["trailing-bytes"])
    #expect(dec("01 80 03 01 00 09").networkMessage?.rejectReasonName == "not directly connected to DNET, no route")
  }
}
