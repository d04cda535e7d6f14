import Foundation
import Testing

/// `optigo-pcap repair` as a subprocess: exit statuses, the per-region stderr report, `--json`, atomic output.
@Suite("Hostile repair command")
struct HostileRepairCommandTests {
  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
  static let header: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
  static func record(_ sec: UInt32, _ data: [UInt8]) -> [UInt8] {
    le32(sec) + le32(0) + le32(UInt32(data.count)) + le32(UInt32(data.count)) + data
  }
  static let intact = header + record(1_700_000_000, Array(1...20)) + record(1_700_000_001, Array(21...40))
    + record(1_700_000_002, Array(41...60))

  static func scratch() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("repair-cmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test("intact input: exit 0, byte-identical output", .enabled(if: optigoPcap != nil))
  func intactInput() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.pcap"), output = dir.appendingPathComponent("out.pcap")
    try Data(Self.intact).write(to: input)
    let r = try run(optigoPcap!, ["repair", input.path, "-w", output.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect([UInt8](try Data(contentsOf: output)) == Self.intact)
    #expect(r.stderr.contains("3 packets kept, 0 damaged regions"))
  }

  @Test("damaged input: exit 65, every region on stderr and in --json, the intact packets written", .enabled(if: optigoPcap != nil))
  func damagedInput() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    var bytes = Self.intact
    let second = 24 + 36
    for i in second..<(second + 12) { bytes[i] = 0 }  // zero the second record's header
    bytes += Self.record(1_700_000_003, [1, 2, 3]).prefix(10)  // and cut a fourth record short
    let input = dir.appendingPathComponent("in.pcap"), output = dir.appendingPathComponent("out.pcap")
    try Data(bytes).write(to: input)
    let r = try run(optigoPcap!, ["repair", input.path, "-w", output.path, "--json"])
    #expect(r.status == 65, "\(r.stderr)")
    let lines = r.stderr.split(separator: "\n").filter { $0.contains("skipped") && $0.contains(" at ") }
    #expect(lines.count == 2, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(report["packets_written"] as? Int == 2)
    // Every key is snake_case, like every other JSON the project prints.
    let keys = Set(report.keys).union(((report["regions"] as? [[String: Any]]) ?? []).flatMap(\.keys))
    #expect(keys == ["input", "output", "format", "input_length", "records_written", "packets_written",
                     "truncated_packets", "damaged_regions", "skipped_bytes", "section_header_rebuilt", "regions",
                     "offset", "length", "action", "code", "error_offset", "message"])
    let regions = try #require(report["regions"] as? [[String: Any]])
    #expect(regions.map { $0["offset"] as? Int } == [second, bytes.count - 10])
    #expect(regions.first?["length"] as? Int == 36)
    #expect(regions.last?["code"] as? String == "truncated")
    let out = [UInt8](try Data(contentsOf: output))
    #expect(out == Self.header + Self.record(1_700_000_000, Array(1...20)) + Self.record(1_700_000_002, Array(41...60)))
  }

  @Test("unreadable input: exit 66 and no output; unwritable output: exit 73; usage: exit 64", .enabled(if: optigoPcap != nil))
  func failures() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let junk = dir.appendingPathComponent("junk.bin"), output = dir.appendingPathComponent("out.pcap")
    try Data("definitely not a capture".utf8).write(to: junk)
    var r = try run(optigoPcap!, ["repair", junk.path, "-w", output.path])
    #expect(r.status == 66)
    #expect(!FileManager.default.fileExists(atPath: output.path))
    r = try run(optigoPcap!, ["repair", dir.appendingPathComponent("missing.pcap").path, "-w", output.path])
    #expect(r.status == 66)
    let input = dir.appendingPathComponent("in.pcap")
    try Data(Self.intact).write(to: input)
    r = try run(optigoPcap!, ["repair", input.path, "-w", dir.appendingPathComponent("no/such/dir/out.pcap").path])
    #expect(r.status == 73, "\(r.stderr)")
    r = try run(optigoPcap!, ["repair", input.path, "-w", input.path])
    #expect(r.status == 64, "refuses to overwrite its input: \(r.stderr)")
    #expect([UInt8](try Data(contentsOf: input)) == Self.intact)
    r = try run(optigoPcap!, ["repair", input.path])
    #expect(r.status == 64)
    r = try run(optigoPcap!, ["repair", input.path, "-w", "-", "--json"])
    #expect(r.status == 64)
  }

  @Test("a pcap cut inside its file header: nothing to salvage, exit 66, no output", .enabled(if: optigoPcap != nil))
  func cutInHeader() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.pcap"), output = dir.appendingPathComponent("out.pcap")
    try Data(Self.header.prefix(13)).write(to: input)
    let r = try run(optigoPcap!, ["repair", input.path, "-w", output.path])
    #expect(r.status == 66, "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output.path))
  }
}
