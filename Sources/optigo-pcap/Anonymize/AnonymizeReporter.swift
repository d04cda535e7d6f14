import CaptureArchive
import PcapKit

/// Prints the archive engine's events: problems always (standard error), individual changes only with
/// `--verbose` or `--dry-run` (so, without a map, no log links a new name to an old one).
struct AnonymizeReporter {
  var verbose: Bool
  var dryRun = false
  var printLine: (String) -> Void = { print($0) }
  var printError: (String) -> Void = { AnonymizeReporter.standardError($0) }

  func handle(_ event: ArchiveEvent) {
    switch event {
    case .skipped(let path, let reason):
      printError("skipped \(path): \(reason)")
    case .planned(let from, let to, let method):
      printLine("would \(method == .rename ? "rename" : "copy") \(from) -> \(to)")
    case .completed(let from, let to, let method, let kept):
      if verbose {
        let verb = kept ? "copied" : method == .rename ? "renamed" : "moved"
        printLine("\(verb) \(from) -> \(to)")
      }
    case .restored(let from, let to):
      if verbose { printLine("restored \(from) -> \(to)") }
    case .scrubbed(let path, let report):
      printLine("\(dryRun ? "would scrub" : "scrubbed") \(path): \(dryRun ? "would remove" : "removed") \(report.summary)")
    case .notice(let path, let message):
      printError("note \(path): \(message)")
    case .failed(let path, let error):
      printError("failed \(path): \(error.message)" + (error.path.map { $0 == path ? "" : " (\($0))" } ?? ""))
    }
  }

  static func standardError(_ line: String) { StandardError.line(line) }
}
