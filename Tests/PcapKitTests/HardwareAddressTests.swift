import Testing

@testable import PcapKit

@Suite("Link-header hardware addresses")
struct HardwareAddressTests {
  static func value(_ b: [UInt8]) -> UInt64 { b.reduce(0) { $0 << 8 | UInt64($1) } }

  @Test("Ethernet gives destination then source; cooked v1 and v2 the 6-byte source; others none; short headers none")
  func addresses() {
    let frame = Frames.ethernet(0x0800, Frames.ipv4(proto: 17, Frames.udp(47808, 47808, Frames.whoIs)))
    let eth = PacketLayers(linkType: .ethernet, frame: frame[...]).hardwareAddresses(in: frame[...])
    #expect(eth.destination == Self.value(Frames.macB) && eth.source == Self.value(Frames.macA))
    // A slice that does not start at 0.
    let shifted = [0xEE, 0xEE] + frame
    let s = shifted[2...]
    #expect(PacketLayers(linkType: .ethernet, frame: s).hardwareAddresses(in: s).source == Self.value(Frames.macA))

    let mac: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    let sll: [UInt8] = [0, 0, 0, 1, 0, 6] + mac + [0, 0] + [0x08, 0x00]
    let v1 = PacketLayers(linkType: LinkType(rawValue: 113), frame: sll[...]).hardwareAddresses(in: sll[...])
    #expect(v1.source == Self.value(mac) && v1.destination == nil)
    let sllOther: [UInt8] = [0, 0, 0, 1, 0, 4] + mac + [0, 0] + [0x08, 0x00]
    #expect(PacketLayers(linkType: LinkType(rawValue: 113), frame: sllOther[...]).hardwareAddresses(in: sllOther[...]).source == nil)
    let sll2: [UInt8] = [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6] + mac + [0, 0]
    #expect(PacketLayers(linkType: LinkType(rawValue: 276), frame: sll2[...]).hardwareAddresses(in: sll2[...]).source == Self.value(mac))

    let short = Array(frame.prefix(13))
    let cut = PacketLayers(linkType: .ethernet, frame: short[...]).hardwareAddresses(in: short[...])
    #expect(cut.source == nil && cut.destination == nil)
    let raw = Frames.ipv4(proto: 17, Frames.udp(47808, 47808, Frames.whoIs))
    #expect(PacketLayers(linkType: LinkType(rawValue: 101), frame: raw[...]).hardwareAddresses(in: raw[...]).source == nil)
  }
}
