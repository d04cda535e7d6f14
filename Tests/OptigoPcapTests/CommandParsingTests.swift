import Testing

@testable import optigo_pcap

@Suite struct CommandParsingTests {
  @Test("list and info parse files and --json; both need at least one file")
  func parsing() throws {
    let list = try #require(try OptigoPcap.parseAsRoot(["list", "--json", "a.pcap", "-"]) as? List)
    #expect(list.files == ["a.pcap", "-"] && list.json)
    let info = try #require(try OptigoPcap.parseAsRoot(["info", "b.pcapng"]) as? Info)
    #expect(info.files == ["b.pcapng"] && !info.json)
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["list"]) }
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["info", "--bogus", "x"]) }
  }

  @Test("JSON lines escape strings and keep key order")
  func jsonLine() {
    var j = JSONLine()
    j.add("frame", 1)
    j.add("name", "a\"b\\c\n\u{1}é")
    j.add("ok", true)
    j.addNull("time_ns")
    j.add("tags", ["x", "y"])
    #expect(j.finish() == #"{"frame":1,"name":"a\"b\\c\n\u0001é","ok":true,"time_ns":null,"tags":["x","y"]}"#)
  }
}
