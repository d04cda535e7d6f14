import Foundation
import Testing

@testable import CaptureArchive
import PcapKit

/// A scratch directory with the fixture captures (and a non-capture), removed at the end.
final class Scratch {
  let root: String
  let inputs: String
  let original: [String: [UInt8]]

  init(base: String = NSTemporaryDirectory(), files: [String] = Scratch.defaultFiles) throws {
    root = try ArchiveTestSupport.makeDirectory(in: base)
    inputs = (root as NSString).appendingPathComponent("in")
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    for name in files {
      try ArchiveTestSupport.write(
        try ArchiveTestSupport.fixture(name), to: (inputs as NSString).appendingPathComponent(name))
    }
    original = try ArchiveTestSupport.snapshot(inputs)
  }

  static let defaultFiles = [
    "bacnet.pcap", "bacnet.pcapng.gz", "bacnet.pcap.gz", "really-pcapng.pcap", "metadata.pcapng", "notes.txt",
  ]
  static let captureCount = 5

  func path(_ name: String) -> String { (inputs as NSString).appendingPathComponent(name) }
  var map: String { (root as NSString).appendingPathComponent("map.jsonl") }

  deinit { ArchiveTestSupport.remove(root) }
}

@Suite("Archive: anonymizing runs")
struct ArchiveEngineTests {
  @Test("random naming in place: every capture renamed, bytes unchanged, extension from content, text skipped")
  func randomInPlace() throws {
    let s = try Scratch()
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.completed == Scratch.captureCount)
    #expect(summary.skipped == 1)
    #expect(summary.failed == 0)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    #expect(ArchiveTestSupport.contents(after) == ArchiveTestSupport.contents(s.original))
    #expect(after["notes.txt"] != nil)
    for (name, bytes) in after where name != "notes.txt" {
      let kind = try #require(
        CaptureFileKind.allKnown.first {
          name.hasSuffix($0.fileExtension) && name.dropLast($0.fileExtension.count).count == 32
        })
      #expect(CaptureFileKind.classify(prefix: bytes[...]) == kind || kind.isGzip)
      #expect(!name.contains("bacnet") && !name.contains("metadata") && !name.contains("really"))
    }
    // the .pcap that is really pcapng now ends in .pcapng
    let really = try ArchiveTestSupport.fixture("really-pcapng.pcap")
    let pcapngNames = after.filter { $0.value == really }.map(\.key)
    #expect(pcapngNames.count == 1 && pcapngNames[0].hasSuffix(".pcapng"))
    #expect(log.skipped.map(\.0) == [s.path("notes.txt")])
  }

  @Test("content naming: the name is the digest, the same content gets the same name, runs are idempotent")
  func contentNaming() throws {
    let s = try Scratch(files: ["bacnet.pcap", "bacnet.pcapng"])
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(naming: .content), log: log)
    #expect(try engine.run(inputs: [s.inputs], journalPath: nil).completed == 2)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    for (name, bytes) in after {
      let kind = CaptureFileKind.classify(prefix: bytes[...])!
      #expect(name == TestDigest.hex(bytes) + kind.fileExtension)
    }
    // a second run finds every file already under its content name
    let log2 = EventLog()
    var again = CaptureArchiver.testing(ArchiveConfiguration(naming: .content), log: log2)
    let summary = try again.run(inputs: [s.inputs], journalPath: nil)
    #expect(summary.completed == 0 && summary.skipped == 2 && summary.failed == 0)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == after)
  }

  @Test("content naming, identical capture already stored: skipped with a message, nothing changes")
  func contentDuplicate() throws {
    let s = try Scratch(files: ["bacnet.pcapng", "really-pcapng.pcap"])  // identical bytes
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(naming: .content), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.completed == 1 && summary.skipped == 1 && summary.failed == 0)
    #expect(log.skipped.last?.1.contains("identical capture is already stored") == true)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    #expect(after.count == 2)  // one renamed, its duplicate left under its old name
    #expect(after["really-pcapng.pcap"] != nil)
  }

  @Test("content collision with a different file: never replaced, clear error, the original stays")
  func contentCollision() throws {
    let s = try Scratch(files: ["bacnet.pcapng"])
    let bytes = try ArchiveTestSupport.fixture("bacnet.pcapng")
    let squatter = s.path(TestDigest.hex(bytes) + ".pcapng")
    try ArchiveTestSupport.write([1, 2, 3, 4], to: squatter)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(naming: .content), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.failed == 1 && summary.outputFailed && summary.completed == 0)
    #expect(log.failed.first?.1.code == .exists)
    #expect(try ArchiveTestSupport.read(squatter) == [1, 2, 3, 4])
    #expect(try ArchiveTestSupport.read(s.path("bacnet.pcapng")) == bytes)
  }

  @Test(
    "each no-replace rename mechanism renames, and refuses to replace an existing name",
    arguments: [PosixFileSystem.RenameStrategy.automatic, .linkThenUnlink, .placeholder])
  func renameStrategies(strategy: PosixFileSystem.RenameStrategy) throws {
    let s = try Scratch(files: ["bacnet.pcap", "bacnet.pcapng"])
    let fs = PosixFileSystem(renameStrategy: strategy)
    try fs.renameWithoutReplacing(s.path("bacnet.pcap"), to: s.path("a.pcap"))
    #expect(try ArchiveTestSupport.read(s.path("a.pcap")) == s.original["bacnet.pcap"])
    #expect(try fs.status(of: s.path("bacnet.pcap")) == nil)
    let e = #expect(throws: ArchiveError.self) {
      try fs.renameWithoutReplacing(s.path("bacnet.pcapng"), to: s.path("a.pcap"))
    }
    #expect(e?.code == .exists)
    #expect(try ArchiveTestSupport.read(s.path("a.pcap")) == s.original["bacnet.pcap"])
    #expect(try ArchiveTestSupport.read(s.path("bacnet.pcapng")) == s.original["bacnet.pcapng"])
  }

  @Test("a gzip capture whose header keeps the original file name gets a notice (without --scrub-metadata)")
  func gzipNameNotice() throws {
    let s = try Scratch(files: ["bacnet.pcap.gz"])
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(dryRun: true), log: log)
    _ = try engine.run(inputs: [s.inputs], journalPath: nil)
    let notices = log.events.compactMap { if case .notice(_, let m) = $0 { m } else { nil } }
    #expect(notices.count == 1 && notices[0].contains("\"bacnet.pcap\""))
  }

  @Test("random collision: a taken name is skipped for a fresh one; never replaced")
  func randomCollision() throws {
    let s = try Scratch(files: ["bacnet.pcap", "metadata.pcapng"])
    // A file already holds the first name the generator will produce.
    let taken = s.path("0100000000000000" + "0000000000000000" + ".pcap")
    try ArchiveTestSupport.write([1, 2, 3], to: taken)
    let generator = ReplayGenerator(words: [1, 0, 1, 0, 2, 0, 3, 0])
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), generator: generator, log: log)
    let summary = try engine.run(inputs: [s.path("bacnet.pcap"), s.path("metadata.pcapng")], journalPath: s.map)
    #expect(summary.completed == 2 && summary.failed == 0)
    #expect(try ArchiveTestSupport.read(taken) == [1, 2, 3])
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    #expect(after["0200000000000000" + "0000000000000000.pcap"] == s.original["bacnet.pcap"])
    #expect(after["0300000000000000" + "0000000000000000.pcapng"] == s.original["metadata.pcapng"])
  }

  @Test("a generator that only repeats a taken name ends in a clear failure, nothing replaced")
  func randomExhausted() throws {
    let s = try Scratch(files: ["bacnet.pcap"])
    let taken = s.path(String(repeating: "0", count: 32) + ".pcap")
    try ArchiveTestSupport.write([9], to: taken)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), generator: ReplayGenerator(words: [0]), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: nil)
    #expect(summary.failed == 1 && summary.completed == 0)
    #expect(try ArchiveTestSupport.read(taken) == [9])
    #expect(try ArchiveTestSupport.read(s.path("bacnet.pcap")) == s.original["bacnet.pcap"])
  }

  @Test("dry run changes nothing, writes no map, creates no output directory", arguments: [false, true])
  func dryRun(toOutput: Bool) throws {
    let s = try Scratch()
    let log = EventLog()
    let out = toOutput ? (s.root as NSString).appendingPathComponent("a/b/c") : nil
    var engine = CaptureArchiver.testing(ArchiveConfiguration(outputDirectory: out, dryRun: true), log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.completed == Scratch.captureCount && summary.failed == 0)
    if let out { #expect(!FileManager.default.fileExists(atPath: (out as NSString).deletingLastPathComponent)) }
    #expect(log.events.filter { if case .planned = $0 { true } else { false } }.count == Scratch.captureCount)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    #expect(!FileManager.default.fileExists(atPath: s.map))
  }

  @Test("--copy to an output directory leaves the originals; the copies keep their bytes")
  func copyToOutput() throws {
    let s = try Scratch()
    let out = (s.root as NSString).appendingPathComponent("out/nested")  // created, parents included
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(keepOriginals: true, outputDirectory: out), log: log)
    #expect(try engine.run(inputs: [s.inputs], journalPath: s.map).completed == Scratch.captureCount)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    let copies = try ArchiveTestSupport.snapshot(out)
    #expect(copies.count == Scratch.captureCount)
    #expect(Set(copies.values) == Set(s.original.filter { $0.key != "notes.txt" }.values))
    #expect(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int == 0o700)
  }

  @Test("move to a directory on another file system: copy, verify, rename, remove the original")
  func moveAcrossFileSystems() throws {
    guard let other = ArchiveTestSupport.otherFileSystem else {
      print("note: no second file system (/dev/shm) here; cross-device move is covered by the EXDEV test")
      return
    }
    let s = try Scratch()
    let out = try ArchiveTestSupport.makeDirectory(in: other)
    defer { ArchiveTestSupport.remove(out) }
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(outputDirectory: out), log: log)
    #expect(try engine.run(inputs: [s.inputs], journalPath: s.map).completed == Scratch.captureCount)
    #expect(try ArchiveTestSupport.snapshot(s.inputs).keys.sorted() == ["notes.txt"])
    let moved = try ArchiveTestSupport.snapshot(out)
    #expect(Set(moved.values) == Set(s.original.filter { $0.key != "notes.txt" }.values))
    let records = try ArchiveJournal.read(at: s.map, fileSystem: PosixFileSystem())
    #expect(records.filter { $0.op == .intent }.allSatisfy { $0.method == .copy && $0.keep == false })
  }

  @Test("a rename that turns out to cross file systems (EXDEV) falls back to the verified copy")
  func crossDeviceFallback() throws {
    let s = try Scratch(files: ["bacnet.pcap"])
    let fs = FaultyFileSystem()
    fs.renameFailure = (s.inputs, 18)  // every rename into the input directory fails with EXDEV
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), fileSystem: fs, log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    // the copy's own final rename goes into the same directory and fails too: nothing is lost or left over
    #expect(summary.failed == 1 && summary.completed == 0)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    let records = try ArchiveJournal.read(at: s.map, fileSystem: PosixFileSystem())
    #expect(records.filter { $0.op == .intent }.map(\.method) == [.rename, .copy])
    #expect(records.filter { $0.op == .failed }.count == 2)
  }

  @Test("symbolic links are never followed, in directories or on the command line")
  func symlinks() throws {
    let s = try Scratch(files: ["bacnet.pcap"])
    let outside = try ArchiveTestSupport.makeDirectory()
    defer { ArchiveTestSupport.remove(outside) }
    let target = (outside as NSString).appendingPathComponent("outside.pcapng")
    try ArchiveTestSupport.write(try ArchiveTestSupport.fixture("bacnet.pcapng"), to: target)
    try FileManager.default.createSymbolicLink(atPath: s.path("link.pcapng"), withDestinationPath: target)
    try FileManager.default.createSymbolicLink(atPath: s.path("linkdir"), withDestinationPath: outside)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(recursive: true), log: log)
    let summary = try engine.run(inputs: [s.inputs, s.path("link.pcapng")], journalPath: nil)
    #expect(summary.completed == 1)
    #expect(summary.skipped == 3)
    #expect(log.skipped.allSatisfy { $0.1.contains("symbolic link") })
    #expect(
      try ArchiveTestSupport.snapshot(outside) == ["outside.pcapng": try ArchiveTestSupport.fixture("bacnet.pcapng")])
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: s.path("link.pcapng")) == target)
  }

  @Test("directories are walked one level unless recursive; a file given twice is handled once")
  func recursion() throws {
    let s = try Scratch(files: ["bacnet.pcap"])
    let sub = s.path("sub/deeper")
    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    try ArchiveTestSupport.write(
      try ArchiveTestSupport.fixture("bacnet.pcapng"), to: (sub as NSString).appendingPathComponent("x.pcapng"))
    let log = EventLog()
    var flat = CaptureArchiver.testing(ArchiveConfiguration(dryRun: true), log: log)
    #expect(try flat.run(inputs: [s.inputs, s.path("bacnet.pcap")], journalPath: nil).completed == 1)
    var deep = CaptureArchiver.testing(ArchiveConfiguration(recursive: true), log: log)
    #expect(try deep.run(inputs: [s.inputs], journalPath: nil).completed == 2)
    #expect(try ArchiveTestSupport.snapshot(sub).keys.first?.count == 32 + 7)
  }

  @Test("the map is created 0600, refuses to overwrite, and each intent is on disk before its rename")
  func journalBeforeRename() throws {
    let s = try Scratch(files: ["bacnet.pcap", "metadata.pcapng"])
    var checks = 0
    let mapPath = s.map
    let hook: ArchiveFaultHook = { (step: ArchiveStep) throws(ArchiveError) in
      guard step == .intentRecorded else { return }
      // the newest line on disk is this file's intent, and its old name still exists
      let lines = (try? String(contentsOfFile: mapPath, encoding: .utf8))?.split(separator: "\n") ?? []
      let last = try? JSONDecoder().decode(JournalRecord.self, from: Data(lines.last.map(String.init)!.utf8))
      if let last, last.op == .intent, let from = last.from, FileManager.default.fileExists(atPath: from),
        !FileManager.default.fileExists(atPath: last.to!)
      {
        checks += 1
      }
    }
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), hook: hook, log: log)
    #expect(try engine.run(inputs: [s.inputs], journalPath: s.map).completed == 2)
    #expect(checks == 2)
    #expect(try FileManager.default.attributesOfItem(atPath: s.map)[.posixPermissions] as? Int == 0o600)
    let records = try ArchiveJournal.read(at: s.map, fileSystem: PosixFileSystem())
    #expect(records.map(\.op) == [.begin, .intent, .done, .intent, .done])
    var again = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
    let e = #expect(throws: ArchiveError.self) { try again.run(inputs: [s.inputs], journalPath: s.map) }
    #expect(e?.code == .journal)
  }

  @Test("a thousand files in one run, then undo restores every one", .timeLimit(.minutes(2)))
  func thousandFiles() throws {
    // tmpfs when there is one: the test is about the engine's bookkeeping, not the disk's fsync speed.
    let s = try Scratch(base: ArchiveTestSupport.otherFileSystem ?? NSTemporaryDirectory(), files: [])
    for i in 0..<1000 {
      try ArchiveTestSupport.write(ArchiveTestSupport.pcap(packets: 1, seed: UInt32(i)), to: s.path("site-\(i).pcap"))
    }
    let before = try ArchiveTestSupport.snapshot(s.inputs)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), chunkSize: 1 << 16, log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.completed == 1000 && summary.failed == 0)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    #expect(after.count == 1000 && after.keys.allSatisfy { !$0.hasPrefix("site-") })
    #expect(ArchiveTestSupport.contents(after) == ArchiveTestSupport.contents(before))
    var recovery = ArchiveRecovery.testing(log: log)
    #expect(try recovery.undo(journalAt: s.map).completed == 1000)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == before)
  }
}

extension CaptureFileKind {
  static let allKnown: [CaptureFileKind] = [.pcapngGzip, .pcapGzip, .pcapng, .pcap]
}
