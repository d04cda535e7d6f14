import Testing
@testable import PcapKit

@Suite struct PortSetTests {
  @Test("the BACnet default is exactly 47808-47823")
  func bacnetDefault() {
    let s = PortSet.bacnet
    #expect(s.count == 16)
    #expect(s.contains(47808) && s.contains(47823))
    #expect(!s.contains(47807) && !s.contains(47824))
    #expect(s.description == "47808-47823")
  }

  @Test("parsing lists and ranges", arguments: [
    ("47808-47823,1234", "1234,47808-47823", 17),
    (" 1 , 3-4,2 ", "1-4", 4),
    ("0,65535", "0,65535", 2),
    ("0-65535", "0-65535", 65536),
    ("7-7", "7", 1),
  ])
  func parsing(_ text: String, _ expected: String, _ count: Int) throws {
    let s = try PortSet(parsing: text)
    #expect(s.description == expected)
    #expect(s.count == count)
  }

  @Test("bad lists are rejected with a clear message and the item's position in the text", arguments: [
    ("70000", "above 65535", 0),
    ("5-3", "reversed", 0),
    ("", "empty", 0),
    ("1,,2", "empty", 2),
    ("1,", "empty", 2),
    ("80,http", "not a port", 3),
    ("1-", "not a port", 0),
    ("99999999999999999999", "above 65535", 0),
    ("-5", "not a port", 0),
    ("1-2-3", "not a port", 0),
  ])
  func rejects(_ text: String, _ phrase: String, _ offset: Int) {
    let e = #expect(throws: PortSet.ParseError.self) { try PortSet(parsing: text) }
    #expect(e?.message.contains(phrase) == true, "\(e?.message ?? "")")
    #expect(e?.position == offset)
    #expect(e?.description.hasSuffix("(at character \(offset))") == true)
  }

  @Test("union and insert")
  func union() throws {
    var s = PortSet.bacnet
    s.formUnion(try PortSet(parsing: "4000-4010"))
    s.insert(80)
    #expect(s.description == "80,4000-4010,47808-47823")
    #expect(PortSet().isEmpty && !s.isEmpty)
    #expect(PortSet([1...2]).union(PortSet([3...3])) == PortSet([1...3]))
  }

  @Test("membership agrees with a plain Set on every port")
  func membership() throws {
    let s = try PortSet(parsing: "0,63-64,127-129,1000-1063,65472-65535")
    var plain = Set<Int>([0, 63, 64, 127, 128, 129])
    plain.formUnion(1000...1063)
    plain.formUnion(65472...65535)
    for p in 0...65535 { #expect(s.contains(UInt16(p)) == plain.contains(p)) }
    #expect(s.matches(source: 5, destination: 64) && !s.matches(source: 5, destination: 65))
  }

  @Test("transport selection")
  func transport() {
    #expect(TransportSelection("UDP") == .udp && TransportSelection("tcp") == .tcp && TransportSelection("any") == .any)
    #expect(TransportSelection("sctp") == nil)
    #expect(TransportSelection.udp.accepts(.udp) && !TransportSelection.udp.accepts(.tcp))
    #expect(TransportSelection.any.accepts(.tcp) && !TransportSelection.any.accepts(.other))
  }
}
