import BACnetDecode
import PcapKit
import Testing
@testable import BACnetAnalysis

/// The content selection's parts: option parsing (names as the decoder, tshark and the standard write them),
/// AND/OR semantics over a transaction, order preservation while a request is held, the hold window, IP fragments,
/// and MS/TP.
@Suite struct ContentSelectionTests {
  // MARK: - Frames

  static let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]

  /// A B/IP unicast frame from `src` to `dst` carrying NPDU+APDU octets.
  static func bip(_ npduAPDU: [UInt8], src: [UInt8] = client, dst: [UInt8] = server, vlans: [Int] = []) -> [UInt8] {
    Frames.ethernet(0x0800, vlans: vlans) + Frames.ipv4(Frames.udp(Frames.unicast(npduAPDU)), src: src, dst: dst)
  }

  /// ReadProperty of `object` (type, instance), invoke ID `invoke`.
  static func readProperty(type: UInt32 = 0, instance: UInt32 = 1, invoke: UInt8 = 5) -> [UInt8] {
    let raw = type << 22 | instance
    return [0x01, 0x04, 0x00, 0x05, invoke, 0x0C, 0x0C, UInt8(raw >> 24), UInt8(raw >> 16 & 0xFF), UInt8(raw >> 8 & 0xFF),
            UInt8(raw & 0xFF), 0x19, 0x55]
  }

  /// Error PDU (class property, code unknown-property) for ReadProperty, invoke ID `invoke`.
  static func error(invoke: UInt8 = 5) -> [UInt8] { [0x01, 0x00, 0x50, invoke, 0x0C, 0x91, 0x02, 0x91, 0x20] }

  /// Reject PDU, invoke ID `invoke`.
  static func reject(invoke: UInt8 = 5) -> [UInt8] { [0x01, 0x00, 0x60, invoke, 0x09] }

  /// Runs frames through a pipeline and a selector; returns the kept indices (0-based) in output order.
  static func select(_ frames: [[UInt8]], criteria: ContentCriteria = ContentCriteria(),
                     addresses: [AddressSelector] = [], window: Int = 4096, memory: Int = 4096,
                     link: LinkType = .ethernet) -> [Int] {
    var pipeline = BACnetPipeline()
    var selector = ContentSelector<Int>(criteria: criteria, addresses: addresses, window: window,
                                        transactionMemory: memory)
    var out: [Int] = []
    for (i, f) in frames.enumerated() {
      let d = pipeline.run(f, link: link)
      switch selector.submit(d) {
      case .keep: out.append(i)
      case .drop: break
      case .hold: selector.hold(i)
      }
      while let r = selector.popReady() { out.append(r) }
    }
    selector.finish()
    while let r = selector.popReady() { out.append(r) }
    return out
  }

  // MARK: - Parsing

  @Test func serviceNames() {
    let rp = ServiceSelector.confirmed(.readProperty)
    for text in ["readProperty", "read-property", "ReadProperty", "READ_PROPERTY", "12"] {
      #expect(ServiceSelector(parsing: text) == rp, "\(text)")
    }
    for text in ["who-Is", "who-is", "WhoIs", "whois", "u:8"] {
      #expect(ServiceSelector(parsing: text) == .unconfirmed(UnconfirmedServiceChoice(rawValue: 8)), "\(text)")
    }
    #expect(ServiceSelector(parsing: "i-am") == .unconfirmed(UnconfirmedServiceChoice(rawValue: 0)))
    #expect(ServiceSelector(parsing: "confirmedCOVNotification") == .confirmed(.confirmedCOVNotification))
    #expect(ServiceSelector(parsing: "unconfirmed-cov-notification") == .unconfirmed(UnconfirmedServiceChoice(rawValue: 2)))
    for bad in ["", "nope", "256", "u:", "u:x", "-"] { #expect(ServiceSelector(parsing: bad) == nil, "\(bad)") }
  }

  @Test func objectsAndTypes() {
    let ai1 = ObjectSelector(type: .analogInput, instance: 1)
    for text in ["analog-input,1", "analogInput,1", "Analog_Input,1", "0,1", "analog-input:1"] {
      #expect(ObjectSelector(parsing: text) == ai1, "\(text)")
    }
    #expect(ObjectSelector(parsing: "device,*") == ObjectSelector(type: .device, instance: nil))
    #expect(ObjectSelector(parsing: "1023,4194303") == ObjectSelector(type: ObjectType(rawValue: 1023), instance: 4_194_303))
    for bad in ["analog-input", "nope,1", "1024,1", "0,4194304", "0,-1", ",1", "0,"] {
      #expect(ObjectSelector(parsing: bad) == nil, "\(bad)")
    }
    for (text, raw) in [("Confirmed-REQ", 0), ("confirmed-request", 0), ("0", 0), ("complex-ack", 3), ("Complex-ACK", 3),
                        ("error", 5), ("Reject", 6), ("abort", 7), ("segment-ack", 4), ("unconfirmed-request", 1)] {
      #expect(APDUType(selecting: text) == APDUType(rawValue: UInt8(raw)), "\(text)")
    }
    for bad in ["8", "", "request", "ack"] { #expect(APDUType(selecting: bad) == nil, "\(bad)") }
  }

  @Test func addresses() {
    #expect(AddressSelector(parsing: "192.168.1.10") == .ip(.v4(0xC0A8_010A), port: nil))
    #expect(AddressSelector(parsing: "192.168.1.10:47808") == .ip(.v4(0xC0A8_010A), port: 47808))
    #expect(AddressSelector(parsing: "fe80::1") == .ip(.v6(high: 0xFE80_0000_0000_0000, low: 1), port: nil))
    #expect(AddressSelector(parsing: "[fe80::1]:47808") == .ip(.v6(high: 0xFE80_0000_0000_0000, low: 1), port: 47808))
    #expect(AddressSelector(parsing: "::ffff:10.0.0.1") == .ip(.v6(high: 0, low: 0xFFFF_0A00_0001), port: nil))
    #expect(AddressSelector(parsing: "1:2:3:4:5:6:7:8") == .ip(.v6(high: 0x0001_0002_0003_0004, low: 0x0005_0006_0007_0008), port: nil))
    #expect(AddressSelector(parsing: "00:1b:21:3a:4f:10") == .mac(MACAddress(rawValue: 0x001B_213A_4F10)))
    #expect(AddressSelector(parsing: "00-1B-21-3A-4F-10") == .mac(MACAddress(rawValue: 0x001B_213A_4F10)))
    #expect(AddressSelector(parsing: "5") == .mstp(5))
    for bad in ["256", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1::2::3", "1:2:3:4:5:6:7:8:9", "[fe80::1]", "x", "",
                "1.2.3.4:70000", "::g"] {
      #expect(AddressSelector(parsing: bad) == nil, "\(bad)")
    }
    #expect(AddressSelector(parsing: "[fe80::1]:47808")?.description == "[fe80::1]:47808")
  }

  // MARK: - Semantics

  @Test("options AND over a transaction: the object's ReadProperty is kept with its Error")
  func andAcrossTransaction() {
    let frames = [Self.bip(Self.readProperty()), Self.bip(Self.error(), src: Self.server, dst: Self.client)]
    var c = ContentCriteria()
    c.objects = [ObjectSelector(type: .analogInput, instance: 1)]
    c.pduTypes = [.error]
    #expect(Self.select(frames, criteria: c) == [0, 1])
    c.objects = [ObjectSelector(type: .analogOutput, instance: 1)]
    #expect(Self.select(frames, criteria: c) == [])
    // OR within an option.
    c.objects = [ObjectSelector(type: .analogOutput, instance: 1), ObjectSelector(type: .analogInput, instance: nil)]
    #expect(Self.select(frames, criteria: c) == [0, 1])
  }

  @Test("a Reject is kept with the request it answers, in input order, and not with another client's")
  func pairingAndOrder() {
    let other: [UInt8] = [10, 0, 0, 9]
    let frames = [
      Self.bip(Self.readProperty()),  // 0: matches
      Self.bip(Frames.iAm, src: other, dst: [10, 0, 0, 255]),  // 1: does not
      Self.bip(Self.reject(), src: Self.server, dst: other),  // 2: same invoke ID, another client: not a reply
      Self.bip(Self.reject(), src: Self.server, dst: Self.client),  // 3: the reply
      Self.bip(Self.reject(), src: Self.server, dst: Self.client),  // 4: a duplicate: the closed transaction's verdict
    ]
    var c = ContentCriteria()
    c.services = [.confirmed(.readProperty)]
    #expect(Self.select(frames, criteria: c) == [0, 3, 4])
    // Unrelated kept packets between a held request and its reply keep their place.
    var d = ContentCriteria()
    d.pduTypes = [.reject, .unconfirmedRequest]
    #expect(Self.select(frames, criteria: d) == [0, 1, 2, 3, 4])
    d.pduTypes = [.reject]
    #expect(Self.select(frames, criteria: d) == [0, 2, 3, 4])
  }

  @Test("a request held longer than the window is decided on its own")
  func window() {
    let frames = [Self.bip(Self.readProperty())] + [[UInt8]](repeating: Self.bip(Frames.iAm), count: 3)
      + [Self.bip(Self.error(), src: Self.server, dst: Self.client)]
    var c = ContentCriteria()
    c.pduTypes = [.error]
    #expect(Self.select(frames, criteria: c, window: 2) == [4])
    #expect(Self.select(frames, criteria: c, window: 8) == [0, 4])
  }

  @Test("a reused invoke ID opens a new transaction that forgetting the old one does not close")
  func reusedInvokeID() {
    let err = Self.bip(Self.error(), src: Self.server, dst: Self.client)
    let frames = [Self.bip(Self.readProperty()), err, Self.bip(Self.readProperty()),
                  Self.bip(Self.readProperty(invoke: 6)), err]
    var c = ContentCriteria()
    c.pduTypes = [.error]
    #expect(Self.select(frames, criteria: c, memory: 2) == [0, 1, 2, 4])
    #expect(Self.select(frames, criteria: c, memory: 1) == [0, 1, 4])
  }

  @Test("IP fragments share the fate of their datagram, VLAN tags included")
  func fragments() {
    let datagram = Frames.udp(Frames.unicast(Frames.iAm))
    let first = Array(datagram.prefix(16)), second = Array(datagram.dropFirst(16))
    let f1 = Frames.ethernet(0x0800, vlans: [7]) + Frames.ipv4(first, id: 77, offset: 0, more: true)
    let f2 = Frames.ethernet(0x0800, vlans: [7]) + Frames.ipv4(second, id: 77, offset: 16, more: false)
    var c = ContentCriteria()
    c.devices = [1234]
    #expect(Self.select([f1, f2], criteria: c) == [0, 1])
    #expect(Self.select([f2, f1], criteria: c) == [0, 1])
    c.devices = [1235]
    #expect(Self.select([f1, f2], criteria: c) == [])
    // A fragment whose datagram never completes is dropped at the end.
    c.devices = [1234]
    #expect(Self.select([f1], criteria: c) == [])
  }

  @Test("Who-Is ranges select the devices they hold; non-BACnet packets are dropped")
  func whoIsAndNonBACnet() {
    // Who-Is 1000-2000: context 0 and 1 unsigned.
    let whoIs: [UInt8] = [0x01, 0x00, 0x10, 0x08, 0x0A, 0x03, 0xE8, 0x1A, 0x07, 0xD0]
    let notBACnet = Frames.ethernet(0x0800) + Frames.ipv4(Frames.udp([1, 2, 3], sport: 53, dport: 53))
    var c = ContentCriteria()
    c.devices = [1234]
    #expect(Self.select([Self.bip(whoIs), notBACnet, Self.bip(Frames.iAm)], criteria: c) == [0, 2])
    c.devices = [999]
    #expect(Self.select([Self.bip(whoIs), notBACnet], criteria: c) == [])
    #expect(Self.select([notBACnet], addresses: [.ip(.v4(0x0A00_0001), port: nil)]) == [])
  }

  @Test("MS/TP: stations and content of LINKTYPE 165 records")
  func mstp() {
    // Data Not Expecting Reply 255 <- 5 carrying the I-Am (CRCs computed by the test helpers).
    let iAm = Frames.mstp(type: 6, dst: 255, src: 5, data: Frames.iAm)
    let token = Frames.mstp(type: 0, dst: 16, src: 5, data: [])
    var c = ContentCriteria()
    c.services = [ServiceSelector(parsing: "i-am")!]
    #expect(Self.select([token, iAm], criteria: c, link: .bacnetMSTP) == [1])
    #expect(Self.select([token, iAm], addresses: [.mstp(16)], link: .bacnetMSTP) == [0])
    #expect(Self.select([token, iAm], addresses: [.mstp(5)], link: .bacnetMSTP) == [0, 1])
  }

  @Test("the object walk finds application-tagged identifiers in values and stops at malformed tags")
  func objectWalk() {
    // ReadProperty-ACK device,5 object-list [3] = {analog-input,1; binary-output,7}.
    let ack: [UInt8] = [0x01, 0x00, 0x30, 0x05, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x05, 0x19, 0x4C, 0x3E,
                        0xC4, 0x00, 0x00, 0x00, 0x01, 0xC4, 0x01, 0x00, 0x00, 0x07, 0x3F]
    var c = ContentCriteria()
    c.objects = [ObjectSelector(type: .binaryOutput, instance: 7)]
    #expect(Self.select([Self.bip(ack, src: Self.server, dst: Self.client)], criteria: c) == [0])
    // Cut inside the second identifier: the first one still counts, the second does not.
    let cut = Array(ack.prefix(ack.count - 3))
    #expect(Self.select([Self.bip(cut, src: Self.server, dst: Self.client)], criteria: c) == [])
    c.objects = [ObjectSelector(type: .analogInput, instance: 1)]
    #expect(Self.select([Self.bip(cut, src: Self.server, dst: Self.client)], criteria: c) == [0])
  }
}
