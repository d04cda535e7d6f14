import Testing
@testable import BACnetDecode

/// Summaries and the verbose tree.
@Suite struct RenderTests {
  @Test("one-line summaries")
  func summaries() {
    func s(_ h: String) -> String { BACnetDecoder.decodeBVLL(hex(h)[...]).summary }
    #expect(s("81 0a 00 11 01 04 00 05 05 0c 0c 00 00 00 01 19 55") == "confirmed-REQ readProperty[5] analog-input,1 present-value")
    #expect(s("81 0a 00 0d 01 00 50 07 0c 91 02 91 20") == "error readProperty[7] property unknown-property")
    #expect(s("81 0a 00 09 01 00 60 08 09") == "reject[8] unrecognized-service")
    #expect(s("81 0a 00 09 01 00 71 09 04") == "abort[9] segmentation-not-supported (server)")
    #expect(s("81 0b 00 10 01 20 ff ff 00 ff 10 08 09 01 19 64") == "unconfirmed-REQ who-Is 1..100")
    #expect(s("81 0b 00 0b 01 80 01 00 05 00 06") == "I-Am-Router-To-Network 5, 6")
    #expect(s("81 05 00 06 01 2c") == "BVLC Register-Foreign-Device TTL 300s")
    #expect(s("81") == "malformed: a BVLC header needs 4 octets, 1 present")
    let mstp = BACnetDecoder.decodeMSTP(hex("55 FF 06 FF 05 00 10 EB 01 00 10 00 C4 02 00 04 D2 22 05 C4 91 00 21 0F CB 77")[...])
    #expect(mstp.summary == "BACnet Data Not Expecting Reply 5 -> 255: unconfirmed-REQ i-Am device,1234 vendor 15")
  }

  @Test("verbose tree names every layer and annotates enumerated values")
  func tree() {
    let t = BACnetDecoder.decodeBVLL(hex("81 0a 00 17 01 00 30 05 0c 0c 00 00 00 01 19 75 3e 91 3e 3f")[...]).treeText
    let lines = t.split(separator: "\n").map(String.init)
    #expect(lines.first == "BACnet Virtual Link Control")
    #expect(lines.contains("    Function: 0x0a (Original-Unicast-NPDU)"))
    #expect(lines.contains("Building Automation and Control Network NPDU"))
    #expect(lines.contains("    APDU Type: Complex-ACK (3)"))
    #expect(lines.contains("    Property Identifier: units"))
    #expect(lines.contains("        Enumerated: 62 (Degrees Celsius)"))
    let bad = BACnetDecoder.decodeBVLL(hex("81 0a 00 20 01 00 20 06 0f")[...]).treeText
    #expect(bad.contains("Diagnostics\n    bvlc bvlc-length-mismatch at byte 2:"))
    let mstp = BACnetDecoder.decodeMSTP(hex("55 FF 00 10 05 00 00 8D")[...]).treeText
    #expect(mstp.contains("Header CRC: 0x8d [incorrect]") && mstp.contains("mstp mstp-header-crc at byte 7"))
  }
}
