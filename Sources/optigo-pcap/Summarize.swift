import ArgumentParser
import BACnetAnalysis
import PcapKit
#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `optigo-pcap summarize FILE…`: capture facts and the BACnet analysis (devices, networks, discovery,
/// duplicates, requests, MS/TP, decode quality) as terminal tables or versioned JSON.
struct Summarize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summarize",
    abstract: "Summarize captures: facts, BACnet devices, routers, discovery, duplicates, request timing, writes, MS/TP health.",
    discussion: """
      Each file is summarized on its own, or all files as one timeline with --merged. Every check prints a \
      status (ok/warn/fail, n/a when it had nothing to judge), the thresholds it used and the frame numbers of its evidence. --json prints one JSON \
      object per summary (an array of them for several files without --merged) following docs/summary-schema.md. \
      Thresholds (--threshold NAME=VALUE, repeatable):
      """ + " " + SummaryThresholds.named.map { "\($0.name) (default \(Int($0.defaultValue)))" }.joined(separator: ", ")
      + ". Times print in ISO 8601 UTC (--local-time: the local zone); tables fit the terminal width (120 columns "
      + "when not a terminal), wrapping at word boundaries (--wide: no limit; --all: every row and column). "
      + "BACnet/IP is decoded on the configured ports only; when UDP traffic elsewhere looks like BACnet/IP the report "
      + "says so first and names the --add-ports to use (--heuristic decodes it without asking). "
      + "Exit status 65 when a file could not be read to its end (the summary covers what was read), 66 when it could "
      + "not be read at all, 2 (with --fail-on) when a finding reached the given level and every file was read whole.")

  @OptionGroup var inputFiles: InputFiles

  /// The capture files, from the arguments and `-r`.
  var files: [String] { inputFiles.all }

  @Flag(help: "Print JSON instead of tables.")
  var json = false

  @Flag(help: "Summarize all files as one timeline, merged by timestamp.")
  var merged = false

  @Option(name: .customLong("threshold"), help: "Set a threshold, NAME=VALUE (repeatable).")
  var thresholds: [String] = []

  @OptionGroup var portOptions: PortOptions

  @Option(name: .customShort("j"), help: "Files summarized at once (default: the number of cores); output stays in input order.")
  var jobs: Int?

  @Flag(help: "Also decode UDP payloads on other ports that look like BACnet/IP.")
  var heuristic = false

  @Option(name: .customLong("fail-on"), help: "Exit with status 2 when a finding reaches this level: warn or fail.")
  var failOn: FailOn?

  @Flag(help: "Do not wrap tables to the terminal width.")
  var wide = false

  @Flag(help: "Show every row of every table and every device column.")
  var all = false

  @Flag(name: .customLong("local-time"), help: "Print times in the local time zone instead of UTC.")
  var localTime = false

  /// `--fail-on` levels.
  enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case warn, fail
    var status: FindingStatus { self == .warn ? .warn : .fail }
  }

  /// Exit status when a finding reached the `--fail-on` level (distinct from every read and usage status).
  static let findingsExitCode = ExitCode(2)

  /// The text layout: the terminal's width (COLUMNS, else 120), or none with --wide.
  func textOptions() -> TextOptions {
    var width: Int? = 120
    if wide {
      width = nil
    } else if let c = unsafe getenv("COLUMNS").flatMap({ unsafe Int(String(cString: $0)) }), c > 0 {
      width = c
    } else if isatty(1) == 1 {
      var w = winsize()
      if unsafe ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { width = Int(w.ws_col) }
    }
    return TextOptions(width: width, allRows: all, allColumns: all, utcOffset: localTime ? Self.localOffset : nil)
  }

  /// Seconds east of UTC in the local zone at a given instant (localtime_r's tm_gmtoff).
  @Sendable static func localOffset(_ ns: Int64) -> Int {
    var t = time_t(ns / 1_000_000_000)
    var tm = unsafe tm()
    guard unsafe localtime_r(&t, &tm) != nil else { return 0 }
    return unsafe Int(tm.tm_gmtoff)
  }

  func summaryConfiguration() throws(SummaryThresholds.InvalidThreshold) -> SummaryConfiguration {
    var c = SummaryConfiguration()
    for t in thresholds { try c.set(t) }
    return c
  }

  func validate() throws {
    do { _ = try summaryConfiguration() } catch { throw ValidationError(error.description) }
    if merged && files.contains("-") { throw ValidationError("--merged reads files, not standard input") }
    if let jobs, jobs < 1 { throw ValidationError("-j needs at least 1") }
  }

  func run() throws {
    let config = try summaryConfiguration()
    var pipelineConfig = BACnetPipeline.Configuration(ports: portOptions.portSet, heuristic: heuristic)
    pipelineConfig.decodeMode = .summary  // builds only what the analyzers read; same diagnostics and report
    let out = OutputStream.standardOutput()
    var worst = ReadOutcome.complete
    var reports: [SummaryReport] = []
    if merged {
      let merged = SummaryEngine.summarizeMerged(files, configuration: config, pipeline: pipelineConfig)
      if let error = merged.error {
        worst = ReadOutcome.report(error, file: files.joined(separator: ", "), recordsRead: merged.recordsRead)
      }
      if let r = merged.report { reports.append(r) }
    } else {
      // Files in parallel (each worker one file at a time, so memory grows with -j, not with the file count);
      // reports and read errors are taken in input order. Standard input named twice is read by one worker.
      let files = self.files
      let workers = files.filter({ $0 == "-" }).count > 1 ? 1 : jobs ?? ParallelFiles.defaultJobs
      let pc = pipelineConfig
      let results = ParallelFiles.map(files.count, jobs: workers) { i in Self.summarize(files[i], config, pc) }
      for (file, result) in zip(files, results) {
        let outcome = result.error.map { ReadOutcome.report($0, file: file, recordsRead: result.report == nil ? 0 : 1) }
        worst = max(worst, outcome ?? .complete)
        if let r = result.report { reports.append(r) }
      }
    }
    if json {
      // Streamed in 64 KiB pieces: the JSON of a large capture runs to megabytes, and holding it as one string
      // (plus the string's growth copies) would dominate peak memory.
      var text = ChunkedText(out: out)
      if reports.count == 1 && (merged || files.count == 1) {
        reports[0].json.write(to: &text)
      } else {
        ReportValue.array(reports.map(\.json)).write(to: &text)
      }
      text.write("\n")
      text.finish()
    } else {
      let options = textOptions()
      for (i, r) in reports.enumerated() {
        if i > 0 { out.line("") }
        out.write(r.text(options))
      }
    }
    out.flush()
    if out.failed { throw ExitStatus.outputFailure }
    if let code = worst.exitCode { throw code }
    if let level = failOn?.status, reports.contains(where: { $0.findings.contains { $0.status >= level } }) {
      throw Self.findingsExitCode
    }
  }

  /// Summarizes one file: reads every record once, feeding capture facts and the analyzer. No report means the
  /// file could not be opened (unreadable); a report with an error means it was read in part (damaged). Nothing is
  /// printed here (workers run in parallel; the caller reports errors in input order).
  static func summarize(_ file: String, _ config: SummaryConfiguration,
                        _ pc: BACnetPipeline.Configuration) -> (report: SummaryReport?, error: CaptureError?) {
    var reader: CaptureReader
    do {
      reader = try CaptureInput.reader(file)
    } catch {
      return (nil, error)
    }
    return SummaryEngine.summarize(&reader, file: file, configuration: config, pipeline: pc)
  }
}

/// A text stream that collects pieces and hands them to an ``OutputStream`` in chunks of about 64 KiB.
struct ChunkedText: TextOutputStream {
  let out: OutputStream
  var buffer = ""

  init(out: OutputStream) {
    self.out = out
    buffer.reserveCapacity(1 << 16)
  }

  mutating func write(_ piece: String) {
    buffer += piece
    if buffer.utf8.count >= 1 << 16 {
      out.write(buffer)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// Writes out what is still collected.
  mutating func finish() {
    out.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }
}
