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
}
