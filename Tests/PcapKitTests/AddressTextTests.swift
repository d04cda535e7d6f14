import Testing
import PcapKit

@Suite struct AddressTextTests {
  @Test("IPv4 text: every octet value prints as its decimal digits, no padding")
  func ipv4() {
    #expect(IPAddress.v4(0).description == "0.0.0.0")
    #expect(IPAddress.v4(0xFFFF_FFFF).description == "255.255.255.255")
    #expect(IPAddress.v4(0x0A14_0164).description == "10.20.1.100")
    for o in 0...255 {
      let a = UInt32(o) << 24 | UInt32(255 - o) << 16 | UInt32(o / 2) << 8 | UInt32(o % 10)
      #expect(IPAddress.v4(a).description == "\(o).\(255 - o).\(o / 2).\(o % 10)")
    }
  }
}
