import Foundation
import Testing

@testable import CaptureArchive
import PcapKit
import OptigoTestSupport

/// Everything about a capture's packets that must survive a scrub.
struct PacketSummary: Equatable {
  var interfaceID: Int
  var linkType: UInt16
  var timestamp: String
  var originalLength: Int
  var data: [UInt8]
}

/// Reader options with a small buffer (the default 4 MiB chunk is costly when a test opens thousands of readers).
let smallBuffers: ReaderOptions = {
  var o = ReaderOptions()
  o.chunkSize = 4096
  return o
}()

func packetSummaries(_ bytes: [UInt8]) throws -> [PacketSummary] {
  var reader = try CaptureReader(bytes: bytes, options: smallBuffers)
  var result: [PacketSummary] = []
  while let p = try reader.nextPacket() {
    result.append(
      PacketSummary(
        interfaceID: p.interfaceID, linkType: p.linkType.rawValue, timestamp: "\(p.timestamp)",
        originalLength: p.originalLength, data: Array(p.data)))
  }
  return result
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
  guard !needle.isEmpty, haystack.count >= needle.count else { return false }
  return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

let tsharkPath = "/usr/bin/tshark"
let hasTshark = FileManager.default.isExecutableFile(atPath: tsharkPath)

/// tshark's view of the packets: epoch time, addresses, length, protocol summary and a hex dump of every frame
/// that has an interface (custom blocks, which tshark lists as frames without one, are left out), with the frame
/// numbers removed (they count those custom blocks).
func tsharkPackets(_ path: String) throws -> String {
  let result = try ArchiveTestSupport.run(tsharkPath, ["-r", path, "-Y", "frame.interface_id", "-t", "e", "-P", "-x"])
  return result.output.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
    let trimmed = line.drop { $0 == " " }
    guard line.first == " ", let space = trimmed.firstIndex(of: " ") else { return line }
    return trimmed[space...]
  }.joined(separator: "\n")
}

/// The files the scrub is compared on: the fixture and the pcapng conformance suite (when present).
let scrubComparisonFiles: [String] = {
  var files = [ArchiveTestSupport.fixtures.appendingPathComponent("metadata.pcapng").path]
  let conformance = ArchiveTestSupport.packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/captures/conformance")
  let names = (try? FileManager.default.contentsOfDirectory(atPath: conformance.path)) ?? []
  files += names.filter { $0.hasSuffix(".pcapng") }.sorted().map { conformance.appendingPathComponent($0).path }
  return files
}()

/// The subset compared with tshark (each comparison starts tshark twice): the fixture and the conformance
/// suite's "advanced" and "difficult" files, which hold every block and option kind; all files when
/// OPTIGO_FULL_TESTS is set.
let tsharkComparisonFiles: [String] = {
  if ProcessInfo.processInfo.environment["OPTIGO_FULL_TESTS"] != nil { return scrubComparisonFiles }
  return scrubComparisonFiles.filter {
    $0.hasSuffix("metadata.pcapng") || $0.contains("advanced") || $0.contains("difficult")
  }
}()

@Suite("Archive: --scrub-metadata")
struct ArchiveScrubTests {
  @Test("every descriptive-text carrier of the fixture is removed and reported; packets and timestamps are unchanged")
  func fixtureScrub() throws {
    let input = try ArchiveTestSupport.fixture("metadata.pcapng")
    var reader = try CaptureReader(bytes: input)
    var sink = MemorySink()
    let report = try MetadataScrubber.scrub(&reader, into: &sink)
    #expect(
      report.removedOptions == [
        "opt_comment": 5, "shb_hardware": 1, "shb_os": 2, "shb_userappl": 1, "custom option": 1, "if_name": 2,
        "if_description": 1, "if_os": 1, "if_hardware": 1, "if_filter": 1,
      ])
    #expect(report.removedBlocks == ["NRB": 1, "DSB": 1, "CB": 1, "DCB": 1])
    #expect(report.packets == 4)
    let output = sink.bytes
    for word in ["ACME", "acme", "COMMENT", "HOST-", "SECRET", "CUSTOM", "udp port", "AHU3"] {
      #expect(!contains(output, Array(word.utf8)), "\(word) survived")
    }
    for text in report.removedText where text.utf8.count >= 4 {
      #expect(!contains(output, Array(text.utf8)), "\(text) survived")
    }
    #expect(try packetSummaries(output) == packetSummaries(input))
    // numeric interface options survive: tsresol and MAC of interface 0
    var check = try CaptureReader(bytes: output)
    while let record = try check.next() {
      if case .interface(let i) = record, i.id == 0, i.raw.byteOrder == .little {
        #expect(i.macAddress.map(Array.init) == [0x00, 0x1B, 0x4F, 0x00, 0x00, 0x01])
        #expect(i.options.first(.ifTimestampResolution) != nil)
        #expect(i.name == nil && i.interfaceDescription == nil)
      }
      if case .section(let s) = record {
        #expect(s.sectionLength == -1 && s.options.isEmpty)
      }
    }
    // scrubbing again removes nothing and changes nothing
    var again = try CaptureReader(bytes: output)
    var sink2 = MemorySink()
    #expect(try MetadataScrubber.scrub(&again, into: &sink2).isEmpty)
    #expect(sink2.bytes == output)
  }

  @Test("a capture without metadata passes through byte-identical")
  func plainPassThrough() throws {
    let input = try ArchiveTestSupport.fixture("bacnet.pcapng")
    var reader = try CaptureReader(bytes: input)
    var sink = MemorySink()
    #expect(try MetadataScrubber.scrub(&reader, into: &sink).isEmpty)
    #expect(sink.bytes == input)
  }

  @Test(
    "after a scrub the reader sees the same packets (bytes, timestamps); no removed text remains",
    arguments: scrubComparisonFiles)
  func readerAgrees(path: String) throws {
    let input = try ArchiveTestSupport.read(path)
    guard var reader = try? CaptureReader(bytes: input) else { return }  // not readable: nothing to compare
    var sink = MemorySink()
    guard let report = try? MetadataScrubber.scrub(&reader, into: &sink) else { return }
    #expect(try packetSummaries(sink.bytes) == packetSummaries(input))
    for text in report.removedText where text.utf8.count >= 6 {
      #expect(!contains(sink.bytes, Array(text.utf8)), "\(text)")
    }
    if report.isEmpty { #expect(sink.bytes == input) }
  }

  @Test(
    "tshark shows the same packets (times, bytes) after a scrub", .enabled(if: hasTshark),
    arguments: tsharkComparisonFiles)
  func tsharkAgrees(path: String) throws {
    let input = try ArchiveTestSupport.read(path)
    guard var reader = try? CaptureReader(bytes: input) else { return }
    var sink = MemorySink()
    guard let report = try? MetadataScrubber.scrub(&reader, into: &sink), !report.isEmpty else { return }
    let dir = try ArchiveTestSupport.makeDirectory()
    defer { ArchiveTestSupport.remove(dir) }
    let out = (dir as NSString).appendingPathComponent("scrubbed.pcapng")
    try ArchiveTestSupport.write(sink.bytes, to: out)
    let before = try tsharkPackets(path)
    #expect(try tsharkPackets(out) == before)
  }

  @Test("every truncation of the fixture either scrubs or fails with a CaptureError, never traps")
  func truncations() throws {
    let input = try ArchiveTestSupport.fixture("metadata.pcapng")
    for n in 0..<input.count {
      var sink = MemorySink()
      do {
        var reader = try CaptureReader(bytes: Array(input[..<n]), options: smallBuffers)
        _ = try MetadataScrubber.scrub(&reader, into: &sink)
      } catch {
        #expect(error.offset != nil || error.code == .truncated || error.code == .badMagic)
      }
    }
  }

  @Test("the engine names a scrubbed capture by its new content, writes it via a temporary file, removes the original")
  func engineScrub() throws {
    let s = try Scratch(files: ["metadata.pcapng", "bacnet.pcapng", "bacnet.pcap", "bacnet.pcapng.gz"])
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(naming: .content, scrubMetadata: true), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.completed == 4 && summary.failed == 0)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    // metadata.pcapng and the .gz were rewritten; the plain ones were renamed unchanged
    #expect(after.values.contains(s.original["bacnet.pcap"]!) && after.values.contains(s.original["bacnet.pcapng"]!))
    #expect(!after.values.contains(s.original["metadata.pcapng"]!))
    for (name, bytes) in after {
      #expect(name.hasPrefix(TestDigest.hex(bytes)))
      #expect(!contains(bytes, Array("ACME".utf8)) && !contains(bytes, Array("bacnet.pcap".utf8)))
    }
    let gzName = try #require(after.first { $0.key.hasSuffix(".pcapng.gz") }?.key)
    let gz = after[gzName]!
    #expect(gz[3] == 0 && gz[4...7].allSatisfy { $0 == 0 })  // no name, comment or time in the gzip header
    var reader = try CaptureReader(bytes: gz)
    var count = 0
    while try reader.nextPacket() != nil { count += 1 }
    #expect(count == 3)
    let scrubbed = log.events.compactMap { if case .scrubbed(let p, let r) = $0 { (p, r) } else { nil } }
    #expect(Set(scrubbed.map(\.0)) == [s.path("metadata.pcapng"), s.path("bacnet.pcapng.gz")])
    let intents = try ArchiveJournal.read(at: s.map, fileSystem: PosixFileSystem()).filter { $0.op == .intent }
    #expect(intents.filter { $0.scrubbed == true }.allSatisfy { $0.method == .copy && $0.source != $0.digest })
  }

  @Test(
    "killed at each step of a scrub with --copy, then resumed or undone: same result as an uninterrupted run",
    arguments: [ArchiveStep.intentRecorded, .copying, .copied, .renamed, .completed])
  func scrubCrash(step: ArchiveStep) throws {
    let clean = try Scratch(files: ["metadata.pcapng", "bacnet.pcapng.gz"])
    let config = ArchiveConfiguration(naming: .content, keepOriginals: true, scrubMetadata: true)
    var reference = CaptureArchiver.testing(config, log: EventLog())
    _ = try reference.run(inputs: [clean.inputs], journalPath: nil)
    let expected = try ArchiveTestSupport.snapshot(clean.inputs)

    for undo in [false, true] {
      let s = try Scratch(files: ["metadata.pcapng", "bacnet.pcapng.gz"])
      let crash = CrashAt(step, n: 1)
      var engine = CaptureArchiver.testing(config, hook: crash.hook, log: EventLog())
      #expect(throws: ArchiveError.self) { try engine.run(inputs: [s.inputs], journalPath: s.map) }
      var recovery = ArchiveRecovery.testing(log: EventLog())
      if undo {
        #expect(try recovery.undo(journalAt: s.map).failed == 0)
        #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
      } else {
        #expect(try recovery.resume(journalAt: s.map).failed == 0)
        #expect(try ArchiveTestSupport.snapshot(s.inputs) == expected)
      }
    }
  }

  @Test("a damaged pcapng is not renamed when it cannot be scrubbed: clear error with the offset, file untouched")
  func damagedInput() throws {
    let s = try Scratch(files: [])
    var bytes = try ArchiveTestSupport.fixture("metadata.pcapng")
    bytes[164 + 4] = 0xFF  // the IDB's length field (the SHB is 164 bytes)
    try ArchiveTestSupport.write(bytes, to: s.path("site.pcapng"))
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(scrubMetadata: true), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: nil)
    #expect(summary.failed == 1 && !summary.outputFailed)
    #expect(log.failed.first?.1.code == .damagedCapture)
    #expect(log.failed.first?.1.offset == 168)  // the reader points at the IDB's length field
    #expect(try ArchiveTestSupport.read(s.path("site.pcapng")) == bytes)
  }
}
