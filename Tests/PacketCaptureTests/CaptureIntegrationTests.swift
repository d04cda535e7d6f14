import Foundation
import PcapKit
import Testing
import OptigoTestSupport

/// `optigo-pcap capture` on a veth pair between two network namespaces (root; skipped where namespaces are
/// unavailable), against `tcpdump -i` running at the same time with the equivalent expression.
@Suite(.serialized) struct CaptureIntegrationTests {
  static var binary: String? {
    FileManager.default.isExecutableFile(atPath: CaptureTestSupport.binary) ? CaptureTestSupport.binary : nil
  }

  @Test func capturesExactlyTheBACnetFramesByteForByteLikeTcpdump() throws {
    guard let pair = NetworkNamespacePair() else {
      print("skipped: network namespaces unavailable: \(NetworkNamespacePair.unavailableReason)")
      return
    }
    let binary = try #require(Self.binary, "build optigo-pcap first (swift build)")
    let python = try #require(tool("python3"))
    let tcpdump = tool("tcpdump")
    if tcpdump == nil { print("tcpdump not installed: the comparison with tcpdump is skipped") }
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let spool = dir + "/spool"
    let ours = try pair.start(in: pair.b, [binary, "capture", "-i", "vB", "-w", spool, "--add-ports", "5555", "--quiet"])
    #expect(ours.waitForError(containing: "capturing on vB"), "capture did not start: \(ours.stderr)")
    let expression = try #require(
      try CaptureTestSupport.run(binary, ["capture", "--print-filter", "--add-ports", "5555"]).out
        .split(separator: "\n").last.map(String.init))
    var theirs: BackgroundProcess?
    if let tcpdump {
      theirs = try pair.start(in: pair.b, [tcpdump, "-i", "vB", "-U", "-w", dir + "/tcpdump.pcap", expression])
      #expect(theirs!.waitForError(containing: "listening on"), "tcpdump did not start: \(theirs!.stderr)")
    }
    let sent = try pair.run(in: pair.a, [python, CaptureTestSupport.sender, "vA", "--repeat", "2"])
    #expect(sent.status == 0, "\(sent.err)")
    let fixture = try CaptureTestSupport.fixtureFrames()
    let kernelAccepted = fixture.filter { $0.keep || $0.label.hasPrefix("frag") }
    if let theirs {
      // tcpdump writes each packet at once (-U): wait until it has them all, then stop both.
      let end = Date().addingTimeInterval(20)
      while Date() < end, ((try? CaptureTestSupport.packetData(dir + "/tcpdump.pcap").count) ?? 0) < 2 * kernelAccepted.count {
        usleep(50_000)
      }
      theirs.signal(SIGTERM)
      #expect(theirs.wait() == 0)
    }
    usleep(500_000)  // margin on a loaded machine (the capture also drains its ring for 300 ms after SIGTERM)
    ours.signal(SIGTERM)
    #expect(ours.wait() == 0, "\(ours.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: spool).sorted()
    try #require(files.count == 1 && !files[0].hasPrefix("."), "\(files)")
    let path = spool + "/" + files[0]
    #expect(ours.stdout == path + "\n", "the completed file is announced once on stdout")
    let captured = try CaptureTestSupport.packetData(path)
    let kept = fixture.filter(\.keep).map(\.bytes)
    #expect(captured == kept + kept, "every BACnet frame, tags re-inserted, every fragment, nothing else")
    // The file closes with its statistics: the kernel accepted the BACnet frames and every UDP fragment.
    let records = try CaptureTestSupport.records(path)
    guard case .statistics(let isb)? = records.last else {
      Issue.record("no ISB at the end")
      return
    }
    #expect(isb.filterAccepted == UInt64(2 * kernelAccepted.count) && isb.osDropped == 0)
    #expect(isb.userDelivered == UInt64(2 * kept.count))
    if case .interface(let idb) = records[1] {
      #expect(idb.name == "vB" && idb.filterString == expression && idb.timestampResolution == .nanoseconds)
    }
    if tcpdump != nil {
      let reference = try CaptureTestSupport.packetData(dir + "/tcpdump.pcap")
      #expect(reference == kernelAccepted.map(\.bytes) + kernelAccepted.map(\.bytes), "tcpdump saw what the kernel filter passes")
      let keptSet = Set(kept)
      #expect(captured == reference.filter { keptSet.contains($0) }, "byte-identical to tcpdump's BACnet frames")
    }
  }

  @Test func kernelDropsWithATinyRingAreReportedInTheStatistics() throws {
    guard let pair = NetworkNamespacePair() else {
      print("skipped: network namespaces unavailable: \(NetworkNamespacePair.unavailableReason)")
      return
    }
    let binary = try #require(Self.binary)
    let python = try #require(tool("python3"))
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let ours = try pair.start(in: pair.b, [binary, "capture", "-i", "vB", "-w", dir, "--block-size", "4096",
                                           "--blocks", "2", "--quiet", "--announce", "none"])
    #expect(ours.waitForError(containing: "capturing on vB"))
    ours.signal(SIGSTOP)  // the reader is paused: the two 4 KiB blocks fill, the rest is dropped by the kernel
    let count = 2000
    #expect(try pair.run(in: pair.a, [python, CaptureTestSupport.sender, "vA", "--plain", "\(count)"]).status == 0)
    ours.signal(SIGCONT)
    ours.signal(SIGTERM)
    #expect(ours.wait() == 0, "\(ours.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }
    try #require(files.count == 1)
    let path = dir + "/" + files[0]
    let written = try CaptureTestSupport.packetData(path).count
    guard case .statistics(let isb)? = try CaptureTestSupport.records(path).last else {
      Issue.record("no ISB")
      return
    }
    let drops = isb.osDropped ?? 0
    #expect(drops > 0 && written > 0 && written < count)
    #expect(isb.filterAccepted == UInt64(count), "PACKET_STATISTICS tp_packets counts drops too")
    #expect(UInt64(written) + drops == UInt64(count), "every frame is either written or counted as dropped")
    #expect(isb.userDelivered == UInt64(written))
    #expect(ours.stderr.contains("\(drops) dropped by the kernel"))
  }

  @Test func withoutCapNetRawItSaysSoAndExits77() throws {
    guard getuid() == 0, let setpriv = tool("setpriv") else {
      print("skipped: needs root and setpriv to drop CAP_NET_RAW")
      return
    }
    let binary = try #require(Self.binary)
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try CaptureTestSupport.run(setpriv, ["--bounding-set", "-net_raw", "--inh-caps", "-net_raw", binary,
                                                 "capture", "-i", "lo", "-w", dir, "--duration", "1"])
    #expect(r.status == 77)
    #expect(r.err.contains("CAP_NET_RAW") && r.err.contains("setcap"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func listsInterfaces() throws {
    let binary = try #require(Self.binary)
    let r = try CaptureTestSupport.run(binary, ["capture", "--list-interfaces"])
    #expect(r.status == 0)
    #expect(r.out.contains(". lo [EN10MB]") && r.out.contains("127.0.0.1/8"))
  }
}
