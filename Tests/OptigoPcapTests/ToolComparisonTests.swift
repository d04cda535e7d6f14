import Foundation
import Testing
import OptigoTestSupport

/// `optigo-pcap list --json` and `info --json` against tshark and capinfos on every shared capture.
@Suite struct ToolComparisonTests {
  /// Exact values where tshark/capinfos 4.0 print something else: `timestamp_invalid_nano.pcap` has ns fields
  /// of 1 000 000 000 and 2 147 483 648, which they print unnormalised ("1418145370.1000000000",
  /// "-1418145370.2147483648"); the exact instants are seconds + fraction.
  static let exactTimes: [String: [Int64]] = [
    "timestamp_invalid_nano.pcap": [1_418_145_369_999_999_999, 1_418_145_371_000_000_000, 1_418_145_372_147_483_648]
  ]

  @Test("list --json agrees with tshark on every packet", arguments: allSharedCaptures)
  func listAgreesWithTshark(_ url: URL) throws {
    guard let tshark = tool("tshark") else {
      print("note: tshark not installed; comparison skipped")
      return
    }
    let exe = try #require(optigoPcap, "optigo-pcap not built")
    let t = try run(tshark, ["-r", url.path, "-T", "fields", "-e", "frame.number", "-e", "frame.interface_id",
                             "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len"])
    let ours = try run(exe, ["list", "--json", url.path])
    guard t.status == 0 else {
      // tshark refuses it: so must we, as unreadable (exit 66), with the offset on stderr.
      #expect(ours.status == 66, "\(url.lastPathComponent): \(ours.stderr)")
      #expect(ours.stderr.contains(" at byte "))
      return
    }
    #expect(ours.status == 0, "\(url.lastPathComponent): \(ours.stderr)")
    let packets = try jsonLines(ours.stdout)
    let isPcapNG = url.path.contains(".pcapng")
    // tshark 4.0 also shows pcapng custom blocks as frames (no interface, no time): not packets.
    let rows = t.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
      .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    let packetRows = rows.filter { !(isPcapNG && $0[1].isEmpty && $0[2].isEmpty) }
    try #require(packets.count == packetRows.count, "\(url.lastPathComponent): \(packets.count) vs tshark \(packetRows.count)")
    let exact = Self.exactTimes[url.lastPathComponent]
    for (k, (p, row)) in zip(packets, packetRows).enumerated() {
      let name = "\(url.lastPathComponent) frame \(k + 1)"
      #expect(p["frame"] as? Int == k + 1, "\(name)")
      #expect(p["interface_id"] as? Int == (row[1].isEmpty ? 0 : Int(row[1])), "\(name)")
      #expect(p["cap_len"] as? Int == Int(row[3]), "\(name)")
      #expect(p["orig_len"] as? Int == Int(row[4]), "\(name)")
      let ns = (p["time_ns"] as? NSNumber)?.int64Value
      if let exact {
        #expect(ns == exact[k], "\(name): exact value (tshark prints \(row[2]))")
      } else if row[2].isEmpty {
        #expect(p["time_ns"] is NSNull, "\(name): tshark shows no time (Simple Packet Block)")
      } else {
        let digits = row[2].split(separator: ".").last.map(\.count) ?? 0
        #expect(ns.map { epoch($0, digits: digits) } == row[2], "\(name)")
      }
    }
  }

  @Test("info --json agrees with capinfos on counts, sizes and times", arguments: allSharedCaptures)
  func infoAgreesWithCapinfos(_ url: URL) throws {
    guard let capinfos = tool("capinfos") else {
      print("note: capinfos not installed; comparison skipped")
      return
    }
    let exe = try #require(optigoPcap, "optigo-pcap not built")
    let c = try run(capinfos, ["-T", "-M", "-r", "-c", "-d", "-u", "-a", "-e", "-S", url.path])
    let ours = try run(exe, ["info", "--json", url.path])
    guard c.status == 0, let line = c.stdout.split(separator: "\n").first else {
      #expect(ours.status == 66, "\(url.lastPathComponent): \(ours.stderr)")
      return
    }
    #expect(ours.status == 0, "\(url.lastPathComponent): \(ours.stderr)")
    let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    let info = try #require(try jsonLines(ours.stdout).first)
    let name = url.lastPathComponent
    #expect(info["packets"] as? Int == Int(cols[1]), "\(name)")
    #expect(info["data_size"] as? Int == Int(cols[2]), "\(name)")
    if cols[3] == "n/a" {
      // capinfos gives no times when the file has no packets or any packet without a timestamp (SPB).
      #expect(info["packets"] as? Int == 0 || (info["untimed_packets"] as? Int ?? 0) > 0, "\(name)")
      return
    }
    let first = try #require((info["first_time_ns"] as? NSNumber)?.int64Value)
    let last = try #require((info["last_time_ns"] as? NSNumber)?.int64Value)
    let duration = try #require((info["duration_ns"] as? NSNumber)?.int64Value)
    if name == "timestamp_invalid_nano.pcap" {
      // capinfos prints "1418145370.-2147483648" for the last time; the exact values:
      #expect(first == 1_418_145_369_999_999_999 && last == 1_418_145_372_147_483_648)
      return
    }
    let digits = cols[4].split(separator: ".").last.map(\.count) ?? 0
    #expect(epoch(duration, digits: digits) == cols[3], "\(name)")
    #expect(epoch(first, digits: digits) == cols[4], "\(name)")
    #expect(epoch(last, digits: digits) == cols[5], "\(name)")
  }

  @Test("list reads standard input and gzip; exit 65 on a truncated file, 66 on a missing one")
  func exitStatuses() throws {
    let exe = try #require(optigoPcap, "optigo-pcap not built")
    let gz = sharedCaptures.appendingPathComponent("formats/http_head.pcapng.gz")
    guard FileManager.default.fileExists(atPath: gz.path) else { return }
    let viaStdin = try run(exe, ["list", "--json", "-"], stdin: gz)
    let viaPath = try run(exe, ["list", "--json", gz.path])
    let listed = try jsonLines(viaPath.stdout).count
    #expect(viaStdin.status == 0 && viaStdin.stdout == viaPath.stdout && listed == 10)

    let src = sharedCaptures.appendingPathComponent("bacnet/bacnet_segmented_data.pcap")
    let bytes = try Data(contentsOf: src)
    let cut = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-cut-\(getpid()).pcap")
    try bytes.prefix(bytes.count - 10).write(to: cut)
    defer { try? FileManager.default.removeItem(at: cut) }
    let r = try run(exe, ["list", "--json", cut.path])
    #expect(r.status == 65)
    let partial = try jsonLines(r.stdout).count
    #expect(partial == 19)
    #expect(r.stderr.contains("truncated at byte "))
    let info = try run(exe, ["info", cut.path])
    #expect(info.status == 65 && info.stdout.contains("Number of packets:   19"))

    let missing = try run(exe, ["list", "/nonexistent/x.pcap"])
    #expect(missing.status == 66 && missing.stderr.contains("io-error"))
  }
}
