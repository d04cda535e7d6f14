import Foundation
import PcapKit
import Testing
@testable import optigo_pcap
import OptigoTestSupport

@Suite(.serialized) struct FilterCommandTests {
  typealias S = FilterMergeSupport
  static let vlanExpression = "udp portrange 47808-47823 or (vlan and udp portrange 47808-47823)"

  /// tcpdump's kept packets for `input` (nanosecond output), or nil when tcpdump is absent or refuses the file.
  func tcpdumpKeeps(_ input: String, in dir: URL, expression: String = vlanExpression) throws -> [S.PacketSummary]? {
    guard let tcpdump = tool("tcpdump") else { return nil }
    var source = input
    if input.hasSuffix(".gz") {
      guard let gzip = tool("gzip") else { return nil }
      let r = try S.run(gzip, ["-dc", input])
      source = dir.appendingPathComponent("unzipped").path
      try r.out.write(to: URL(fileURLWithPath: source))
    }
    let out = dir.appendingPathComponent("tcpdump.pcap").path
    // As root, tcpdump would switch to its own user before creating the output (in a folder it cannot write).
    let keepUser = getuid() == 0 ? ["-Z", "root"] : []
    let r = try S.run(tcpdump, keepUser + ["--time-stamp-precision=nano", "-r", source, "-w", out, expression])
    guard r.status == 0 else { return nil }
    return try S.packets(out)
  }

  @Test("on every shared capture, filter keeps exactly what tcpdump keeps (bytes and timestamps)")
  func sharedCaptures() throws {
    guard let captures = S.captures, tool("tcpdump") != nil else { return }
    let dir = try S.scratch("filter-shared")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = FileManager.default.enumerator(atPath: captures.path)!.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".gz") }.sorted()
    #expect(files.count > 20)
    var compared = 0
    for (index, file) in files.enumerated() {
      let input = captures.appendingPathComponent(file).path
      let output = dir.appendingPathComponent("ours-\(index).out").path
      let status = S.optigo(["filter", input, "-w", output])
      guard let expected = try tcpdumpKeeps(input, in: dir) else {
        // tcpdump refused the file: ours must fail cleanly or succeed, and never leave a partial output.
        if status != 0 { #expect(!FileManager.default.fileExists(atPath: output), "\(file)") }
        continue
      }
      #expect(status == 0, "\(file): exit \(status)")
      guard status == 0 else { continue }
      let ours = try S.packets(output)
      #expect(ours == expected, "\(file): ours \(ours.count) packets, tcpdump \(expected.count)")
      compared += 1
    }
    #expect(compared >= 20)
  }

  @Test("classic pcap input gives a byte-identical file to tcpdump's on the BACnet traces")
  func byteIdentical() throws {
    guard let captures = S.captures, let tcpdump = tool("tcpdump") else { return }
    let dir = try S.scratch("filter-identical")
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["bacnet_example.pcap", "bacnet_services.pcap"] {
      let input = captures.appendingPathComponent("bacnet/" + name).path
      let ours = dir.appendingPathComponent("ours.pcap").path, theirs = dir.appendingPathComponent("theirs.pcap").path
      #expect(S.optigo(["filter", input, "-w", ours]) == 0)
      try S.run(tcpdump, (getuid() == 0 ? ["-Z", "root"] : []) + ["-r", input, "-w", theirs, Self.vlanExpression])
      #expect(FileManager.default.contents(atPath: ours) == FileManager.default.contents(atPath: theirs), "\(name)")
    }
  }

  @Test("generated workloads: same packets as tcpdump's VLAN-aware expression; plain expression misses the VLAN ones",
        arguments: [
          ["--format", "pcap", "--packets", "6000", "--seed", "11"],
          ["--format", "pcap", "--packets", "4000", "--seed", "12", "--nanos", "--big-endian"],
          ["--format", "pcapng", "--packets", "5000", "--seed", "13", "--extras", "--interfaces", "3", "--mixed-tsresol"],
          ["--format", "pcapng", "--packets", "3000", "--seed", "14", "--snaplen", "64", "--big-endian"],
        ])
  func generated(_ arguments: [String]) throws {
    let dir = try S.scratch("filter-gen")
    defer { try? FileManager.default.removeItem(at: dir) }
    guard let input = try S.generate(dir, name: "in.cap", arguments + ["--manifest", dir.appendingPathComponent("m.json").path]),
      tool("tcpdump") != nil
    else { return }
    let expected = try #require(try tcpdumpKeeps(input, in: dir), "tcpdump could not filter the generated capture")
    let output = dir.appendingPathComponent("out.cap").path
    #expect(S.optigo(["filter", input, "-w", output]) == 0)
    let ours = try S.packets(output)
    #expect(ours == expected)
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("m.json"))) as! [String: Any]
    let counts = manifest["bacnet_port_packets"] as? Int ?? (manifest["counts"] as? [String: Any])?["bacnet_port_packets"] as? Int
    if let counts { #expect(ours.count == counts) }
    if let plain = try tcpdumpKeeps(input, in: dir, expression: "udp portrange 47808-47823"),
      let vlan = manifest["bacnet_port_packets_vlan"] as? Int
    {
      #expect(ours.count == plain.count + vlan)
    }
    // Non-packet blocks (NRB, ISB, interfaces) all survive; packet comments travel with their packets.
    var inputKinds = try S.recordKinds(input), outputKinds = try S.recordKinds(output)
    inputKinds["packet"] = nil
    outputKinds["packet"] = nil
    #expect(inputKinds == outputKinds)
  }

  @Test("VLAN stacks (QinQ) and IP fragments, which tcpdump's expression misses, are kept")
  func vlanAndFragments() throws {
    let dir = try S.scratch("filter-frag")
    defer { try? FileManager.default.removeItem(at: dir) }
    let frames = FilterFixtureFrames.all
    var sink = MemorySink()
    var w = PcapWriter(sink: sink)
    try w.writeHeader(linkType: .ethernet)
    for (i, f) in frames.enumerated() {
      try w.writePacket(timestamp: CaptureTimestamp(seconds: 1_700_000_000 + Int64(i), nanoseconds: 0), data: f.bytes[...])
    }
    sink = w.sink
    let input = dir.appendingPathComponent("in.pcap").path
    try S.writeFile(input, sink.bytes)
    let output = dir.appendingPathComponent("out.pcap").path
    #expect(S.optigo(["filter", input, "-w", output]) == 0)
    let kept = try S.packets(output).map(\.data)
    #expect(kept == frames.filter(\.keep).map(\.bytes))
    if let theirs = try tcpdumpKeeps(input, in: dir) {
      #expect(theirs.count < kept.count)  // the QinQ frame and the later fragments
    }
    // The same input with --keep-non-ip also keeps the ARP and LLC frames.
    #expect(S.optigo(["filter", input, "-w", output, "--keep-non-ip"]) == 0)
    #expect(try S.packets(output).count == frames.filter { $0.keep || $0.nonIP }.count)
  }

  @Test("--ports, --add-ports and --proto select other traffic")
  func portOptions() throws {
    guard let captures = S.captures else { return }
    let dir = try S.scratch("filter-ports")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = captures.appendingPathComponent("formats/tcp-handshake-nano.pcap").path
    let all = try S.packets(input)
    let out = dir.appendingPathComponent("o.pcap").path
    #expect(S.optigo(["filter", input, "-w", out]) == 0)
    #expect(try S.packets(out).isEmpty)
    #expect(S.optigo(["filter", input, "-w", out, "--ports", "1-65535", "--proto", "tcp"]) == 0)
    #expect(try S.packets(out) == all)
    #expect(S.optigo(["filter", input, "-w", out, "--add-ports", "1-65535", "--proto", "any"]) == 0)
    #expect(try S.packets(out) == all)
  }

  @Test("-F converts: pcap to pcapng and back keeps every packet and timestamp")
  func conversion() throws {
    guard let captures = S.captures else { return }
    let dir = try S.scratch("filter-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = captures.appendingPathComponent("bacnet/bacnet_example.pcap").path
    let ng = dir.appendingPathComponent("o.pcapng").path, back = dir.appendingPathComponent("o.pcap").path
    #expect(S.optigo(["filter", input, "-w", ng, "-F", "pcapng"]) == 0)
    #expect(S.optigo(["filter", "-r", ng, "-w", back, "-F", "pcap"]) == 0)
    let original = try S.packets(input)
    #expect(try S.packets(ng) == original)
    #expect(try S.packets(back) == original)
    var r = try CaptureReader(path: ng)
    #expect(r.format == .pcapng)
    r = try CaptureReader(path: back)
    if case .pcap = r.format {} else { Issue.record("not pcap: \(r.format)") }
  }

  @Test("bad arguments are usage errors: port lists, output equal to input, both -r and an argument")
  func usage() throws {
    guard let captures = S.captures else { return }
    let input = captures.appendingPathComponent("bacnet/bacnet_segmented_data.pcap").path
    let before = FileManager.default.contents(atPath: input)
    for ports in ["70000", "5-3", ""] {
      #expect(S.optigo(["filter", input, "-w", "/tmp/never-\(UUID())", "--ports", ports]) == 64)
    }
    #expect(S.optigo(["filter", input, "-w", "/tmp/x", "--proto", "sctp"]) == 64)
    #expect(S.optigo(["filter", input, "-r", input, "-w", "/tmp/x"]) == 64)
    #expect(S.optigo(["filter", input, "-w", input]) == 64)
    #expect(FileManager.default.contents(atPath: input) == before)
  }

  @Test("damaged or unreadable input: non-zero exit and the target is untouched")
  func damaged() throws {
    guard let captures = S.captures else { return }
    let dir = try S.scratch("filter-damaged")
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = try Data(contentsOf: captures.appendingPathComponent("bacnet/bacnet_example.pcap"))
    let cut = dir.appendingPathComponent("cut.pcap").path
    try good.prefix(good.count / 2 + 7).write(to: URL(fileURLWithPath: cut))
    let target = dir.appendingPathComponent("target.pcap").path
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: target))
    #expect(S.optigo(["filter", cut, "-w", target]) == 65)
    #expect(FileManager.default.contents(atPath: target) == Data([1, 2, 3]))
    #expect(S.optigo(["filter", dir.appendingPathComponent("missing.pcap").path, "-w", target]) == 66)
    #expect(S.optigo(["filter", target, "-w", dir.appendingPathComponent("t2").path]) == 66)  // not a capture
    #expect(S.optigo(["filter", cut, "-w", dir.appendingPathComponent("no/such/dir/out.pcap").path]) == 73)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["cut.pcap", "target.pcap"])
  }

  @Test("pipes: - reads standard input and writes standard output; the account goes to standard error")
  func pipes() throws {
    let binary = S.packageRoot.appendingPathComponent(".build/debug/optigo-pcap").path
    guard let captures = S.captures, FileManager.default.isExecutableFile(atPath: binary) else { return }
    let input = captures.appendingPathComponent("bacnet/bacnet_services.pcap").path
    let dir = try S.scratch("filter-pipe")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try S.run(binary, ["filter", "-", "-w", "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
    #expect(r.status == 0)
    let piped = dir.appendingPathComponent("piped.pcap").path
    try r.out.write(to: URL(fileURLWithPath: piped))
    let direct = dir.appendingPathComponent("direct.pcap").path
    #expect(S.optigo(["filter", input, "-w", direct]) == 0)
    #expect(FileManager.default.contents(atPath: direct) == r.out)
    #expect(r.err.contains("read 7158, kept 7049 (port 7049), dropped 109 (llc 109)"), "\(r.err)")  // BACnet/Ethernet frames
  }
}

/// Hand-made Ethernet frames for the VLAN and fragment cases, with the expected verdicts.
enum FilterFixtureFrames {
  struct Frame {
    var bytes: [UInt8]
    var keep: Bool
    var nonIP = false
  }

  static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

  static func ipv4(id: Int, flags: Int, payload: [UInt8], proto: UInt8 = 17) -> [UInt8] {
    [0x45, 0] + be16(20 + payload.count) + be16(id) + be16(flags) + [64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2] + payload
  }

  static func udp(_ sp: Int, _ dp: Int, _ n: Int) -> [UInt8] {
    be16(sp) + be16(dp) + be16(8 + n) + [0, 0] + [UInt8](repeating: 0x81, count: n)
  }

  static func ethernet(_ type: Int, _ payload: [UInt8], tags: [Int] = []) -> [UInt8] {
    var f: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0x1B, 0x4F, 0, 0, 1]
    for (i, t) in tags.enumerated() { f += be16(i == 0 && tags.count > 1 ? 0x88A8 : 0x8100) + be16(t) }
    f += be16(type) + payload
    return f + [UInt8](repeating: 0, count: max(0, 60 - f.count))
  }

  static let all: [Frame] = [
    Frame(bytes: ethernet(0x0800, ipv4(id: 1, flags: 0, payload: udp(47808, 47808, 10))), keep: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 2, flags: 0, payload: udp(47808, 47808, 10)), tags: [100, 200]), keep: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 3, flags: 0, payload: udp(53, 53, 10)), tags: [100]), keep: false),
    // A fragmented BACnet datagram: first, middle, last.
    Frame(bytes: ethernet(0x0800, ipv4(id: 4, flags: 0x2000, payload: udp(47808, 47809, 1472))), keep: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 4, flags: 0x2000 | 185, payload: [UInt8](repeating: 1, count: 1480))), keep: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 4, flags: 370, payload: [UInt8](repeating: 2, count: 100))), keep: true),
    // A datagram whose last fragment arrives before its first (kept), and a non-BACnet fragmented one (dropped).
    Frame(bytes: ethernet(0x0800, ipv4(id: 5, flags: 185, payload: [UInt8](repeating: 3, count: 50))), keep: true),
    Frame(bytes: ethernet(0x0806, [UInt8](repeating: 0, count: 28)), keep: false, nonIP: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 5, flags: 0x2000, payload: udp(47820, 60000, 1472))), keep: true),
    Frame(bytes: ethernet(0x0800, ipv4(id: 6, flags: 0x2000, payload: udp(53, 53, 1472))), keep: false),
    Frame(bytes: ethernet(0x0800, ipv4(id: 6, flags: 185, payload: [UInt8](repeating: 4, count: 50))), keep: false),
    Frame(bytes: ethernet(8, [0x82, 0x82, 0x03, 0x01, 0x00, 0x10, 0x08, 0x00]), keep: false, nonIP: true),
  ]
}
