import Foundation
import PcapKit
import Testing
@testable import optigo_pcap
import OptigoTestSupport

@Suite(.serialized) struct MergeCommandTests {
  typealias S = FilterMergeSupport

  /// (timestamp ns, length, bytes) of every packet, in file order, and the packet comments.
  func sequence(_ path: String, comments: Bool = true) throws -> [String] {
    var reader = try CaptureReader(path: path)
    var out: [String] = []
    while let p = try reader.nextPacket() {
      out.append("\(p.timestamp.nanosecondsSinceEpoch) \(p.originalLength) \(p.data.hashValue) \(comments ? p.comments : [])")
    }
    return out
  }

  @Test("merging gen_capture --split K outputs reproduces the unsplit stream (byte-identical with merged interfaces)",
        arguments: [
          ["--format", "pcapng", "--packets", "6000", "--seed", "21", "--split", "3", "--extras"],
          ["--format", "pcapng", "--packets", "4000", "--seed", "22", "--split", "5", "--nanos"],
          ["--format", "pcap", "--packets", "4000", "--seed", "23", "--split", "4"],
        ])
  func splitRoundTrip(_ arguments: [String]) throws {
    let dir = try S.scratch("merge-split")
    defer { try? FileManager.default.removeItem(at: dir) }
    let ext = arguments[1]
    guard let whole = try S.generate(dir, name: "w.\(ext)", arguments + ["--also-unsplit"]) else { return }
    let k = Int(arguments[arguments.firstIndex(of: "--split")! + 1])!
    let parts = (0..<k).map { dir.appendingPathComponent("w-\($0).\(ext)").path }
    let out = dir.appendingPathComponent("merged.pcapng").path
    #expect(S.optigo(["merge", "-w", out] + parts) == 0)
    // gen_capture.py writes its synthetic packet comments (--extras) into the unsplit file only.
    #expect(try sequence(out, comments: false) == sequence(whole, comments: false))
    let merged = dir.appendingPathComponent("merged-identical.\(ext)").path
    #expect(S.optigo(["merge", "--merge-identical-interfaces", "-F", ext, "-w", merged] + parts) == 0)
    #expect(try sequence(merged, comments: false) == sequence(whole, comments: false))
    if !arguments.contains("--extras") {
      // Without NRB/ISB blocks the merged file is the unsplit file, byte for byte.
      #expect(FileManager.default.contents(atPath: merged) == FileManager.default.contents(atPath: whole))
    }
    // mergecap agrees on the packet order.
    if let mergecap = tool("mergecap") {
      let theirs = dir.appendingPathComponent("mergecap.pcapng").path
      let r = try S.run(mergecap, ["-w", theirs] + parts)
      #expect(r.status == 0)
      #expect(try sequence(out) == sequence(theirs))
    }
  }

  @Test("merge DIR and anonymize DIR take zstd and lz4 captures (recognised by content) as they take gzip ones")
  func compressedInDirectory() throws {
    let binary = try #require(optigoPcap, "optigo-pcap not built")
    let dir = try S.scratch("merge-compressed")
    let inputDir = dir.appendingPathComponent("in")
    try FileManager.default.createDirectory(at: inputDir, withIntermediateDirectories: true)
    let fixtures = S.packageRoot.appendingPathComponent("Fixtures")
    // Each input and a plain (or gzip, which PcapKit reads itself) file with the same packets.
    let inputs = [("compressed/sample.pcap.zst", "bacnet-ip/sample.pcap"),
                  ("compressed/sample-mstp.pcap.lz4", "bacnet-ip/sample-mstp.pcap"),
                  ("anonymize/bacnet.pcap.gz", "anonymize/bacnet.pcap.gz")]
    var expected = 0
    for (i, (name, plain)) in inputs.enumerated() {
      try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name),
                                       to: inputDir.appendingPathComponent("capture-\(i).bin"))
      expected += try S.packets(fixtures.appendingPathComponent(plain).path).count
    }
    let out = dir.appendingPathComponent("merged.pcapng").path
    let merged = try run(binary, ["merge", "-w", out, inputDir.path])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(try S.packets(out).count == expected && expected > 20)
    // anonymize renames each by what it really is.
    let renamed = try run(binary, ["anonymize", inputDir.path])
    #expect(renamed.status == 0, "\(renamed.stderr)")
    let extensions = try FileManager.default.contentsOfDirectory(atPath: inputDir.path)
      .map { $0.split(separator: ".", maxSplits: 1).last.map(String.init) ?? "" }.sorted()
    #expect(extensions == ["pcap.gz", "pcap.lz4", "pcap.zst"], "\(extensions)")
  }

  @Test("-a concatenates; --time-offset shifts one input")
  func appendAndOffset() throws {
    guard let captures = S.captures else { return }
    let dir = try S.scratch("merge-append")
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = captures.appendingPathComponent("bacnet/bacnet_segmented_data.pcap").path
    let b = captures.appendingPathComponent("bacnet/bacnet_error_reject_abort.pcap").path
    let out = dir.appendingPathComponent("o.pcapng").path
    #expect(S.optigo(["merge", "-a", "-w", out, b, a]) == 0)
    #expect(try sequence(out) == sequence(b) + sequence(a))
    #expect(S.optigo(["merge", "-w", out, a, "--time-offset", "\(a)=-1.5"]) == 0)
    let shifted = try S.packets(out), original = try S.packets(a)
    #expect(shifted.count == original.count)
    #expect(zip(shifted, original).allSatisfy { $0.nanoseconds == $1.nanoseconds - 1_500_000_000 && $0.data == $1.data })
    if let mergecap = tool("mergecap") {
      let theirs = dir.appendingPathComponent("t.pcapng").path
      try S.run(mergecap, ["-a", "-w", theirs, b, a])
      #expect(S.optigo(["merge", "-a", "-w", out, b, a]) == 0)
      #expect(try sequence(out) == sequence(theirs))
    }
  }

  @Test("mixed formats and link types merge into pcapng; -F pcap with two link types fails and leaves no output")
  func mixed() throws {
    guard let captures = S.captures else { return }
    let dir = try S.scratch("merge-mixed")
    defer { try? FileManager.default.removeItem(at: dir) }
    let inputs = ["formats/sll2.pcap", "formats/linktype_ipv4.pcap", "formats/http_head.pcapng.gz", "formats/many_interfaces-1.pcapng"]
      .map { captures.appendingPathComponent($0).path }
    let out = dir.appendingPathComponent("o.pcapng").path
    #expect(S.optigo(["merge", "-w", out] + inputs) == 0)
    let merged = try S.packets(out)
    #expect(merged.count == inputs.map { (try? S.packets($0).count) ?? 0 }.reduce(0, +))
    #expect(Set(merged) == Set(try inputs.flatMap { try S.packets($0) }))
    let bad = dir.appendingPathComponent("o.pcap").path
    #expect(S.optigo(["merge", "-F", "pcap", "-w", bad] + inputs) != 0)
    #expect(!FileManager.default.fileExists(atPath: bad))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["o.pcapng"])
  }

  @Test("-F pcap: a microsecond and a nanosecond input give a nanosecond file with exact timestamps")
  func pcapResolution() throws {
    let dir = try S.scratch("merge-resolution")
    defer { try? FileManager.default.removeItem(at: dir) }
    func write(_ name: String, nanosecond: Bool, _ ns: [Int64]) throws -> String {
      var w = PcapWriter(sink: MemorySink(), nanosecond: nanosecond)
      try w.writeHeader(linkType: .ethernet)
      for t in ns {
        try w.writePacket(timestamp: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: t), data: [UInt8](repeating: 1, count: 60)[...])
      }
      let path = dir.appendingPathComponent(name).path
      try S.writeFile(path, w.sink.bytes)
      return path
    }
    let micro = try write("u.pcap", nanosecond: false, [1000, 5000])
    let nano = try write("n.pcap", nanosecond: true, [1001, 4999])
    let out = dir.appendingPathComponent("o.pcap").path
    #expect(S.optigo(["merge", "-F", "pcap", "-w", out, micro, nano]) == 0)
    #expect(try S.packets(out).map { $0.nanoseconds % 1_000_000_000 } == [1000, 1001, 4999, 5000])
  }

  @Test("usage errors and unsafe outputs are refused")
  func refusals() throws {
    guard let captures = S.captures else { return }
    let a = captures.appendingPathComponent("bacnet/bacnet_segmented_data.pcap").path
    let before = FileManager.default.contents(atPath: a)
    #expect(S.optigo(["merge", "-w", a, a]) == 64)
    #expect(S.optigo(["merge", "-w", "/tmp/x.pcapng", a, "--time-offset", "nope=1"]) == 64)
    #expect(S.optigo(["merge", "-w", "/tmp/x.pcapng", a, "--time-offset", "\(a)=1e3"]) == 64)
    #expect(S.optigo(["merge", "-w", "/tmp/x.pcapng", "-", "-"]) == 64)
    #expect(FileManager.default.contents(atPath: a) == before)
    let dir = try S.scratch("merge-missing")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("o.pcapng").path
    #expect(S.optigo(["merge", "-w", out, a, dir.appendingPathComponent("missing.pcap").path]) == 66)
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
