import Testing
@testable import BACnetDecode

/// Every Annex J function with its body, and the diagnostics of damaged BVLLs.
@Suite struct BVLCTests {
  func dec(_ s: String) -> BACnetMessage { BACnetDecoder.decodeBVLL(hex(s)[...]) }
  let ip1 = BIPAddress(ipv4: 0xC0A8_010A, port: 47808)

  @Test("Annex J functions and bodies")
  func annexJ() {
    var m = dec("81 00 00 06 00 30")
    #expect(m.diagnostics.isEmpty && m.bvlc?.resultCode == 0x30 && m.bvlc?.resultName == "Register-Foreign-Device NAK")
    m = dec("81 01 00 18 c0a8010a bac0 ffffffff c0a8020a bac0 ffffff00")
    #expect(m.diagnostics.isEmpty)
    #expect(m.bvlc?.bdtEntries == [BDTEntry(address: ip1, mask: 0xFFFF_FFFF),
                                   BDTEntry(address: BIPAddress(ipv4: 0xC0A8_020A, port: 47808), mask: 0xFFFF_FF00)])
    m = dec("81 02 00 04")
    #expect(m.diagnostics.isEmpty && m.bvlc?.annexJFunction == .readBroadcastDistributionTable && m.npdu == nil)
    m = dec("81 03 00 0e c0a8010a bac0 ffffffff")
    #expect(m.diagnostics.isEmpty && m.bvlc?.bdtEntries.count == 1)
    m = dec("81 04 00 0e c0a8010a bac0 01 00 10 08")
    #expect(m.diagnostics.isEmpty && m.bvlc?.originalSource == ip1 && m.bvlc?.originalSource?.description == "192.168.1.10:47808")
    #expect(m.apdu?.unconfirmedService == .whoIs && m.bvlc?.npduOffset == 10)
    m = dec("81 05 00 06 01 2c")
    #expect(m.diagnostics.isEmpty && m.bvlc?.timeToLive == 300)
    m = dec("81 06 00 04")
    #expect(m.diagnostics.isEmpty && m.bvlc?.functionName == "Read-Foreign-Device-Table")
    m = dec("81 07 00 0e c0a8010a bac0 012c 0100")
    #expect(m.diagnostics.isEmpty && m.bvlc?.fdtEntries == [FDTEntry(address: ip1, timeToLive: 300, secondsRemaining: 256)])
    m = dec("81 08 00 0a c0a8010a bac0")
    #expect(m.diagnostics.isEmpty && m.bvlc?.deleteAddress == ip1)
    m = dec("81 09 00 08 01 00 10 08")
    #expect(m.diagnostics.isEmpty && m.apdu?.unconfirmedService == .whoIs)
    m = dec("81 0c 00 06 ab cd")
    #expect(m.diagnostics.isEmpty && m.bvlc?.functionName == "Secured-BVLL" && m.npdu == nil)
  }

  @Test("damaged BVLLs are decoded as far as possible and reported")
  func damaged() {
    #expect(codes(dec("81 0d 00 04").diagnostics) == ["bvlc-unknown-function"])
    #expect(codes(dec("83 0a 00 04").diagnostics) == ["bvlc-unknown-type"])
    #expect(codes(dec("81 01 00 0d c0a8010a bac0 ffffff").diagnostics) == ["bvlc-partial-entry"])
    let t = dec("81 0a 00")
    #expect(codes(t.diagnostics) == ["truncated"] && t.bvlc == nil)
    #expect(codes(dec("81 00 00 07 00 00 99").diagnostics) == ["trailing-bytes"])
    let fwd = dec("81 04 00 08 c0a8")
    #expect(codes(fwd.diagnostics) == ["bvlc-length-mismatch", "truncated"] && fwd.bvlc?.originalSource == nil)
    // Length says more than present, and less than present: both decoded, both reported.
    #expect(codes(dec("81 0b 00 20 01 00 10 08").diagnostics) == ["bvlc-length-mismatch"])
    let short = dec("81 0b 00 06 01 00 10 08")
    #expect(codes(short.diagnostics) == ["bvlc-length-mismatch"] && short.apdu?.unconfirmedService == .whoIs)
  }

  @Test("Annex U damaged and unknown")
  func annexU() {
    #expect(codes(dec("82 0d 00 07 00 00 01").diagnostics) == ["bvlc-unknown-function"])
    #expect(codes(dec("82 01 00 08 00 00 01 00").diagnostics) == ["truncated"])
    let secure = dec("82 0b 00 06 ab cd")
    #expect(secure.diagnostics.isEmpty && secure.bvlc?.sourceVMAC == nil)
  }
}
