import PcapKit
import _CaptureInternals

/// Finishes (``resume(journalAt:)``) or reverses (``undo(journalAt:)``) a run from its journal.
///
/// Both work from the journal plus what is actually on disk, checked against each intent's recorded size and
/// digest, so they are safe to run again after being interrupted themselves. They never replace a file: when
/// the disk holds something the journal does not explain (say, both the old and the new name hold different
/// bytes), the file is reported as a ``ArchiveError/Code/conflict`` and left as it is.
///
/// What each does per intent (old name = `from`, new name = `to`):
///
/// | method | on disk | resume | undo |
/// |---|---|---|---|
/// | rename | only `from` | rename | nothing to undo |
/// | rename | only `to` | record done | rename back |
/// | rename | both, same inode (link fallback) | remove `from` | remove `to` |
/// | copy | temp left over | remove it, then as below | remove it, then as below |
/// | copy | only `from` | copy again | nothing to undo |
/// | copy | both | (move) remove `from` | remove `to` |
/// | copy | only `to` | record done | copy back, verify, remove `to` |
public struct ArchiveRecovery {
  private let fileSystem: any ArchiveFileSystem
  private let transfer: ArchiveTransfer
  private let onEvent: (ArchiveEvent) -> Void
  private let makeDigest: ContentDigestFactory
  private let chunkSize: Int
  private let faultHook: ArchiveFaultHook?
  private var summary = ArchiveSummary()

  /// Creates a recovery engine.
  ///
  /// - Parameters:
  ///   - digest: the same kind of digest the run used (its hex values are compared).
  ///   - fileSystem: the file system layer.
  ///   - onEvent: receives ``ArchiveEvent/completed(from:to:method:keptOriginal:)`` (resume),
  ///     ``ArchiveEvent/restored(from:to:)`` (undo), skips and failures.
  public init(
    digest: @escaping ContentDigestFactory, fileSystem: any ArchiveFileSystem = PosixFileSystem(),
    onEvent: @escaping (ArchiveEvent) -> Void = { _ in }
  ) {
    self.init(digest: digest, fileSystem: fileSystem, chunkSize: 1 << 20, faultHook: nil, onEvent: onEvent)
  }

  /// Creates a recovery engine with a chunk size and fault hook (tests).
  package init(
    digest: @escaping ContentDigestFactory, fileSystem: any ArchiveFileSystem, chunkSize: Int,
    faultHook: ArchiveFaultHook?, onEvent: @escaping (ArchiveEvent) -> Void
  ) {
    self.fileSystem = fileSystem
    self.makeDigest = digest
    self.chunkSize = chunkSize
    self.faultHook = faultHook
    self.transfer = ArchiveTransfer(
      fileSystem: fileSystem, makeDigest: digest, chunkSize: max(1, chunkSize), hook: faultHook)
    self.onEvent = onEvent
  }

  private struct Entry {
    var intent: JournalRecord
    var done = false
    var failed = false
    var undone = false
  }

  private struct Key: Hashable {
    var run: String
    var seq: Int
  }

  /// The intents of a journal, in order, with what later records say about each.
  private func entries(_ records: [JournalRecord], path: String) throws(ArchiveError) -> [Entry] {
    var list: [Entry] = []
    var index: [Key: Int] = [:]
    for r in records {
      guard let seq = r.seq else { continue }
      let key = Key(run: r.run, seq: seq)
      if r.op == .intent {
        guard index[key] == nil else {
          throw ArchiveError(code: .journal, path: path, message: "two intents for run \(r.run) file \(seq)")
        }
        index[key] = list.count
        list.append(Entry(intent: r))
        continue
      }
      guard let i = index[key] else {
        throw ArchiveError(code: .journal, path: path, message: "a \(r.op.rawValue) record for an unknown file \(seq)")
      }
      switch r.op {
      case .done: list[i].done = true
      case .failed: list[i].failed = true
      case .undone:
        list[i].undone = true
        list[i].done = false
      default: break
      }
    }
    return list
  }

  private mutating func fail(_ path: String, _ error: ArchiveError) {
    summary.failed += 1
    summary.outputFailed = true
    onEvent(.failed(path: path, error: error))
  }

  private func conflict(_ intent: JournalRecord, _ what: String) -> ArchiveError {
    ArchiveError(code: .conflict, path: intent.to, message: what + "; left as it is")
  }

  /// Finishes an interrupted run: completes every change of the journal that has an intent but neither a done
  /// nor a failed record, then carries on with the inputs of the journal's last run (recorded in its `begin`
  /// record), handling every capture there that the journal does not name yet, with that run's settings.
  ///
  /// - Returns: counts; per-file problems are reported through events.
  /// - Throws: when the journal cannot be read or appended to (or, in tests, a simulated crash).
  public mutating func resume(journalAt path: String) throws(ArchiveError) -> ArchiveSummary {
    summary = ArchiveSummary()
    let (journal, records) = try ArchiveJournal.open(at: path, fileSystem: fileSystem)
    defer { try? journal.close() }
    let list = try entries(records, path: path)
    for entry in list where !entry.done && !entry.failed && !entry.undone {
      let intent = entry.intent
      do throws(ArchiveError) {
        try finish(intent)
        try journal.append(JournalRecord(op: .done, run: intent.run, seq: intent.seq))
        summary.completed += 1
        onEvent(
          .completed(
            from: intent.from ?? "", to: intent.to ?? "", method: intent.method ?? .rename,
            keptOriginal: intent.keep == true))
      } catch {
        if error.code == .interrupted || error.code == .journal { throw error }
        fail(intent.from ?? path, error)
      }
    }
    try carryOn(records: records, entries: list, journal: journal)
    try journal.close()
    return summary
  }

  /// The second half of a resume: the files of the run's inputs that no intent names yet.
  private mutating func carryOn(records: [JournalRecord], entries: [Entry], journal: ArchiveJournal)
    throws(ArchiveError)
  {
    guard let begin = records.last(where: { $0.op == .begin }), let inputs = begin.inputs, let naming = begin.naming
    else { return }
    var handled = Set<String>()
    var lastSequence = 0
    for entry in entries where entry.intent.run == begin.run {
      lastSequence = max(lastSequence, entry.intent.seq ?? 0)
    }
    for entry in entries where !entry.failed {
      if let from = entry.intent.from { handled.insert(from) }
      if let to = entry.intent.to { handled.insert(to) }
    }
    let configuration = ArchiveConfiguration(
      naming: naming, keepOriginals: begin.keep == true, outputDirectory: begin.output,
      recursive: begin.recursive == true, scrubMetadata: begin.scrubbed == true)
    var archiver = CaptureArchiver(
      configuration: configuration, digest: makeDigest, fileSystem: fileSystem,
      generator: SystemRandomNumberGenerator(), chunkSize: chunkSize, faultHook: faultHook, runID: begin.run,
      onEvent: onEvent)
    let more = try archiver.continueRun(
      inputs: inputs, journal: journal, handled: handled, lastSequence: lastSequence)
    summary.completed += more.completed
    summary.skipped += more.skipped
    summary.failed += more.failed
    summary.outputFailed = summary.outputFailed || more.outputFailed
    summary.inputDamaged = summary.inputDamaged || more.inputDamaged
  }

  private func finish(_ intent: JournalRecord) throws(ArchiveError) {
    guard let from = intent.from, let to = intent.to, let digest = intent.digest else { return }
    let sourceDigest = intent.source ?? digest
    let fromStatus = try fileSystem.status(of: from)
    let toStatus = try fileSystem.status(of: to)
    switch intent.method {
    case .copy?:
      guard let temp = intent.temp else { return }
      try transfer.removeIfPresent(temp)
      if toStatus != nil {
        guard try transfer.matches(to, digestHex: digest) else {
          throw conflict(intent, "the new name holds different bytes than the journal recorded")
        }
        if intent.keep != true, fromStatus != nil {
          guard try transfer.matches(from, digestHex: sourceDigest) else {
            throw conflict(intent, "the original changed since the run; it was not removed")
          }
          try fileSystem.removeFile(from)
          try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: from))
        }
        return
      }
      guard let fromStatus else {
        throw ArchiveError(code: .notFound, path: from, message: "neither the old nor the new name exists")
      }
      if intent.scrubbed == true {
        guard let kind = try CaptureSniffer(fileSystem: fileSystem).kind(ofFileAt: from) else {
          throw conflict(intent, "the original is no longer a capture")
        }
        try transfer.scrubVerified(
          from: from, kind: kind, to: temp, expectedDigest: digest, permissions: fromStatus.permissions)
      } else {
        try transfer.copyVerified(from: from, to: temp, expectedDigest: digest, permissions: fromStatus.permissions)
      }
      try transfer.step(.copied)
      try fileSystem.renameWithoutReplacing(temp, to: to)
      try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: to))
      try transfer.step(.renamed)
      if intent.keep != true {
        try fileSystem.removeFile(from)
        try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: from))
      }
    default:
      switch (fromStatus, toStatus) {
      case (let f?, nil):
        guard f.kind == .regular, try transfer.matches(from, digestHex: digest) else {
          throw conflict(intent, "the original changed since the run")
        }
        try fileSystem.renameWithoutReplacing(from, to: to)
        try syncBoth(from, to)
      case (nil, _?):
        guard try transfer.matches(to, digestHex: digest) else {
          throw conflict(intent, "the new name holds different bytes than the journal recorded")
        }
      case (let f?, let t?):
        if f.isSameFile(as: t) {
          try fileSystem.removeFile(from)  // the link + unlink fallback stopped between its two steps
          try syncBoth(from, to)
        } else if t.size == 0 && f.size > 0 && t.kind == .regular {
          try fileSystem.removeFile(to)  // the placeholder of the last-resort fallback
          try fileSystem.renameWithoutReplacing(from, to: to)
          try syncBoth(from, to)
        } else {
          throw conflict(intent, "both the old and the new name exist")
        }
      case (nil, nil):
        throw ArchiveError(code: .notFound, path: from, message: "neither the old nor the new name exists")
      }
    }
  }

  private func syncBoth(_ a: String, _ b: String) throws(ArchiveError) {
    let da = ArchivePaths.directory(of: a)
    let db = ArchivePaths.directory(of: b)
    try fileSystem.synchronizeDirectory(da)
    if db != da { try fileSystem.synchronizeDirectory(db) }
  }

  /// Reverses every change of the journal, newest first, that is not already undone: files go back to their
  /// old names (moved back across file systems with the same verified copy), copies are removed once the
  /// original is confirmed intact.
  ///
  /// - Returns: counts; per-file problems are reported through events.
  /// - Throws: when the journal cannot be read or appended to (or, in tests, a simulated crash).
  public mutating func undo(journalAt path: String) throws(ArchiveError) -> ArchiveSummary {
    summary = ArchiveSummary()
    let (journal, records) = try ArchiveJournal.open(at: path, fileSystem: fileSystem)
    defer { try? journal.close() }
    for entry in try entries(records, path: path).reversed() where !entry.undone {
      let intent = entry.intent
      do throws(ArchiveError) {
        let restored = try reverse(intent, failed: entry.failed)
        if entry.failed && !restored { continue }  // nothing had happened; nothing to record
        try journal.append(JournalRecord(op: .undone, run: intent.run, seq: intent.seq))
        if restored {
          summary.completed += 1
          onEvent(.restored(from: intent.to ?? "", to: intent.from ?? ""))
        }
      } catch {
        if error.code == .interrupted || error.code == .journal { throw error }
        fail(intent.to ?? path, error)
      }
    }
    try journal.close()
    return summary
  }

  /// Reverses one intent; returns true when a file was put back or a copy removed.
  private func reverse(_ intent: JournalRecord, failed: Bool) throws(ArchiveError) -> Bool {
    guard let from = intent.from, let to = intent.to, let digest = intent.digest, let seq = intent.seq else {
      return false
    }
    if let temp = intent.temp { try transfer.removeIfPresent(temp) }
    let undoTemp = ArchivePaths.join(
      ArchivePaths.directory(of: from), ArchivePaths.undoPrefix + "\(intent.run)-\(seq)")
    try transfer.removeIfPresent(undoTemp)
    let fromStatus = try fileSystem.status(of: from)
    let toStatus = try fileSystem.status(of: to)
    switch (fromStatus, toStatus) {
    case (_?, nil):
      return false  // never happened, or already reversed
    case (nil, nil):
      if failed { return false }
      throw ArchiveError(code: .notFound, path: from, message: "neither the old nor the new name exists")
    case (nil, let t?):
      guard try transfer.matches(to, digestHex: digest) else {
        throw conflict(intent, "the new name holds different bytes than the journal recorded")
      }
      if intent.method == .copy {
        try transfer.copyVerified(from: to, to: undoTemp, expectedDigest: digest, permissions: t.permissions)
        try fileSystem.renameWithoutReplacing(undoTemp, to: from)
        try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: from))
        try transfer.step(.renamed)
        try fileSystem.removeFile(to)
        try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: to))
        if intent.scrubbed == true {
          onEvent(
            .notice(
              path: from,
              message:
                "back under its old name, but without the metadata --scrub-metadata removed (the original was not kept)"
            ))
        }
      } else {
        try fileSystem.renameWithoutReplacing(to, to: from)
        try syncBoth(from, to)
      }
      return true
    case (let f?, let t?):
      if f.isSameFile(as: t) || (intent.method != .copy && t.size == 0 && f.size > 0 && t.kind == .regular) {
        try fileSystem.removeFile(to)  // an interrupted link fallback or its placeholder
        try syncBoth(from, to)
        return !failed
      }
      if failed && intent.method != .copy { return false }  // a name collision, not ours
      guard intent.method == .copy else {
        throw conflict(intent, "both the old and the new name exist")
      }
      guard try transfer.matches(from, digestHex: intent.source ?? digest) else {
        throw conflict(intent, "the original changed since the run, so its copy was kept")
      }
      guard try transfer.matches(to, digestHex: digest) else {
        throw conflict(intent, "the new name holds different bytes than the journal recorded")
      }
      try fileSystem.removeFile(to)
      try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: to))
      return true
    }
  }
}

@available(*, unavailable)
extension ArchiveRecovery: Sendable {}
