import Foundation
import PcapKit
import Testing

@testable import optigo_pcap
import OptigoTestSupport

/// tcpdump and tshark habits: `-r FILE` for every reading command, `list -c N`, a trailing port expression for
/// `filter` (and a useful refusal of any other), the closest subcommand for a mistyped one; and `repair` keeping a
/// packet cut short by the end of the input.
@Suite("Command habits")
struct CommandHabitTests {
  static let sample = FilterMergeSupport.packageRoot.appendingPathComponent("Fixtures/bacnet-ip/sample.pcap").path

  @Test("-r FILE is accepted by list, info, summarize, filter, merge and repair")
  func readOption() throws {
    #expect(try #require(try OptigoPcap.parseAsRoot(["list", "-r", "a.pcap"]) as? List).files == ["a.pcap"])
    #expect(try #require(try OptigoPcap.parseAsRoot(["info", "-r", "a.pcap", "b.pcap"]) as? Info).files == ["b.pcap", "a.pcap"])
    #expect(try #require(try OptigoPcap.parseAsRoot(["summarize", "-r", "a.pcap"]) as? Summarize).files == ["a.pcap"])
    #expect(try #require(try OptigoPcap.parseAsRoot(["filter", "-r", "a.pcap", "-w", "o"]) as? Filter).inputPath == "a.pcap")
    #expect(try #require(try OptigoPcap.parseAsRoot(["repair", "-r", "a.pcap", "-w", "o"]) as? Repair).input == "a.pcap")
    #expect(try #require(try OptigoPcap.parseAsRoot(["merge", "-w", "o", "-r", "a.pcap", "-r", "b.pcap"]) as? Merge).readFiles == ["a.pcap", "b.pcap"])
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["repair", "x", "-r", "y", "-w", "o"]) }
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["list"]) }
  }

  @Test("list -c N prints the first N packets over all files")
  func listCount() throws {
    let all = try ListBACnetSupport.list([Self.sample]).split(separator: "\n")
    let three = try ListBACnetSupport.list(["-c", "3", Self.sample]).split(separator: "\n")
    #expect(all.count > 3 && three == Array(all.prefix(3)))
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["list", "-c", "0", "a.pcap"]) }
  }

  @Test("filter: a trailing '[udp|tcp] port N [or …]' means --ports (and --proto); anything else says what to write")
  func filterExpression() throws {
    let f = try #require(try OptigoPcap.parseAsRoot(["filter", "-r", "in.pcap", "-w", "o", "udp", "port", "47808"]) as? Filter)
    #expect(f.inputPath == "in.pcap" && f.effectiveTransport == .udp)
    let fPorts = try f.portSet()
    #expect(fPorts == PortSet([47808...47808]))
    let g = try #require(try OptigoPcap.parseAsRoot(["filter", "in.pcap", "-w", "o", "port", "1", "or", "portrange", "5-6"]) as? Filter)
    let gPorts = try g.portSet()
    #expect(g.inputPath == "in.pcap" && g.effectiveTransport == .any && gPorts == PortSet([1...1, 5...6]))
    let stdin = try #require(try OptigoPcap.parseAsRoot(["filter", "-w", "o", "tcp", "port", "80"]) as? Filter)
    #expect(stdin.inputPath == "-" && stdin.effectiveTransport == .tcp)
    for bad in [["host", "10.0.0.1"], ["udp", "port"], ["udp", "port", "70000"], ["udp", "port", "1", "and", "port", "2"],
                ["udp", "port", "1", "or", "tcp", "port", "2"]] {
      do {
        _ = try OptigoPcap.parseAsRoot(["filter", "-r", "in.pcap", "-w", "o"] + bad)
        Issue.record("accepted \(bad)")
      } catch {
        #expect(OptigoPcap.message(for: error).contains("--ports"), "\(bad): \(OptigoPcap.message(for: error))")
      }
    }
    #expect(throws: (any Error).self) { try OptigoPcap.parseAsRoot(["filter", "-r", "i", "-w", "o", "--ports", "1", "udp", "port", "2"]) }
  }

  @Test("a mistyped subcommand names the closest one")
  func suggestion() {
    #expect(SubcommandSuggestion.message(for: "lsit")?.contains("did you mean 'list'") == true)
    #expect(SubcommandSuggestion.message(for: "summary")?.contains("did you mean 'summarize'") == true)
    #expect(SubcommandSuggestion.message(for: "fliter")?.contains("did you mean 'filter'") == true)
    #expect(SubcommandSuggestion.message(for: "xyzzy")?.contains("did you mean") == false)
    #expect(SubcommandSuggestion.message(for: "merge") == nil)
  }

  @Test("repair keeps the packet the end of the input cuts short, truncated, as pcapfix does",
        .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"))
  func repairKeepsCutPacket() throws {
    let dir = try FilterMergeSupport.scratch("cut")
    defer { try? FileManager.default.removeItem(at: dir) }
    let whole = try Data(contentsOf: URL(fileURLWithPath: Self.sample))
    let cut = dir.appendingPathComponent("cut.pcap"), out = dir.appendingPathComponent("out.pcap")
    try whole.prefix(3000).write(to: cut)  // 24 packets whole, the 25th cut 25 bytes into its data
    let r = try run(try #require(optigoPcap), ["repair", cut.path, "-w", out.path])
    #expect(r.status == 65)
    #expect(r.stderr.contains("25 packets kept, 1 of them truncated"), "\(r.stderr)")
    let original = try FilterMergeSupport.packets(Self.sample), repaired = try FilterMergeSupport.packets(out.path)
    #expect(repaired.count == 25 && Array(repaired.prefix(24)) == Array(original.prefix(24)))
    #expect(repaired.last?.data == Array(original[24].data.prefix(25)) && repaired.last?.data.count == 25)
    #expect(repaired.last?.originalLength == original[24].originalLength)
    if let pcapfix = tool("pcapfix") {
      let theirs = dir.appendingPathComponent("pcapfix.pcap")
      _ = try run(pcapfix, ["-o", theirs.path, cut.path])
      #expect(try Data(contentsOf: theirs) == Data(contentsOf: out), "pcapfix writes the same bytes")
    }
  }
}

@Suite("Compressed inputs on the command line")
struct CompressedCommandTests {
  @Test("list and info read zstd and lz4 captures like the plain ones", .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"))
  func listAndInfo() throws {
    let binary = try #require(optigoPcap)
    let fixtures = FilterMergeSupport.packageRoot.appendingPathComponent("Fixtures")
    let plain = try run(binary, ["list", fixtures.appendingPathComponent("bacnet-ip/sample.pcap").path])
    for (name, kind) in [("sample.pcap.zst", "zstd"), ("sample.pcap.lz4", "lz4")] {
      let path = fixtures.appendingPathComponent("compressed/" + name).path
      let listed = try run(binary, ["list", path])
      #expect(listed.status == 0 && listed.stdout == plain.stdout && !plain.stdout.isEmpty)
      let info = try run(binary, ["info", path])
      #expect(info.stdout.contains("pcap (\(kind)-compressed)"), "\(info.stdout)")
    }
  }
}

@Suite("Progress")
struct ProgressTests {
  /// `command` (a shell command line) run with standard error — and standard output unless redirected — on a
  /// pseudo-terminal (script(1)), progress shown from the start; what the terminal received.
  static func onTerminal(_ command: String) throws -> (status: Int32, stdout: String) {
    let r = try run("/usr/bin/script", ["-qec", "OPTIGO_PCAP_PROGRESS_AFTER_MS=0 " + command, "/dev/null"])
    return (r.status, r.stdout)
  }

  /// The packet counts drawn on progress lines (`…, 1,234 packets, …`).
  static func packetCounts(_ text: String) -> [Int] {
    text.split(separator: "\u{1B}[K").compactMap { line in
      guard let range = line.range(of: #"[0-9,]+ packets?,"#, options: .regularExpression) else { return nil }
      return Int(line[range].prefix { $0 != " " }.filter { $0 != "," })
    }
  }

  @Test("progress goes to standard error when it is a terminal (under script(1)), never when it is piped",
        .enabled(if: optigoPcap != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
  func progress() throws {
    let binary = try #require(optigoPcap)
    let dir = try FilterMergeSupport.scratch("progress")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.pcap")
    try Data(InterruptCommandTests.generatedCapture(packets: 40_000)).write(to: input)  // 2.8 MB
    let command = "\(binary) info \(input.path) >/dev/null"
    let terminal = try Self.onTerminal(command)
    #expect(terminal.status == 0)
    #expect(terminal.stdout.contains("in.pcap: ") && terminal.stdout.contains("% of 2.8 MB") && terminal.stdout.contains("MB/s"), "\(terminal.stdout)")
    #expect(terminal.stdout.hasSuffix("\r\u{1B}[K"), "the progress line is erased at the end")
    let piped = try run("/bin/sh", ["-c", "OPTIGO_PCAP_PROGRESS_AFTER_MS=0 " + command])
    #expect(piped.status == 0 && piped.stderr.isEmpty && piped.stdout.isEmpty)
  }

  @Test("filter, merge and list count packets on the progress line; list only when its output is not the terminal",
        .enabled(if: optigoPcap != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
  func packets() throws {
    let binary = try #require(optigoPcap)
    let dir = try FilterMergeSupport.scratch("progress-packets")
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.pcap"), b = dir.appendingPathComponent("b.pcap")
    try Data(InterruptCommandTests.generatedCapture(packets: 40_000)).write(to: a)  // 2.8 MB
    try Data(InterruptCommandTests.generatedCapture(packets: 20_000)).write(to: b)  // 1.4 MB
    let out = dir.appendingPathComponent("out").path
    let commands = [
      ("filter", "a.pcap: ", "\(binary) filter \(a.path) -w \(out)", 40_000),
      ("merge", "merge: ", "\(binary) merge -w \(out) \(a.path) \(b.path)", 60_000),
      ("merge -a", "merge: ", "\(binary) merge -a -w \(out) \(a.path) \(b.path)", 60_000),
      ("list", "a.pcap: ", "\(binary) list \(a.path) >\(out)", 40_000),
    ]
    for (name, label, command, packets) in commands {
      let terminal = try Self.onTerminal(command)
      #expect(terminal.status == 0, "\(name): \(terminal.stdout)")
      #expect(terminal.stdout.hasPrefix("\r\u{1B}[K" + label) && terminal.stdout.contains("% of "), "\(name): \(terminal.stdout)")
      let counts = Self.packetCounts(terminal.stdout)
      // The first line is drawn once the reader has asked for a second chunk: packets have been counted by then.
      #expect(!counts.isEmpty && counts.allSatisfy { $0 > 0 && $0 <= packets }, "\(name): \(counts) in \(terminal.stdout)")
      #expect(counts == counts.sorted(), "\(name): the count only grows")
      let piped = try run("/bin/sh", ["-c", "OPTIGO_PCAP_PROGRESS_AFTER_MS=0 " + command])
      #expect(piped.status == 0 && !piped.stderr.contains("\u{1B}[K") && !piped.stderr.contains(" packets"), "\(name): no progress into a pipe: \(piped.stderr)")
    }
    // list writing to the terminal itself draws no progress among its lines.
    let listed = try Self.onTerminal("\(binary) list \(a.path)")
    #expect(listed.status == 0 && listed.stdout.contains("40000 ") && Self.packetCounts(listed.stdout).isEmpty, "\(listed.stdout.suffix(300))")
  }
}
