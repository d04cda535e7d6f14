import ArgumentParser
import CaptureArchive
import PcapKit

extension CaptureNaming: ExpressibleByArgument {}

/// `optigo-pcap anonymize`: gives capture files names that reveal nothing about customer, site or date.
struct Anonymize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "anonymize",
    abstract: "Rename capture files to random or content-derived names, safely and reversibly.",
    discussion: """
      Each capture (pcap, pcapng, or either gzip-, zstd- or lz4-compressed; recognised by content, not by name) \
      gets a new name: 128 random bits in hex (--naming random, the default) or the SHA-256 of its bytes \
      (--naming content), with the extension of what it really is (.pcap, .pcapng, .pcap.gz, .pcapng.gz, .pcap.zst, \
      .pcapng.zst, .pcap.lz4, .pcapng.lz4). Other files are skipped.

      Without --output-dir, files are renamed in their own directory. A rename never replaces an existing file. \
      Across file systems a move is: copy, fsync, verify the SHA-256, rename into place, then remove the original. \
      Symbolic links are never followed.

      --map MAP writes a journal (JSON Lines, mode 0600) linking old and new paths; each record reaches the disk \
      before the change it describes. An interrupted run can then be finished with --resume MAP or reversed with \
      --undo MAP. Without --map nothing links the new names to the old ones.

      --scrub-metadata also rewrites pcapng content without descriptive text: comments, SHB hardware/OS/\
      application, interface names/descriptions/OS/hardware/filters/time-zone names, name resolution blocks, \
      decryption secrets, custom blocks and options, and blocks of unknown or local-use types. Packets and \
      timestamps are unchanged. Gzip files are re-compressed without the original file name and time in their \
      header. What was removed is reported for each file. The original is removed after the rewritten file is \
      safely in place (kept with --copy), so an --undo restores its name but not the removed metadata. \

      """
  )

  @Argument(help: "Capture files, or directories to search for captures.")
  var inputs: [String] = []

  @Option(
    name: .customLong("output-dir"),
    help: ArgumentHelp("Put the renamed captures in this directory (created if missing).", valueName: "dir"))
  var outputDirectory: String?

  /// Whether originals are moved or copied.
  enum Transfer: String, EnumerableFlag {
    case move, copy

    static func help(for value: Transfer) -> ArgumentHelp? {
      switch value {
      case .move: "Rename or move the captures."
      case .copy: "Copy the captures, leaving the originals untouched."
      }
    }
  }

  @Flag var transfer: Transfer = .move

  @Option(help: "How new names are made: random (128 secure random bits) or content (SHA-256 of the file).")
  var naming: CaptureNaming = .random

  @Option(help: "Write a journal of old and new paths to this new file (JSON Lines, mode 0600).")
  var map: String?

  @Flag(name: .shortAndLong, help: "Search directories recursively.")
  var recursive = false

  @Flag(name: .customLong("dry-run"), help: "Show what would be done; change nothing.")
  var dryRun = false

  @Option(
    name: .customLong("resume"),
    help: ArgumentHelp("Finish the interrupted run recorded in this map.", valueName: "map"))
  var resumeMap: String?

  @Option(
    name: .customLong("undo"),
    help: ArgumentHelp("Reverse the run recorded in this map, restoring the old names.", valueName: "map"))
  var undoMap: String?

  @Flag(
    name: .customLong("scrub-metadata"),
    help:
      "Also rewrite pcapng files without descriptive text (comments, host, OS, application and interface names, name resolution, secrets, custom blocks)."
  )
  var scrubMetadata = false

  @Flag(name: .shortAndLong, help: "Print every change (this links new names to old ones on the terminal).")
  var verbose = false

  @OptionGroup var stale: StaleTemporaryOptions

  func validate() throws {
    let recoveries = [resumeMap, undoMap].compactMap { $0 }.count
    if recoveries > 1 { throw ValidationError("--resume and --undo cannot be combined.") }
    if recoveries == 1 {
      guard inputs.isEmpty, outputDirectory == nil, map == nil, !dryRun, !scrubMetadata, transfer == .move,
        naming == .random, !recursive
      else {
        throw ValidationError("--resume and --undo take only the map (and --verbose).")
      }
      return
    }
    if inputs.isEmpty { throw ValidationError("Give at least one capture file or directory.") }
  }

  func run() throws {
    if !dryRun { stale.check(paths: inputs + (outputDirectory.map { [$0] } ?? []), command: "anonymize") }
    let reporter = AnonymizeReporter(verbose: verbose, dryRun: dryRun)
    let outcome = execute(reporter)
    switch outcome {
    case .failure(let error):
      AnonymizeReporter.standardError("error: \(error)")
      throw error.code == .journal || error.code == .notFound ? ExitStatus.unreadableInput : ExitStatus.outputFailure
    case .success(let summary):
      if summary.failed > 0 {
        throw summary.outputFailed
          ? ExitStatus.outputFailure : summary.inputDamaged ? ExitStatus.damagedInput : ExitStatus.unreadableInput
      }
    }
  }

  /// Runs the requested operation, printing its summary line.
  private func execute(_ reporter: AnonymizeReporter) -> Result<ArchiveSummary, ArchiveError> {
    Result { () throws(ArchiveError) -> ArchiveSummary in
      if let resumeMap {
        var recovery = ArchiveRecovery(digest: SHA256Digest.factory, onEvent: reporter.handle)
        let summary = try recovery.resume(journalAt: resumeMap)
        reporter.printLine("resumed: \(summary.completed) completed, \(summary.failed) failed")
        return summary
      }
      if let undoMap {
        var recovery = ArchiveRecovery(digest: SHA256Digest.factory, onEvent: reporter.handle)
        let summary = try recovery.undo(journalAt: undoMap)
        reporter.printLine("undone: \(summary.completed) restored, \(summary.failed) failed")
        return summary
      }
      let configuration = ArchiveConfiguration(
        naming: naming, keepOriginals: transfer == .copy, outputDirectory: outputDirectory,
        recursive: recursive, dryRun: dryRun, scrubMetadata: scrubMetadata)
      var archiver = CaptureArchiver(
        configuration: configuration, digest: SHA256Digest.factory, onEvent: reporter.handle)
      let summary = try archiver.run(inputs: inputs, journalPath: map)
      let verb = dryRun ? "would anonymize" : transfer == .copy ? "copied" : "anonymized"
      reporter.printLine("\(verb) \(summary.completed), skipped \(summary.skipped), failed \(summary.failed)")
      return summary
    }
  }
}
