import BACnetAnalysis
import BACnetDecode
import Foundation
import PacketCapture
import PcapKit
import Testing

/// A temporary directory removed at the end of the test.
final class TemporaryDirectory {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "mstp-pty-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Discards announcements.
final class SilentAnnouncer: CaptureFileAnnouncer {
  func announce(_ file: CompletedCaptureFile) throws(CaptureError) {}
  func finish() {}
}

/// Every packet of every completed file, in order: octets, timestamp (ns), and the kind its marking names.
func capturedRecords(_ files: [CompletedCaptureFile]) throws -> [(bytes: [UInt8], ns: Int128, kind: MSTPRecordKind, link: LinkType)] {
  var out: [(bytes: [UInt8], ns: Int128, kind: MSTPRecordKind, link: LinkType)] = []
  for f in files.sorted(by: { $0.sequence < $1.sequence }) {
    var r = try CaptureReader(path: f.path)
    while let p = try r.nextPacket() {
      let kind = p.comments.first.flatMap { MSTPRecordKind(captureComment: $0) } ?? .frame
      if kind != .frame { #expect(p.flags == kind.captureFlags, "flags and comment agree") }
      out.append((Array(p.data), p.timestamp.nanosecondsSinceEpoch, kind, p.linkType))
    }
  }
  return out
}

/// Runs a capture of the pty's slave into a spool while `feed` writes the master side; the capture ends when
/// the master hangs up (as an unplugged adapter would).
func capture(_ line: PtyLine, source: MSTPSerialSource, format: SpoolConfiguration.Format = .pcapng,
             feed: @escaping @Sendable () -> Void) throws -> (files: [CompletedCaptureFile], end: CaptureEnd) {
  let dir = TemporaryDirectory()
  let spool = try CaptureSpool(configuration: SpoolConfiguration(directory: dir.path, format: format),
                               interfaces: [source.interface], announcer: SilentAnnouncer(), start: SystemClock.now())
  let runner = try CaptureRunner(sources: [source], spool: spool, handleSignals: false)
  let writer = Thread {
    feed()
    line.waitUntilRead()
    PtyLine.sleep(ns: 600_000_000)  // the capture's idle pass closes what is pending
    close(line.master)
  }
  writer.start()
  let end = try runner.run()
  // Keep the files: copy the list before the directory goes.
  let files = spool.completed
  let kept = TemporaryDirectory()
  var moved: [CompletedCaptureFile] = []
  for var f in files {
    let target = kept.path + "/" + (f.path as NSString).lastPathComponent
    try FileManager.default.copyItem(atPath: f.path, toPath: target)
    f.path = target
    moved.append(f)
  }
  keptDirectories.append(kept)
  return (moved, end)
}

nonisolated(unsafe) var keptDirectories: [TemporaryDirectory] = []

@Suite(.serialized, .enabled(if: PtyLine.available, "no pseudo-terminals (/dev/ptmx) on this machine")) struct MSTPPtyCaptureTests {
  @Test func replayedRingIsCapturedByteIdenticalAndMarked() throws {
    let line = try PtyLine()
    let events = MSTPRingGenerator(cycles: 8, truncationSilenceNs: 1_000_000_000, lostTokenSilenceNs: 1_200_000_000).events()
    let (_, expected) = MSTPRingGenerator.flatten(events)
    // T_frame_abort 400 ms: far above a scheduling hiccup of the writer or the reading thread between the pieces
    // of a frame on a loaded machine, below the generator's 1 s truncating silence.
    let source = try MSTPSerialSource(device: line.slaveName, baud: 38400, frameAbortNs: 400_000_000)
    #expect(line.receiverBaud == 38400)
    #expect(!source.lowLatency, "a pty has no ASYNC_LOW_LATENCY setting (TIOCGSERIAL fails)")
    let (files, end) = try capture(line, source: source) { line.replay(events, baud: 38400) }
    #expect(end == .sourcesEnded)
    let got = try capturedRecords(files)
    #expect(got.map { ExpectedRecord(kind: $0.kind, bytes: $0.bytes) } == expected)
    #expect(got.allSatisfy { $0.link == .bacnetMSTP })
    #expect(got.map(\.ns) == got.map(\.ns).sorted(), "timestamps in order")
    // The reading thread saw frames split over reads and several frames in one read.
    #expect(source.reads > 0)
    let c = source.counters
    #expect(c.count(.frame) == expected.filter { $0.kind == .frame }.count)
    #expect(c.count(.badHeaderCRC) == 1 && c.count(.badDataCRC) == 2 && c.count(.truncated) == 1 && c.count(.noise) == 1)
    #expect(c.octets == expected.reduce(0) { $0 + $1.bytes.count })

    // `summarize` of the captured file reports the generator's truth.
    let truth = MSTPRingGenerator.truth(events)
    var reader = try CaptureReader(path: try #require(files.first).path)
    let report = SummaryEngine.summarize(&reader, file: "pty").report
    let mstp = try #require(report.section("mstp"))
    func fact(_ k: String) -> ReportValue? { mstp.facts.first { $0.0 == k }?.1 }
    #expect(fact("frames") == .n(truth.frames))
    #expect(fact("header_crc_errors") == .n(truth.headerCRCErrors))
    #expect(fact("lost_tokens") == .n(truth.lostTokens))
    #expect(truth.lostTokens == 1)
    #expect(fact("token_order") == .ints(truth.tokenOrder))
    #expect(fact("pfm_without_reply") == .n(truth.pfmWithoutReply))
    #expect(truth.pfmWithoutReply == 7, "8 polls; the one answered by a damaged frame is not judged")
    let table = try #require(mstp.tables.first { $0.key == "stations" })
    let cols = table.columns
    var seen: Set<Int> = []
    for row in table.rows {
      guard case .int(let mac) = row[0] else { Issue.record("no MAC"); continue }
      seen.insert(Int(mac))
      let counts = try #require(truth.perStation[Int(mac)], "station \(mac) is not in the ring")
      for (i, name) in ["token", "poll_for_master", "reply_to_pfm", "test_request", "test_response", "data_expecting_reply",
                        "data_not_expecting_reply", "reply_postponed", "extended_der", "extended_dner", "other"].enumerated() {
        let idx = try #require(cols.firstIndex(of: name))
        #expect(row[idx] == .n(counts[i]), "station \(mac) \(name)")
      }
      let de = try #require(cols.firstIndex(of: "data_crc_errors")), ke = try #require(cols.firstIndex(of: "crc32k_errors"))
      #expect(row[de] == .n(truth.dataCRCErrors[Int(mac)] ?? 0), "station \(mac) data CRC errors")
      #expect(row[ke] == .n(truth.crc32KErrors[Int(mac)] ?? 0), "station \(mac) CRC-32K errors")
    }
    #expect(seen == Set(truth.perStation.keys))
    let crcFinding = try #require(report.finding("mstp.crc_errors"))
    #expect(crcFinding.status == .fail)
    #expect(report.finding("mstp.lost_token")?.status == .fail)

    // tshark decodes link type 165 with no malformed frame other than the deliberately bad records.
    if let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: tshark)
      p.arguments = ["-n", "-r", files[0].path, "-T", "fields", "-e", "frame.number", "-e", "_ws.malformed", "-e", "_ws.expert.message", "-e", "frame.protocols"]
      let out = Pipe()
      p.standardOutput = out
      p.standardError = Pipe()
      try p.run()
      let data = out.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
      #expect(lines.count == got.count)
      var problems: [String] = []
      for (i, l) in lines.enumerated() where i < got.count {
        let fields = l.split(separator: "\t", omittingEmptySubsequences: false)
        let malformed = fields.count > 1 && !fields[1].isEmpty
        let protocols = fields.count > 3 ? String(fields[3]) : ""
        if got[i].kind == .frame {
          if malformed { problems.append("frame \(i + 1) malformed: \(l)") }
          #expect(protocols.contains("mstp"), "frame \(i + 1) is decoded as MS/TP: \(protocols)")
        }
      }
      #expect(problems.isEmpty, "\(problems)")
    } else {
      print("tshark not installed: skipping the tshark decode of the MS/TP capture")
    }
  }

  @Test func classicPcapIsRawFramesLinkType165() throws {
    let line = try PtyLine()
    let events = MSTPRingGenerator(cycles: 2).events()
    let (_, expected) = MSTPRingGenerator.flatten(events)
    let source = try MSTPSerialSource(device: line.slaveName, baud: 76800, frameAbortNs: 400_000_000)
    #expect(line.receiverBaud == 76800, "termios2 BOTHER sets 76800 on a pty")
    let (files, _) = try capture(line, source: source, format: .pcap) { line.replay(events, baud: 76800) }
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try #require(files.first).path)))
    // Header: snap length 65535, link type 165 (mstpcap's layout; nanosecond magic).
    #expect(bytes.count > 24)
    #expect(Array(bytes[16..<20]) == [0xFF, 0xFF, 0, 0] && Array(bytes[20..<24]) == [165, 0, 0, 0])
    let got = try capturedRecords(files)
    #expect(got.map(\.bytes) == expected.map(\.bytes))
  }
}
