import OptigoTestSupport
import Foundation
import PcapKit
import Testing

/// `optigo-pcap capture` end to end on a veth pair between two network namespaces (root; skipped where namespaces
/// are unavailable): rotation by size, clock-aligned interval and packet count with a ring, each completed file
/// announced once; `--summarize` printing a finding while the capture still runs; an interface deleted under the
/// capture ending it with a complete last file and exit status 66.
@Suite(.serialized) struct CaptureCommandLiveTests {
  /// A capture started in the second namespace of a fresh pair, with the sender at hand.
  struct Session {
    let pair: NetworkNamespacePair
    let process: BackgroundProcess
    let spool: String
    let python: String

    /// Sends `arguments` (send_frames.py options) from the first namespace; true when the sender succeeded.
    func send(_ arguments: [String]) throws -> Bool {
      try pair.run(in: pair.a, [python, CaptureTestSupport.sender, "vA"] + arguments).status == 0
    }

    /// The announced paths, one per stdout line.
    var announced: [String] { process.stdout.split(separator: "\n").map(String.init) }

    /// Waits (at most 30 s) until at least `count` files were announced.
    func waitForAnnounced(_ count: Int) -> Bool {
      let end = Date().addingTimeInterval(30)
      while Date() < end, announced.count < count { usleep(20_000) }
      return announced.count >= count
    }

    /// Gives the capture time to take frames already sent out of the ring (blocks retire within 250 ms), then
    /// stops it with SIGTERM; the exit status.
    func stop() -> Int32? {
      usleep(600_000)
      process.signal(SIGTERM)
      return process.wait()
    }
  }

  /// Starts `capture -i vB -w SPOOL --quiet` plus `options`; nil (test skipped) without network namespaces.
  static func start(_ options: [String]) throws -> (Session, cleanup: () -> Void)? {
    guard let pair = NetworkNamespacePair() else {
      print("skipped: network namespaces unavailable: \(NetworkNamespacePair.unavailableReason)")
      return nil
    }
    let binary = try #require(CaptureIntegrationTests.binary, "build optigo-pcap first (swift build)")
    let python = try #require(tool("python3"))
    let dir = try CaptureTestSupport.temporaryDirectory()
    let spool = dir + "/spool"
    let process = try pair.start(in: pair.b, [binary, "capture", "-i", "vB", "-w", spool, "--quiet"] + options)
    #expect(process.waitForError(containing: "capturing on vB"), "capture did not start: \(process.stderr)")
    let session = Session(pair: pair, process: process, spool: spool, python: python)
    return (session, {
      if process.process.isRunning { _ = process.wait(seconds: 0) }
      try? FileManager.default.removeItem(atPath: dir)
    })
  }

  /// The plain frames the sender sends with `--plain count` (the same bytes each time).
  static func plainFrames(_ count: Int) throws -> [[UInt8]] {
    let python = try #require(tool("python3"))
    let r = try CaptureTestSupport.run(python, [CaptureTestSupport.sender, "-", "--plain", "\(count)", "--list"])
    return r.out.split(separator: "\n").compactMap { line -> [UInt8]? in
      guard let hex = line.split(separator: " ").last else { return nil }
      let h = Array(hex.utf8)
      return stride(from: 0, to: h.count - 1, by: 2).compactMap {
        UInt8(String(decoding: h[$0...($0 + 1)], as: UTF8.self), radix: 16)
      }
    }
  }

  /// Checks a completed file: it reads to the end, its last block is an ISB (pcapng); its packets.
  static func completeFile(_ path: String) throws -> [Packet] {
    let records = try CaptureTestSupport.records(path)
    guard case .statistics? = records.last else {
      Issue.record("\(path) does not end with its Interface Statistics Block")
      return []
    }
    var reader = try CaptureReader(path: path)
    var packets: [Packet] = []
    while let p = try reader.nextPacket() { packets.append(p) }
    return packets
  }

  @Test func sizeRotationNeverExceedsTheLimitAndAnnouncesEachFileOnce() throws {
    guard let (s, cleanup) = try Self.start(["--rotate-size", "4K"]) else { return }
    defer { cleanup() }
    let count = 200
    #expect(try s.send(["--plain", "\(count)"]))
    #expect(s.stop() == 0, "\(s.process.stderr)")
    let announced = s.announced
    #expect(Set(announced).count == announced.count, "each file announced once")
    let inSpool = try FileManager.default.contentsOfDirectory(atPath: s.spool).sorted().map { s.spool + "/" + $0 }
    #expect(inSpool == announced.sorted(), "exactly the announced files are in the spool, no temporary left")
    #expect(announced.count >= 5, "200 frames of 112 bytes in 4 KiB files: \(announced)")
    var all: [[UInt8]] = []
    for (i, path) in announced.enumerated() {
      let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
      let packets = try Self.completeFile(path)
      all += packets.map { Array($0.data) }
      #expect(size <= 4096, "\(path): \(size) bytes, over the 4 KiB limit")
      let record = 32 + (packets.first.map { ($0.data.count + 3) & ~3 } ?? 0) + 12  // EPB + epb_flags
      if i < announced.count - 1 {
        #expect(size + record > 4096, "\(path) was closed before it was full (\(size) bytes)")
      }
    }
    #expect(all == (try Self.plainFrames(count)), "every frame in exactly one file, in order")
  }

  @Test func intervalRotationStartsFilesOnTheClockBoundary() throws {
    guard let (s, cleanup) = try Self.start(["--rotate-interval", "2"]) else { return }
    defer { cleanup() }
    // Bursts of 5 frames 0.8 s apart: 7 bursts span at least two 2-second boundaries.
    for _ in 0..<7 {
      #expect(try s.send(["--plain", "5"]))
      usleep(800_000)
    }
    #expect(s.stop() == 0, "\(s.process.stderr)")
    let announced = s.announced
    #expect(Set(announced).count == announced.count)
    #expect(announced.count >= 3, "\(announced)")
    let names = DateFormatter()
    names.locale = Locale(identifier: "en_US_POSIX")
    names.timeZone = TimeZone(identifier: "UTC")
    names.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    var total = 0
    var previousStart: Int64?
    for (i, path) in announced.enumerated() {
      let name = (path as NSString).lastPathComponent
      let parts = name.split(separator: "-")
      try #require(parts.count == 3, "\(name)")
      let opened = Int64(try #require(names.date(from: String(parts[1])), "\(name)").timeIntervalSince1970)
      if i > 0 {
        #expect(opened % 2 == 0, "\(name) does not start on a 2-second boundary")
        if let previousStart { #expect(opened > previousStart) }
      }
      previousStart = opened
      let packets = try Self.completeFile(path)
      total += packets.count
      for p in packets {
        let t = Int64(p.timestamp.seconds)
        // The first file runs from the start to the first boundary; every later one from its boundary to the next.
        #expect(t < (opened / 2 + 1) * 2 && (i == 0 || t >= opened), "\(name): frame at \(t)")
      }
    }
    #expect(total == 35, "every frame in exactly one file")
  }

  @Test func packetRotationWithARingKeepsTheLastFilesNamedByContent() throws {
    guard let (s, cleanup) = try Self.start(["--rotate-packets", "25", "--ring", "3", "--name-by-content"]) else { return }
    defer { cleanup() }
    #expect(try s.send(["--plain", "100"]))
    // Files 1–3 close when frames 26, 51 and 76 arrive; the fourth (frames 76–100) when the capture stops.
    #expect(s.waitForAnnounced(3), "\(s.process.stderr)")
    #expect(s.stop() == 0, "\(s.process.stderr)")
    let announced = s.announced
    #expect(announced.count == 4 && Set(announced).count == 4, "\(announced)")
    let inSpool = try FileManager.default.contentsOfDirectory(atPath: s.spool).sorted().map { s.spool + "/" + $0 }
    #expect(inSpool == Array(announced.suffix(3)).sorted(), "the ring keeps the last 3 files")
    let sha256sum = tool("sha256sum")
    var all: [[UInt8]] = []
    for path in announced.suffix(3) {
      if let sha256sum {
        let sum = try CaptureTestSupport.run(sha256sum, [path]).out.prefix(64)
        #expect(path == s.spool + "/" + sum + ".pcapng", "named by the SHA-256 of its bytes")
      }
      let packets = try Self.completeFile(path)
      #expect(packets.count == 25)
      all += packets.map { Array($0.data) }
    }
    #expect(all == Array((try Self.plainFrames(100)).suffix(75)))
  }

  @Test func summarizePrintsAWhoIsStormWhileCapturing() throws {
    guard let (s, cleanup) = try Self.start(["--summarize"]) else { return }
    defer { cleanup() }
    #expect(try s.send(["--who-is", "30"]))
    // Findings are printed every 5 s while capturing: the storm must show before the capture is stopped.
    #expect(s.process.waitForError(containing: "discovery.who_is_storm", seconds: 30), "\(s.process.stderr)")
    #expect(s.process.process.isRunning, "the finding came while the capture was running")
    let line = s.process.stderr.split(separator: "\n").first { $0.contains("discovery.who_is_storm") } ?? ""
    #expect(line.hasPrefix("optigo-pcap capture: finding: warn discovery.who_is_storm: Who-Is storm: 30 Who-Is"), "\(line)")
    #expect(s.stop() == 0, "\(s.process.stderr)")
    let announced = s.announced
    try #require(announced.count == 1)
    #expect(try Self.completeFile(announced[0]).count == 30)
    let findings = s.process.stderr.components(separatedBy: "discovery.who_is_storm").count - 1
    #expect(findings == 1, "a finding is printed once, not at every report: \(s.process.stderr)")
  }

  @Test func aDeletedInterfaceEndsTheCaptureWithACompleteLastFile() throws {
    guard let (s, cleanup) = try Self.start([]) else { return }
    defer { cleanup() }
    #expect(try s.send(["--plain", "40"]))
    usleep(1_000_000)  // the frames' block retires (250 ms) and is written
    let ip = try #require(NetworkNamespacePair.ip)
    // Deleting an interface takes it down first (ENETDOWN on the socket while it still exists), then removes it:
    // taking it down alone, a while before, must not end the capture, and must not hide the removal that follows.
    #expect(try CaptureTestSupport.run(ip, ["-n", s.pair.b, "link", "set", "vB", "down"]).status == 0)
    usleep(700_000)
    #expect(s.process.process.isRunning, "an interface only taken down does not end the capture: \(s.process.stderr)")
    #expect(try CaptureTestSupport.run(ip, ["-n", s.pair.b, "link", "del", "vB"]).status == 0)
    let status = s.process.wait(seconds: 20)
    #expect(status == 66, "ends by itself with 66 (input gone): \(String(describing: status)) \(s.process.stderr)")
    #expect(s.process.stderr.contains("optigo-pcap capture: interface vB was removed; the capture ends"), "\(s.process.stderr)")
    let announced = s.announced
    try #require(announced.count == 1, "\(s.process.stdout)")
    let packets = try Self.completeFile(announced[0])
    #expect(packets.map { Array($0.data) } == (try Self.plainFrames(40)))
    guard case .statistics(let isb)? = try CaptureTestSupport.records(announced[0]).last else { return }
    #expect(isb.userDelivered == 40 && isb.filterAccepted == 40 && isb.osDropped == 0)
  }
}
