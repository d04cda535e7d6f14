import Foundation
import Testing

@testable import CaptureArchive
import PcapKit

/// The ways a run moves files, each tested against a crash at every step.
enum TransferScenario: String, CaseIterable, CustomTestStringConvertible {
  /// Rename in place (same directory).
  case renameInPlace
  /// `--copy` into an output directory.
  case copyKeepingOriginals
  /// Move to another file system: /dev/shm when it is one, else a layer that makes in-place renames fail with
  /// EXDEV so the verified copy + unlink path runs.
  case moveAcrossFileSystems

  var testDescription: String { rawValue }

  var steps: [ArchiveStep] {
    switch self {
    case .renameInPlace: [.intentRecorded, .renamed, .completed]
    case .copyKeepingOriginals: [.intentRecorded, .copying, .copied, .renamed, .completed]
    case .moveAcrossFileSystems: [.intentRecorded, .copying, .copied, .renamed, .originalRemoved, .completed]
    }
  }

  static var allCrashes: [(TransferScenario, ArchiveStep)] {
    allCases.flatMap { scenario in scenario.steps.map { (scenario, $0) } }
  }
}

/// One scratch tree plus how to run the scenario on it.
final class ScenarioRun {
  let scratch: Scratch
  let scenario: TransferScenario
  let output: String?
  let fileSystem: any ArchiveFileSystem
  private var cleanup: String?

  init(_ scenario: TransferScenario) throws {
    self.scenario = scenario
    scratch = try Scratch()
    switch scenario {
    case .renameInPlace:
      output = nil
      fileSystem = PosixFileSystem()
    case .copyKeepingOriginals:
      output = (scratch.root as NSString).appendingPathComponent("out")
      fileSystem = PosixFileSystem()
    case .moveAcrossFileSystems:
      if let other = ArchiveTestSupport.otherFileSystem {
        let dir = try ArchiveTestSupport.makeDirectory(in: other)
        cleanup = dir
        output = dir
        fileSystem = PosixFileSystem()
      } else {
        output = nil
        let faulty = FaultyFileSystem()
        faulty.renameFailure = (scratch.inputs, 18)
        faulty.spareTemporaries = true
        fileSystem = faulty
      }
    }
  }

  deinit { if let cleanup { ArchiveTestSupport.remove(cleanup) } }

  var configuration: ArchiveConfiguration {
    ArchiveConfiguration(keepOriginals: scenario == .copyKeepingOriginals, outputDirectory: output)
  }

  /// Every regular file of the input and output directories.
  func state() throws -> [String: [UInt8]] {
    var all = try ArchiveTestSupport.snapshot(scratch.inputs)
    if let output {
      for (k, v) in try ArchiveTestSupport.snapshot(output) { all["out/" + k] = v }
    }
    return all
  }

  /// Checks the state after a completed (or resumed) run.
  func expectCompleted(sourceLocation: SourceLocation = #_sourceLocation) throws {
    let inputs = try ArchiveTestSupport.snapshot(scratch.inputs)
    let captures = scratch.original.filter { $0.key != "notes.txt" }
    let placed = output.map { try? ArchiveTestSupport.snapshot($0) } ?? inputs.filter { $0.key != "notes.txt" }
    let placedFiles = try #require(placed, sourceLocation: sourceLocation)
    #expect(
      ArchiveTestSupport.contents(placedFiles) == ArchiveTestSupport.contents(captures), sourceLocation: sourceLocation)
    #expect(
      placedFiles.keys.allSatisfy { !$0.hasPrefix(".") && $0.split(separator: ".")[0].count == 32 },
      sourceLocation: sourceLocation)
    if scenario == .copyKeepingOriginals {
      #expect(inputs == scratch.original, sourceLocation: sourceLocation)
    } else if output != nil {
      #expect(inputs.keys.sorted() == ["notes.txt"], sourceLocation: sourceLocation)
    }
  }

  /// Checks that everything is back as it was, byte for byte, with no stray files.
  func expectRestored(sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try ArchiveTestSupport.snapshot(scratch.inputs) == scratch.original, sourceLocation: sourceLocation)
    if let output {
      #expect((try? ArchiveTestSupport.snapshot(output)) ?? [:] == [:], sourceLocation: sourceLocation)
    }
  }
}

@Suite("Archive: crash, resume and undo")
struct ArchiveRecoveryTests {
  @Test(
    "killed at each step, then resumed: every capture ends under its new name, bytes identical; undo restores all",
    arguments: TransferScenario.allCrashes)
  func crashThenResume(scenario: TransferScenario, step: ArchiveStep) throws {
    let run = try ScenarioRun(scenario)
    let crash = CrashAt(step, n: 2)  // the second file: the first is done, the rest untouched
    let log = EventLog()
    var engine = CaptureArchiver.testing(run.configuration, fileSystem: run.fileSystem, hook: crash.hook, log: log)
    let e = #expect(throws: ArchiveError.self) {
      try engine.run(inputs: [run.scratch.inputs], journalPath: run.scratch.map)
    }
    #expect(e?.code == .interrupted)
    #expect(crash.fired)
    var recovery = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    let resumed = try recovery.resume(journalAt: run.scratch.map)
    #expect(resumed.failed == 0)
    // the interrupted file (unless its done record was already written) plus the three never reached; the
    // second `copying` step falls inside the first file's copy (64-byte chunks), so then all five are left
    #expect(resumed.completed == (step == .copying ? 5 : step == .completed ? 3 : 4))
    try run.expectCompleted()
    let records = try ArchiveJournal.read(at: run.scratch.map, fileSystem: PosixFileSystem())
    #expect(records.filter { $0.op == .intent }.count == Scratch.captureCount)
    #expect(records.filter { $0.op == .done }.count == Scratch.captureCount)
    // resuming again does nothing
    var again = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    let second = try again.resume(journalAt: run.scratch.map)
    #expect(second.completed == 0 && second.failed == 0)
    try run.expectCompleted()
    var undo = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    let undone = try undo.undo(journalAt: run.scratch.map)
    #expect(undone.failed == 0 && undone.completed == Scratch.captureCount)
    try run.expectRestored()
  }

  @Test(
    "killed at each step, then undone: every file back under its old name, byte-identical",
    arguments: TransferScenario.allCrashes)
  func crashThenUndo(scenario: TransferScenario, step: ArchiveStep) throws {
    let run = try ScenarioRun(scenario)
    let crash = CrashAt(step, n: 2)
    let log = EventLog()
    var engine = CaptureArchiver.testing(run.configuration, fileSystem: run.fileSystem, hook: crash.hook, log: log)
    #expect(throws: ArchiveError.self) { try engine.run(inputs: [run.scratch.inputs], journalPath: run.scratch.map) }
    var undo = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    let undone = try undo.undo(journalAt: run.scratch.map)
    #expect(undone.failed == 0)
    try run.expectRestored()
    // undoing again finds nothing to do
    var again = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    #expect(try again.undo(journalAt: run.scratch.map).completed == 0)
    try run.expectRestored()
  }

  @Test(
    "an undo killed while copying a file back is finished by undoing again", arguments: [ArchiveStep.copying, .renamed])
  func crashDuringUndo(step: ArchiveStep) throws {
    let run = try ScenarioRun(.moveAcrossFileSystems)
    let log = EventLog()
    var engine = CaptureArchiver.testing(run.configuration, fileSystem: run.fileSystem, log: log)
    #expect(
      try engine.run(inputs: [run.scratch.inputs], journalPath: run.scratch.map).completed == Scratch.captureCount)
    let crash = CrashAt(step, n: 2)
    var undo = ArchiveRecovery.testing(fileSystem: run.fileSystem, hook: crash.hook, log: log)
    #expect(throws: ArchiveError.self) { try undo.undo(journalAt: run.scratch.map) }
    #expect(crash.fired)
    var again = ArchiveRecovery.testing(fileSystem: run.fileSystem, log: log)
    #expect(try again.undo(journalAt: run.scratch.map).failed == 0)
    try run.expectRestored()
  }

  @Test("a journal line torn by the crash is dropped; a damaged line is an error with its byte offset")
  func tornAndDamagedJournal() throws {
    let run = try ScenarioRun(.renameInPlace)
    let log = EventLog()
    var engine = CaptureArchiver.testing(run.configuration, hook: CrashAt(.renamed, n: 1).hook, log: log)
    #expect(throws: ArchiveError.self) { try engine.run(inputs: [run.scratch.inputs], journalPath: run.scratch.map) }
    let good = try ArchiveTestSupport.read(run.scratch.map)
    try ArchiveTestSupport.write(good + Array(#"{"op":"done","ru"#.utf8), to: run.scratch.map)
    var recovery = ArchiveRecovery.testing(log: log)
    #expect(try recovery.resume(journalAt: run.scratch.map).completed == Scratch.captureCount)
    let text = try String(contentsOfFile: run.scratch.map, encoding: .utf8)
    #expect(text.hasSuffix("}\n"))
    #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
    // damage the second line
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let offset = lines[0].utf8.count + 1
    lines[1] = "{\"op\": 12}"
    try lines.joined(separator: "\n").write(toFile: run.scratch.map, atomically: false, encoding: .utf8)
    var damaged = ArchiveRecovery.testing(log: log)
    let e = #expect(throws: ArchiveError.self) { try damaged.undo(journalAt: run.scratch.map) }
    #expect(e?.code == .journal)
    #expect(e?.offset == offset)
    // hostile journals never trap: every prefix of a real one, and random bytes
    try ArchiveTestSupport.write(good, to: run.scratch.map)
    for n in stride(from: 0, through: good.count, by: 7) {
      try ArchiveTestSupport.write(Array(good[..<n]), to: run.scratch.map)
      _ = try? ArchiveJournal.read(at: run.scratch.map, fileSystem: PosixFileSystem())
    }
    var rng = SystemRandomNumberGenerator()
    try ArchiveTestSupport.write((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }, to: run.scratch.map)
    #expect(throws: ArchiveError.self) { try ArchiveJournal.read(at: run.scratch.map, fileSystem: PosixFileSystem()) }
  }

  @Test("one journal for several runs (a daemon's), locked against a second user; undo reverses every run")
  func sharedJournal() throws {
    let s = try Scratch()
    let fs = PosixFileSystem()
    let journal = try ArchiveJournal.create(at: s.map, fileSystem: fs)
    let e = #expect(throws: ArchiveError.self) { try ArchiveJournal.open(at: s.map, fileSystem: fs) }
    #expect(e?.code == .journal && e?.message.contains("in use") == true)
    let log = EventLog()
    var first = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
    #expect(try first.run(inputs: [s.path("bacnet.pcap"), s.path("metadata.pcapng")], journal: journal).completed == 2)
    var second = CaptureArchiver.testing(ArchiveConfiguration(naming: .content), log: log)
    #expect(try second.run(inputs: [s.path("bacnet.pcapng.gz")], journal: journal).completed == 1)
    try journal.close()
    let records = try ArchiveJournal.read(at: s.map, fileSystem: fs)
    #expect(Set(records.filter { $0.op == .begin }.map(\.run)).count == 2)
    var undo = ArchiveRecovery.testing(log: log)
    #expect(try undo.undo(journalAt: s.map).completed == 3)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
  }

  @Test("a lock released moments later (a child process forked before the close, not yet exec'd) is waited for")
  func briefLockIsWaitedFor() throws {
    let s = try Scratch(files: [])
    let fs = PosixFileSystem()
    try ArchiveJournal.create(at: s.map, fileSystem: fs).close()
    let held = try fs.openForAppending(s.map)
    try fs.lockExclusively(held)
    let released = Thread {
      Thread.sleep(forTimeInterval: 0.15)
      try? fs.close(held)
    }
    released.start()
    let (journal, records) = try ArchiveJournal.open(at: s.map, fileSystem: fs)
    #expect(records.isEmpty)
    try journal.close()
  }

  @Test(
    "a journal naming one path twice, or paths that are not normal, is refused before anything is touched",
    arguments: [("/d/a.pcap", "/d/a.pcap"), ("/d/a.pcap", "/d/./a.pcap"), ("/d//a.pcap", "/d/b.pcap"), ("d/a", "/d/b")])
  func unsafeJournal(from: String, to: String) throws {
    let s = try Scratch(files: [])
    let lines = [
      #"{"op":"begin","run":"r","version":1}"#,
      #"{"digest":"00","from":"\#(from)","method":"rename","op":"intent","run":"r","seq":1,"size":1,"to":"\#(to)"}"#,
    ]
    try (lines.joined(separator: "\n") + "\n").write(toFile: s.map, atomically: false, encoding: .utf8)
    var recovery = ArchiveRecovery.testing(log: EventLog())
    let e = #expect(throws: ArchiveError.self) { try recovery.undo(journalAt: s.map) }
    #expect(e?.code == .journal)
    #expect(e?.offset == lines[0].utf8.count + 1)
  }

  @Test("undo refuses to overwrite: a new file at an old name is a conflict, and both files are kept")
  func undoConflict() throws {
    let s = try Scratch(files: ["bacnet.pcap"])
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
    #expect(try engine.run(inputs: [s.inputs], journalPath: s.map).completed == 1)
    try ArchiveTestSupport.write([7, 7, 7], to: s.path("bacnet.pcap"))
    var undo = ArchiveRecovery.testing(log: log)
    let summary = try undo.undo(journalAt: s.map)
    #expect(summary.failed == 1)
    #expect(log.failed.last?.1.code == .conflict)
    let after = try ArchiveTestSupport.snapshot(s.inputs)
    #expect(after.count == 2 && after["bacnet.pcap"] == [7, 7, 7])
  }
}

@Suite("Archive: full disks and read-only directories")
struct ArchiveFailureTests {
  @Test("disk full while copying (injected ENOSPC): clear error, no partial file, originals intact, undo clean")
  func injectedFullDisk() throws {
    let s = try Scratch()
    let out = (s.root as NSString).appendingPathComponent("out")
    let fs = FaultyFileSystem()
    fs.writeBudget = 700  // room for the small captures, not for metadata.pcapng (1232 bytes)
    fs.unlimited = [s.map]
    let log = EventLog()
    var engine = CaptureArchiver.testing(
      ArchiveConfiguration(keepOriginals: true, outputDirectory: out), fileSystem: fs, log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.failed >= 1 && summary.outputFailed)
    #expect(log.failed.allSatisfy { $0.1.code == .noSpace })
    #expect(log.failed.contains { $0.0 == s.path("metadata.pcapng") })
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    let placed = try ArchiveTestSupport.snapshot(out)
    #expect(placed.count == summary.completed)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasPrefix(".") })
    var undo = ArchiveRecovery.testing(log: log)
    #expect(try undo.undo(journalAt: s.map).failed == 0)
    #expect(try ArchiveTestSupport.snapshot(out).isEmpty)
  }

  @Test("disk full for real: a 64 KiB tmpfs as output directory (root only; skipped where mount is not allowed)")
  func realFullDisk() throws {
    guard let small = ArchiveTestSupport.mountTmpfs(size: "64k") else {
      print("note: cannot mount a tmpfs here (not root or no permission); the injected ENOSPC test covers this path")
      return
    }
    defer { ArchiveTestSupport.unmount(small) }
    let s = try Scratch(files: [])
    for i in 0..<3 {
      try ArchiveTestSupport.write(
        ArchiveTestSupport.pcap(packets: 400, size: 60, seed: UInt32(i)), to: s.path("big-\(i).pcap"))
    }
    let before = try ArchiveTestSupport.snapshot(s.inputs)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(outputDirectory: small), chunkSize: 4096, log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.failed >= 1 && summary.completed >= 1 && summary.outputFailed)
    #expect(log.failed.allSatisfy { $0.1.code == .noSpace })
    // nothing lost: each capture is either still at its old name or complete at its new one
    let remaining = try ArchiveTestSupport.snapshot(s.inputs)
    let placed = try ArchiveTestSupport.snapshot(small)
    #expect(remaining.count + placed.count == 3)
    #expect(ArchiveTestSupport.contents(remaining.merging(placed) { a, _ in a }) == ArchiveTestSupport.contents(before))
    #expect(try FileManager.default.contentsOfDirectory(atPath: small).allSatisfy { !$0.hasPrefix(".") })
    var undo = ArchiveRecovery.testing(log: log)
    #expect(try undo.undo(journalAt: s.map).failed == 0)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == before)
  }

  @Test("read-only directory (injected EROFS on rename): clear error, files untouched")
  func injectedReadOnly() throws {
    let s = try Scratch()
    let fs = FaultyFileSystem()
    fs.renameFailure = (s.inputs, 30)
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), fileSystem: fs, log: log)
    let summary = try engine.run(inputs: [s.inputs], journalPath: s.map)
    #expect(summary.failed == Scratch.captureCount && summary.completed == 0)
    #expect(log.failed.allSatisfy { $0.1.code == .readOnlyFileSystem && $0.1.errno == 30 })
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    var undo = ArchiveRecovery.testing(log: log)
    #expect(try undo.undo(journalAt: s.map) == ArchiveSummary())
  }

  @Test("read-only directory for real: a read-only tmpfs (root) or a 0555 directory (non-root)")
  func realReadOnly() throws {
    let log = EventLog()
    if ArchiveTestSupport.isRoot {
      guard let dir = ArchiveTestSupport.mountTmpfs(size: "1m") else {
        print("note: cannot mount a tmpfs here; the injected EROFS test covers this path")
        return
      }
      defer { ArchiveTestSupport.unmount(dir) }
      let file = (dir as NSString).appendingPathComponent("site.pcap")
      try ArchiveTestSupport.write(try ArchiveTestSupport.fixture("bacnet.pcap"), to: file)
      guard ArchiveTestSupport.remountReadOnly(dir) else {
        print("note: cannot remount read-only here")
        return
      }
      var engine = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
      let summary = try engine.run(inputs: [dir], journalPath: nil)
      #expect(summary.failed == 1)
      #expect(log.failed.first?.1.code == .readOnlyFileSystem)
      #expect(try ArchiveTestSupport.snapshot(dir) == ["site.pcap": try ArchiveTestSupport.fixture("bacnet.pcap")])
    } else {
      let s = try Scratch(files: ["bacnet.pcap"])
      try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: s.inputs)
      var engine = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
      #expect(try engine.run(inputs: [s.inputs], journalPath: s.map).failed == 1)
      #expect(log.failed.first?.1.code == .permissionDenied)
      #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
    }
  }

  @Test("a map that cannot be written stops the run before any file is touched")
  func unwritableMap() throws {
    let s = try Scratch()
    let log = EventLog()
    var engine = CaptureArchiver.testing(ArchiveConfiguration(), log: log)
    let e = #expect(throws: ArchiveError.self) {
      try engine.run(inputs: [s.inputs], journalPath: "/nonexistent-dir-\(UUID().uuidString)/map.jsonl")
    }
    #expect(e?.code == .notFound)
    #expect(try ArchiveTestSupport.snapshot(s.inputs) == s.original)
  }
}
