import PcapKit
import _CaptureInternals

/// Settings of an anonymizing run.
public struct ArchiveConfiguration: Sendable {
  /// How new names are chosen.
  public var naming: CaptureNaming
  /// When true the originals stay (copy); otherwise they are renamed or moved.
  public var keepOriginals: Bool
  /// Where the renamed files go; nil renames each file in its own directory.
  public var outputDirectory: String?
  /// Walk directories below the given ones too.
  public var recursive: Bool
  /// Report what would be done without changing anything (no journal is written either).
  public var dryRun: Bool
  /// Rewrite pcapng content without descriptive text (``MetadataScrubber``) and gzip files without header
  /// names and times. The rewritten file is a new file (temporary name, fsync, verify, rename); the input is
  /// only removed afterwards (unless ``keepOriginals``), so its metadata cannot be restored by an undo.
  public var scrubMetadata: Bool

  /// Creates a configuration; the defaults rename in place with random names, not recursively.
  public init(
    naming: CaptureNaming = .random, keepOriginals: Bool = false, outputDirectory: String? = nil,
    recursive: Bool = false, dryRun: Bool = false, scrubMetadata: Bool = false
  ) {
    self.naming = naming
    self.keepOriginals = keepOriginals
    self.outputDirectory = outputDirectory
    self.recursive = recursive
    self.dryRun = dryRun
    self.scrubMetadata = scrubMetadata
  }
}

/// Gives capture files names that say nothing about customer, site or date, without ever losing one.
///
/// For each capture found (files given directly, or regular files in given directories; symbolic links are
/// never followed), the engine:
/// 1. classifies the content (``CaptureSniffer``) — non-captures are skipped — and digests it;
/// 2. picks a name (``CaptureNamer``) with the extension of the content's kind;
/// 3. appends an `intent` record to the journal and fsyncs it;
/// 4. renames without replacing (same file system), or copies to a temporary file beside the destination,
///    fsyncs, verifies the digest, renames that into place and, for a move, removes the original;
/// 5. fsyncs the directories and appends a `done` record.
///
/// A run killed anywhere can be finished or reversed from the journal by ``ArchiveRecovery``.
/// The capture daemon uses this type with its own ``ArchiveFileSystem`` and digest.
public struct CaptureArchiver {
  /// The run's settings.
  public let configuration: ArchiveConfiguration
  /// The identifier of this run (128 random bits, hex), written into the journal and temporary names.
  public let runID: String
  private let fileSystem: any ArchiveFileSystem
  private var namer: CaptureNamer
  private let transfer: ArchiveTransfer
  private let onEvent: (ArchiveEvent) -> Void
  private var sequence = 0
  private var summary = ArchiveSummary()
  private var journal: ArchiveJournal?
  /// Attempts at a fresh random name when one is taken.
  private let randomAttempts = 8

  /// Creates an engine.
  ///
  /// - Parameters:
  ///   - configuration: what to do.
  ///   - digest: makes the content digest (SHA-256 in the CLI).
  ///   - fileSystem: the file system layer; tests substitute one that fails.
  ///   - generator: the random source for names and the run ID (secure system source by default).
  ///   - onEvent: receives progress events.
  public init(
    configuration: ArchiveConfiguration, digest: @escaping ContentDigestFactory,
    fileSystem: any ArchiveFileSystem = PosixFileSystem(),
    generator: any RandomNumberGenerator = SystemRandomNumberGenerator(),
    onEvent: @escaping (ArchiveEvent) -> Void = { _ in }
  ) {
    self.init(
      configuration: configuration, digest: digest, fileSystem: fileSystem, generator: generator, chunkSize: 1 << 20,
      faultHook: nil, onEvent: onEvent)
  }

  /// Creates an engine with a copy chunk size and a fault hook (tests), or to continue a journaled run.
  package init(
    configuration: ArchiveConfiguration, digest: @escaping ContentDigestFactory, fileSystem: any ArchiveFileSystem,
    generator: any RandomNumberGenerator, chunkSize: Int, faultHook: ArchiveFaultHook?,
    runID: String? = nil, onEvent: @escaping (ArchiveEvent) -> Void
  ) {
    self.configuration = configuration
    self.fileSystem = fileSystem
    var runNamer = CaptureNamer(naming: .random, generator: SystemRandomNumberGenerator())
    self.runID = runID ?? runNamer.baseName(contentDigest: [])
    self.namer = CaptureNamer(naming: configuration.naming, generator: generator)
    self.transfer = ArchiveTransfer(
      fileSystem: fileSystem, makeDigest: digest, chunkSize: max(1, chunkSize), hook: faultHook)
    self.onEvent = onEvent
  }

  /// Anonymizes the captures at `inputs` (files or directories).
  ///
  /// - Parameters:
  ///   - inputs: paths as given by the user (relative paths are taken from the working directory).
  ///   - journalPath: where to create the journal (`--map`); it must not exist. Nil: no journal, and nothing
  ///     links new names to old ones.
  /// - Returns: what was done. Failures of single files are reported through events and counted, not thrown.
  /// - Throws: ``ArchiveError`` when the run cannot go on at all: the journal cannot be created or written, the
  ///   output directory is unusable, or (tests) a simulated crash.
  public mutating func run(inputs: [String], journalPath: String?) throws(ArchiveError) -> ArchiveSummary {
    summary = ArchiveSummary()
    let cwd = try fileSystem.currentDirectory()
    let journalAbsolute = journalPath.map { absolute($0, cwd: cwd) }
    let outputDirectory = try prepareOutputDirectory(cwd: cwd)
    let absoluteInputs = inputs.map { absolute($0, cwd: cwd) }
    let files = collect(absoluteInputs, journal: journalAbsolute, handled: [])

    if let journalAbsolute, !configuration.dryRun {
      let journal = try ArchiveJournal.create(at: journalAbsolute, fileSystem: fileSystem)
      self.journal = journal
      try journal.append(
        JournalRecord(
          op: .begin, run: runID, keep: configuration.keepOriginals, version: JournalRecord.formatVersion,
          inputs: absoluteInputs, naming: configuration.naming, output: outputDirectory,
          recursive: configuration.recursive, scrubbed: configuration.scrubMetadata ? true : nil))
    }
    defer {
      try? journal?.close()
      journal = nil
    }
    for file in files {
      try process(file, outputDirectory: outputDirectory)
    }
    try journal?.close()
    return summary
  }

  /// Anonymizes the captures at `inputs`, appending to a journal that is already open (a daemon keeps one
  /// journal for many runs; ``ArchiveRecovery`` handles every run in it).
  ///
  /// - Parameters:
  ///   - inputs: paths as given (relative paths are taken from the working directory).
  ///   - journal: the open journal; a `begin` record for this run is appended first.
  /// - Returns: what was done; per-file failures are reported through events.
  /// - Throws: as ``run(inputs:journalPath:)``.
  public mutating func run(inputs: [String], journal: ArchiveJournal) throws(ArchiveError) -> ArchiveSummary {
    summary = ArchiveSummary()
    let cwd = try fileSystem.currentDirectory()
    let outputDirectory = try prepareOutputDirectory(cwd: cwd)
    let absoluteInputs = inputs.map { absolute($0, cwd: cwd) }
    let files = collect(absoluteInputs, journal: journal.path, handled: [])
    guard !configuration.dryRun else {
      for file in files { try process(file, outputDirectory: outputDirectory) }
      return summary
    }
    try journal.append(
      JournalRecord(
        op: .begin, run: runID, keep: configuration.keepOriginals, version: JournalRecord.formatVersion,
        inputs: absoluteInputs, naming: configuration.naming, output: outputDirectory,
        recursive: configuration.recursive, scrubbed: configuration.scrubMetadata ? true : nil))
    self.journal = journal
    defer { self.journal = nil }
    for file in files {
      try process(file, outputDirectory: outputDirectory)
    }
    return summary
  }

  /// Carries on with a journaled run after ``ArchiveRecovery`` finished its pending files: walks the run's
  /// inputs again and handles every capture the journal does not name yet, appending to the same journal.
  package mutating func continueRun(
    inputs: [String], journal: ArchiveJournal, handled: Set<String>, lastSequence: Int
  ) throws(ArchiveError) -> ArchiveSummary {
    summary = ArchiveSummary()
    sequence = lastSequence
    let outputDirectory = try configuration.outputDirectory.map { (path) throws(ArchiveError) -> String in
      try makeDirectories(path)
      return path
    }
    let files = collect(inputs, journal: journal.path, handled: handled)
    self.journal = journal
    defer { self.journal = nil }
    for file in files {
      try process(file, outputDirectory: outputDirectory)
    }
    return summary
  }

  private mutating func collect(_ inputs: [String], journal: String?, handled: Set<String>) -> [String] {
    var walker = CaptureWalker(
      fileSystem: fileSystem, recursive: configuration.recursive, journal: journal, handled: handled,
      onSkip: { [onEvent] path, reason in onEvent(.skipped(path: path, reason: reason)) })
    let files = walker.collect(inputs)
    summary.skipped += walker.skippedCount
    summary.failed += walker.failedCount
    return files
  }

  private func absolute(_ path: String, cwd: String) -> String {
    path.hasPrefix("/") ? path : ArchivePaths.join(cwd, path)
  }

  private func prepareOutputDirectory(cwd: String) throws(ArchiveError) -> String? {
    guard let given = configuration.outputDirectory else { return nil }
    let path = absolute(given, cwd: cwd)
    switch try fileSystem.status(of: path)?.kind {
    case nil:
      if configuration.dryRun { return path }
      try makeDirectories(path)
    case .directory?, .symbolicLink?:
      break  // a link given explicitly by the user is resolved below
    default:
      throw ArchiveError(code: .notRegularFile, path: path, message: "the output directory is not a directory")
    }
    let resolved = try fileSystem.resolve(path)
    guard try fileSystem.status(of: resolved)?.kind == .directory else {
      throw ArchiveError(code: .notRegularFile, path: path, message: "the output directory is not a directory")
    }
    return resolved
  }

  /// `mkdir -p` with mode 0700 for each directory created, each made durable in its parent.
  private func makeDirectories(_ path: String) throws(ArchiveError) {
    var missing: [String] = []
    var current = path
    while current != "/", try fileSystem.status(of: current) == nil {
      missing.append(current)
      current = ArchivePaths.directory(of: current)
    }
    guard missing.count <= CaptureWalker.maximumDepth else {
      throw ArchiveError(code: .notFound, path: path, message: "the output directory is too deep to create")
    }
    for directory in missing.reversed() {
      try fileSystem.makeDirectory(directory, permissions: 0o700)
      try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: directory))
    }
  }

  /// The device of `path`, or of its nearest existing ancestor (a dry run's output directory does not exist yet).
  private func device(of path: String) throws(ArchiveError) -> UInt64? {
    var current = path
    while true {
      if let st = try fileSystem.status(of: current) { return st.device }
      if current == "/" { return nil }
      current = ArchivePaths.directory(of: current)
    }
  }

  private mutating func fail(_ path: String, _ error: ArchiveError, output: Bool) {
    summary.failed += 1
    if output { summary.outputFailed = true }
    if error.code == .damagedCapture { summary.inputDamaged = true }
    onEvent(.failed(path: path, error: error))
  }

  private mutating func skip(_ path: String, _ reason: String) {
    summary.skipped += 1
    onEvent(.skipped(path: path, reason: reason))
  }

  private mutating func process(_ path: String, outputDirectory: String?) throws(ArchiveError) {
    // Examine: kind, digest, size, permissions. Reading failures are input failures.
    let status: FileStatus
    let kind: CaptureFileKind
    let digest: [UInt8]
    let size: Int64
    do throws(ArchiveError) {
      guard let st = try fileSystem.status(of: path), st.kind == .regular else {
        skip(path, "no longer a regular file")
        return
      }
      status = st
      guard let k = try CaptureSniffer(fileSystem: fileSystem).kind(ofFileAt: path) else {
        skip(path, "not a capture (pcap, pcapng, or either gzip-, zstd- or lz4-compressed)")
        return
      }
      kind = k
      (digest, size) = try transfer.digest(ofFileAt: path)
    } catch {
      if error.code == .interrupted { throw error }
      fail(path, error, output: false)
      return
    }
    let digestHex = hexString(digest)
    if kind.isGzip && !configuration.scrubMetadata,
      let header = try? CaptureScrubbing.gzipHeaderFields(path), header.fields.contains("gzip file name")
    {
      onEvent(
        .notice(
          path: path,
          message: "its gzip header still holds the original file name \"\(header.text.first ?? "")\" "
            + "(--scrub-metadata removes it)"))
    }
    // --scrub-metadata: a dry pass gives the rewritten content's digest (its name) and what goes.
    var contentDigest = digest
    var contentSize = size
    var scrub: ScrubReport?
    if configuration.scrubMetadata {
      do throws(ArchiveError) {
        let dry = try transfer.scrubDigest(of: path, kind: kind)
        if !dry.report.isEmpty {
          (contentDigest, contentSize, scrub) = (dry.digest, dry.size, dry.report)
        }
      } catch {
        fail(path, error, output: false)
        return
      }
    }
    let destinationDirectory = outputDirectory ?? ArchivePaths.directory(of: path)
    var method: TransferMethod
    do throws(ArchiveError) {
      let destination =
        configuration.dryRun
        ? try device(of: destinationDirectory) : try fileSystem.status(of: destinationDirectory)?.device
      guard let destination else {
        throw ArchiveError(code: .notFound, path: destinationDirectory, message: "the destination directory is gone")
      }
      method = !configuration.keepOriginals && scrub == nil && destination == status.device ? .rename : .copy
    } catch {
      fail(path, error, output: true)
      return
    }

    var attempts = 0
    while true {
      attempts += 1
      let target = ArchivePaths.join(
        destinationDirectory, namer.baseName(contentDigest: contentDigest) + kind.fileExtension)
      if target == path {
        skip(path, "already has its content name")
        return
      }
      do throws(ArchiveError) {
        if let existing = try fileSystem.status(of: target) {
          if configuration.naming == .random && attempts < randomAttempts { continue }
          // Content naming: the same capture stored before (a re-upload) is not an error, and nothing changes.
          var identical = existing.isSameFile(as: status)
          if !identical && existing.kind == .regular && configuration.naming == .content {
            identical = try transfer.matches(target, digestHex: hexString(contentDigest))
          }
          if identical {
            skip(path, "an identical capture is already stored as \(target); left in place")
            return
          }
          throw ArchiveError(
            code: .exists, path: target,
            message: configuration.naming == .content
              ? "a different file already has this capture's content name; nothing was replaced"
              : "every new name tried is taken; nothing was replaced")
        }
      } catch {
        fail(path, error, output: true)
        return
      }
      if configuration.dryRun {
        summary.completed += 1
        if let scrub { onEvent(.scrubbed(path: path, report: scrub)) }
        onEvent(.planned(from: path, to: target, method: method))
        return
      }
      sequence += 1
      let seq = sequence
      let temp =
        method == .copy ? ArchivePaths.join(destinationDirectory, ArchivePaths.partialPrefix + "\(runID)-\(seq)") : nil
      let intent = JournalRecord(
        op: .intent, run: runID, seq: seq, from: path, to: target, temp: temp, method: method,
        keep: configuration.keepOriginals, size: contentSize, digest: hexString(contentDigest),
        source: scrub == nil ? nil : digestHex, scrubbed: scrub == nil ? nil : true)
      try journal?.append(intent)
      do throws(ArchiveError) {
        try transfer.step(.intentRecorded)
        try perform(intent, kind: kind, permissions: status.permissions)
        try journal?.append(JournalRecord(op: .done, run: runID, seq: seq))
        try transfer.step(.completed)
        summary.completed += 1
        if let scrub { onEvent(.scrubbed(path: path, report: scrub)) }
        onEvent(.completed(from: path, to: target, method: method, keptOriginal: configuration.keepOriginals))
        return
      } catch {
        if error.code == .interrupted { throw error }
        if error.code == .journal { throw error }
        try journal?.append(JournalRecord(op: .failed, run: runID, seq: seq, error: error.description))
        if error.code == .exists && configuration.naming == .random && attempts < randomAttempts { continue }
        if error.code == .crossDevice && method == .rename {
          method = .copy  // the rename crossed file systems after all (e.g. a bind mount): copy instead
          continue
        }
        fail(path, error, output: true)
        return
      }
    }
  }

  /// Steps 4–5 of the run for one intent: the change itself, each step made durable.
  private func perform(_ intent: JournalRecord, kind: CaptureFileKind, permissions: UInt32) throws(ArchiveError) {
    guard let from = intent.from, let to = intent.to, let digest = intent.digest else { return }
    let toDirectory = ArchivePaths.directory(of: to)
    switch intent.method {
    case .copy?:
      guard let temp = intent.temp else { return }
      if intent.scrubbed == true {
        try transfer.scrubVerified(from: from, kind: kind, to: temp, expectedDigest: digest, permissions: permissions)
      } else {
        try transfer.copyVerified(from: from, to: temp, expectedDigest: digest, permissions: permissions)
      }
      try transfer.step(.copied)
      do throws(ArchiveError) {
        try fileSystem.renameWithoutReplacing(temp, to: to)
      } catch {
        try? fileSystem.removeFile(temp)
        throw error
      }
      try fileSystem.synchronizeDirectory(toDirectory)
      try transfer.step(.renamed)
      if intent.keep != true {
        do throws(ArchiveError) {
          try fileSystem.removeFile(from)
          try fileSystem.synchronizeDirectory(ArchivePaths.directory(of: from))
        } catch {
          var e = error
          e.message = "copied to \(to), but the original could not be removed (" + e.message + "); both remain"
          throw e
        }
        try transfer.step(.originalRemoved)
      }
    default:
      try fileSystem.renameWithoutReplacing(from, to: to)
      try fileSystem.synchronizeDirectory(toDirectory)
      let fromDirectory = ArchivePaths.directory(of: from)
      if fromDirectory != toDirectory { try fileSystem.synchronizeDirectory(fromDirectory) }
      try transfer.step(.renamed)
    }
  }
}

@available(*, unavailable)
extension CaptureArchiver: Sendable {}
