import ArgumentParser
import CaptureArchive
import PcapKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// `optigo-pcap merge`: merge captures into one timeline (or concatenate them).
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge captures chronologically (or concatenate them) into one capture.",
    discussion: """
      A directory stands for the captures directly in it (by content, in name order; hidden temporary files of \
      unfinished writes are never taken). Packets are ordered by their exact timestamps; equal timestamps keep the order of the inputs. Inputs may \
      mix pcap and pcapng and link types; the output is pcapng with one interface per input interface (-F pcap \
      when every packet has the same link type). Each input is read once, streaming; inputs are opened only when \
      the merged timeline reaches them. The output appears only when complete.
      """
  )

  @Argument(help: "Input captures (pcap, pcapng, optionally gzip-, zstd- or lz4-compressed), or directories of them; - reads standard input.")
  var arguments: [String] = []

  @Option(name: .customShort("r"), help: ArgumentHelp("Input capture (repeatable; alternative to the arguments).", valueName: "file"))
  var readFiles: [String] = []

  @OptionGroup var stale: StaleTemporaryOptions

  /// The inputs: the files given, and in place of a directory the captures directly in it, by name (temporary
  /// files of unfinished writes and files that are not captures are left out, and named when `reporting`).
  func inputs(reporting: Bool = false) throws -> [String] {
    var result: [String] = []
    for path in arguments + readFiles {
      guard path != "-", StaleTemporaryOptions.isDirectory(path) else {
        result.append(path)
        continue
      }
      let listing: CaptureDirectory
      do {
        listing = try CaptureDirectory(path)
      } catch {
        StandardError.line("optigo-pcap merge: \(path): \(error)")
        throw ExitStatus.unreadableInput
      }
      if reporting {
        for (skipped, reason) in listing.skipped { StandardError.line("optigo-pcap merge: note: left out \(skipped): \(reason)") }
      }
      result += listing.captures
    }
    return result
  }

  @Option(name: [.customShort("w"), .customLong("write")], help: "Output file; - writes standard output.")
  var output: String

  @Flag(help: CaptureCommandSupport.syncHelp)
  var sync = false

  @Flag(name: [.customShort("a"), .customLong("append")], help: "Concatenate the inputs in the order given.")
  var concatenate = false

  @Option(name: .customLong("time-offset"), help: ArgumentHelp(
    "Shift one input's timestamps by SECONDS (repeatable), e.g. --time-offset b.pcap=-2.5.", valueName: "IN=SECONDS"))
  var timeOffsets: [String] = []

  @Flag(name: .customLong("merge-identical-interfaces"), help: "Give identical input interfaces one output interface.")
  var mergeIdenticalInterfaces = false

  @Option(name: .customLong("reorder-window"), help: "Packets read ahead per input to repair inputs that are out of time order.")
  var reorderWindow = 0

  @Option(name: .customShort("F"), help: "Output format: pcapng (default) or pcap.")
  var format: CaptureOutputFormat = .pcapng

  /// The inputs with their time offsets.
  func mergeInputs(_ inputs: [String]) throws -> [MergeInput] {
    var result = inputs.map { MergeInput(path: $0) }
    for spec in timeOffsets {
      guard let eq = spec.lastIndex(of: "=") else {
        throw ValidationError("--time-offset \(spec): expected IN=SECONDS")
      }
      let path = String(spec[..<eq]), secondsText = String(spec[spec.index(after: eq)...])
      guard let nanoseconds = MergeInput.parseSeconds(secondsText) else {
        throw ValidationError("--time-offset \(spec): \"\(secondsText)\" is not a number of seconds (e.g. -2.5)")
      }
      let matches = result.indices.filter { result[$0].path == path }
      guard !matches.isEmpty else { throw ValidationError("--time-offset \(spec): \(path) is not one of the inputs") }
      for i in matches { result[i].timeOffsetNanoseconds = nanoseconds }
    }
    return result
  }

  func validate() throws {
    let inputs = try inputs()
    if inputs.isEmpty { throw ValidationError("give at least one input capture") }
    if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    if reorderWindow < 0 { throw ValidationError("--reorder-window must be 0 or more") }
    _ = try mergeInputs(inputs)
  }

  func run() throws {
    stale.check(paths: [output] + arguments + readFiles, command: "merge")
    raiseDescriptorLimit()
    let inputs = try inputs(reporting: true)
    let mergeInputs = try mergeInputs(inputs)
    var options = MergeOptions()
    options.concatenate = concatenate
    options.mergeIdenticalInterfaces = mergeIdenticalInterfaces
    options.reorderWindow = reorderWindow
    let progress = CaptureInput.mergeProgress(inputs, label: "merge", options: &options)
    let out = try CaptureCommandSupport.openOutput(output, inputs: inputs, command: "merge", sync: sync)
    var merge = CaptureMerge(inputs: mergeInputs, options: options)
    var writer = MergeWriter(
      sink: out.sink, format: format == .pcap ? .pcap : .pcapng, inputs: mergeInputs,
      mergeIdenticalInterfaces: mergeIdenticalInterfaces)
    do {
      try merge.prepare()
      writer.pcapNanosecond = merge.firstResolutions.contains { ($0?.unitsPerSecond ?? 0) > 1_000_000 }
      try merge.run(into: &writer)
      progress?.erase()
    } catch {
      progress?.erase()
      out.discard()
      StandardError.line("optigo-pcap merge: \(error); output not written")
      if merge.writerFailed { throw error.code == .ioError ? ExitStatus.outputFailure : ExitStatus.failure }
      let unreadable: [CaptureError.Code] = [.ioError, .badMagic, .unsupportedVersion]
      throw unreadable.contains(error.code) && (error.offset ?? 0) < 32 ? ExitStatus.unreadableInput : ExitStatus.damagedInput
    }
    let report = merge.report
    for i in mergeInputs.indices where report.disorderedPackets[i] > 0 {
      let late = report.latePackets[i]
      StandardError.line(
        "optigo-pcap merge: warning: \(mergeInputs[i].path) is not in time order (\(report.disorderedPackets[i]) packets earlier than their predecessor); "
          + (late > 0 ? "\(late) written out of order (raise --reorder-window)" : "repaired by the reorder window"))
    }
    for (what, count) in writer.skippedBlocks.sorted(by: { $0.key < $1.key }) {
      StandardError.line("optigo-pcap merge: note: left out \(count) \(what)")
    }
    do {
      try out.commit()
    } catch {
      StandardError.line("optigo-pcap merge: \(error)")
      throw ExitStatus.outputFailure
    }
  }

  /// Lets the merge keep many inputs open: the soft descriptor limit is raised to the hard one.
  func raiseDescriptorLimit() {
    var limit = rlimit()
    if unsafe getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
      limit.rlim_cur = limit.rlim_max
      _ = unsafe setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
  }
}
