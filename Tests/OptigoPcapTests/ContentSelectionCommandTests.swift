import Foundation
import PcapKit
import Testing
@testable import optigo_pcap

/// `filter` and `list` with the BACnet content options: both commands keep the same packets (filter writes them
/// byte for byte, list shows them with their input frame numbers), non-packet records survive, MS/TP captures
/// work without --keep-non-ip, and bad option values are usage errors (exit 64).
@Suite(.serialized) struct ContentSelectionCommandTests {
  typealias S = FilterMergeSupport

  static func fixture(_ relative: String) -> String { S.packageRoot.appendingPathComponent("Fixtures/" + relative).path }

  /// The frame numbers `list` prints with `options`.
  static func listedFrames(_ input: String, _ options: [String]) throws -> [Int] {
    try ListBACnetSupport.list([input] + options).split(separator: "\n").compactMap { line in
      line.split(separator: " ").first.flatMap { Int($0) }
    }
  }

  /// Filters `input` with `options` and checks the output holds exactly the packets `list` shows, in order.
  @discardableResult
  static func agree(_ input: String, _ options: [String], in dir: URL) throws -> [Int] {
    let output = dir.appendingPathComponent("out-\(UUID().uuidString).pcapng").path
    let status = S.optigo(["filter", input, "-w", output] + options)
    #expect(status == 0, "\(options): exit \(status)")
    let frames = try listedFrames(input, options)
    let all = try S.packets(input)
    let kept = try S.packets(output)
    #expect(kept == frames.map { all[$0 - 1] }, "\((input as NSString).lastPathComponent) \(options): filter kept \(kept.count), list shows \(frames)")
    return frames
  }

  @Test("filter writes exactly the packets list shows, for each option and combinations")
  func filterAgreesWithList() throws {
    let dir = try S.scratch("content")
    defer { try? FileManager.default.removeItem(at: dir) }
    let sample = Self.fixture("bacnet-ip/sample.pcap")
    // The ReadProperty of analog-input,1 at frame 7 (invoke 7) and its Error at frame 8.
    #expect(try Self.agree(sample, ["--add-ports", "47900", "--object", "analog-input,1", "--pdu-type", "error"], in: dir) == [7, 8])
    #expect(try Self.agree(sample, ["--add-ports", "47900", "--service", "read-property"], in: dir).count >= 7)
    let both = try Self.agree(sample, ["--add-ports", "47900", "--service", "readProperty", "--service", "who-is"], in: dir)
    let rp = try Self.listedFrames(sample, ["--add-ports", "47900", "--service", "readProperty"])
    let whoIs = try Self.listedFrames(sample, ["--add-ports", "47900", "--service", "who-is"])
    #expect(both == Array(Set(rp + whoIs)).sorted(), "OR within an option")
    try Self.agree(sample, ["--add-ports", "47900", "--network", "5"], in: dir)
    try Self.agree(sample, ["--add-ports", "47900", "--address", "10.20.1.21"], in: dir)
    try Self.agree(sample, ["--add-ports", "47900", "--device", "5010"], in: dir)
    // MS/TP: no --keep-non-ip needed.
    let mstp = Self.fixture("bacnet-ip/sample-mstp.pcap")
    #expect(try Self.agree(mstp, ["--address", "10"], in: dir) == Array(5...14))
    #expect(try !Self.agree(mstp, ["--service", "i-am"], in: dir).isEmpty)
    if let captures = S.captures {
      let services = captures.appendingPathComponent("bacnet/bacnet_services.pcap").path
      try Self.agree(services, ["--device", "29"], in: dir)
      try Self.agree(services, ["--pdu-type", "error", "--network", "3"], in: dir)
    }
  }

  @Test("pcapng: section, interface and other records are kept with the selected packets")
  func pcapngRecords() throws {
    let dir = try S.scratch("content-ng")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = Self.fixture("anonymize/bacnet.pcapng")
    let output = dir.appendingPathComponent("o.pcapng").path
    #expect(S.optigo(["filter", input, "-w", output, "--service", "i-am"]) == 0)
    let before = try S.recordKinds(input), after = try S.recordKinds(output)
    for (kind, n) in before where kind != "packet" { #expect(after[kind] == n, "\(kind)") }
    #expect((after["packet"] ?? 0) < (before["packet"] ?? 0))
  }

  @Test("bad values and combinations are usage errors")
  func usage() throws {
    let dir = try S.scratch("content-usage")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = Self.fixture("bacnet-ip/sample.pcap")
    let output = dir.appendingPathComponent("o.pcap").path
    for bad in [["--service", "nope"], ["--object", "analog-input"], ["--object", "nope,1"], ["--pdu-type", "9"],
                ["--address", "1.2.3"], ["--device", "4194304"], ["--network", "70000"], ["--device", "1", "--keep-non-ip"],
                ["--device", "1", "--proto", "tcp"]] {
      #expect(S.optigo(["filter", input, "-w", output] + bad) == 64, "\(bad)")
      #expect(!FileManager.default.fileExists(atPath: output))
      if bad.count == 2 { #expect(throws: (any Error).self, "list \(bad)") { try List.parse([input] + bad) } }
    }
    #expect(throws: Never.self) { try List.parse([input, "--object", "analogInput,*", "--address", "[fe80::1]:47808"]) }
  }
}
