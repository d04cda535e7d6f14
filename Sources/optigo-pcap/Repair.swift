import WireBytes
import ArgumentParser
import PcapKit

/// `optigo-pcap repair IN -w OUT`: salvage every intact record of a damaged capture.
struct Repair: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repair",
    abstract: "Salvage the intact packets of a damaged capture (truncated, corrupted, zeroed, bad lengths).",
    discussion: """
      Reads IN leniently: where a record or block is damaged, the reader skips to the next plausible one (pcap: a \
      record header whose lengths and timestamp fit its neighbours; pcapng: a known block whose leading and \
      trailing lengths agree and whose interface exists) and carries on. A destroyed magic number is restored when \
      the rest of the header names the format; lost section and interface headers are stood in for. Every intact \
      record is copied byte for byte into OUT, in the input's format. A pcap record whose data runs into damage \
      (the end of the input, lost bytes, or the next plausible record inside what its length claims) is kept with \
      its captured length cut to the bytes before it (counted as truncated; no byte is invented), and one whose \
      captured length alone is wrong keeps its original length. OUT appears only when complete (temporary file \
      renamed into place). \
      Each damaged region is reported on standard error (offset, length, reason); --json prints a report on \
      standard output, one JSON object with snake_case keys: input, output, format, input_length, records_written, \
      packets_written, truncated_packets, damaged_regions, skipped_bytes, section_header_rebuilt and regions (each \
      with offset, length, action, code, error_offset, message).

      Exit status: 0 the input was intact; 65 damage was found and the salvaged capture written; 66 the input is \
      unreadable (missing, not a capture, nothing salvageable); 73 the output could not be written; 64 usage.
      """
  )

  @Argument(help: "Damaged capture (pcap, pcapng, optionally gzip-, zstd- or lz4-compressed); - reads standard input.")
  var positionalInput: String?

  @Option(name: .customShort("r"), help: ArgumentHelp("Damaged capture (alternative to the argument).", valueName: "file"))
  var readFile: String?

  @OptionGroup var stale: StaleTemporaryOptions

  /// The input from either spelling.
  var input: String { readFile ?? positionalInput ?? "-" }

  @Option(name: [.customShort("w"), .customLong("write")], help: "Output file for the salvaged capture; - writes standard output.")
  var output: String

  @Flag(help: CaptureCommandSupport.syncHelp)
  var sync = false

  @Flag(help: "Print a JSON report (input, output, counts, every damaged region) on standard output.")
  var json = false

  @Flag(name: .shortAndLong, help: "Do not list each damaged region on standard error (the summary line is kept).")
  var quiet = false

  func validate() throws {
    if positionalInput != nil && readFile != nil { throw ValidationError("give the input either as an argument or with -r, not both") }
    if positionalInput == nil && readFile == nil { throw ValidationError("give the damaged capture (or - for standard input)") }
    if json && output == "-" { throw ValidationError("--json prints on standard output, so -w cannot be - as well") }
  }

  func run() throws {
    stale.check(paths: [output], command: "repair")
    let name = input == "-" ? "standard input" : input
    var reader: LenientCaptureReader
    do {
      reader = try CaptureInput.lenientReader(input)
    } catch {
      StandardError.line("optigo-pcap repair: \(name): \(error)")
      throw ExitStatus.unreadableInput
    }
    let out = try CaptureCommandSupport.openOutput(output, inputs: [input], command: "repair", sync: sync)
    var sink = FailureTrackingSink(inner: out.sink)
    let summary: CaptureRepair.Summary
    do {
      summary = try CaptureRepair.run(reader: &reader, to: &sink)
    } catch {
      out.discard()
      StandardError.line("optigo-pcap repair: \(error)")
      // An I/O failure: on the output side if the sink failed, else reading the input.
      throw sink.failed ? ExitStatus.outputFailure : ExitStatus.unreadableInput
    }
    if !quiet {
      for region in summary.damage { StandardError.line("optigo-pcap repair: \(name): \(region)") }
      if summary.damageCount > summary.damage.count {
        StandardError.line("optigo-pcap repair: \(name): … and \(summary.damageCount - summary.damage.count) more regions")
      }
    }
    let headerRecovered = summary.recordsWritten > 0
    StandardError.line(
      "optigo-pcap repair: \(name): \(summary.packetsWritten) packet\(summary.packetsWritten == 1 ? "" : "s") kept"
        + (summary.truncatedPackets > 0 ? ", \(summary.truncatedPackets) of them truncated" : "") + ", "
        + "\(summary.damageCount) damaged region\(summary.damageCount == 1 ? "" : "s"), \(summary.skippedBytes) bytes skipped"
        + (summary.synthesizedSectionHeader ? ", section header rebuilt" : ""))
    if json { printReport(summary, name: name) }
    guard headerRecovered else {
      out.discard()
      StandardError.line("optigo-pcap repair: \(name): nothing could be salvaged; output not written")
      throw ExitStatus.unreadableInput
    }
    do {
      try out.commit()
    } catch {
      StandardError.line("optigo-pcap repair: \(error)")
      throw ExitStatus.outputFailure
    }
    if summary.damageCount > 0 { throw ExitStatus.damagedInput }
  }

  func printReport(_ s: CaptureRepair.Summary, name: String) {
    var regions: [String] = []
    for r in s.damage {
      var j = JSONWriter.Object()
      j.add("offset", r.offset)
      j.add("length", r.length)
      j.add("action", r.action.rawValue)
      j.add("code", r.reason.code.rawValue)
      if let at = r.reason.offset { j.add("error_offset", at) } else { j.addNull("error_offset") }
      j.add("message", r.reason.message)
      regions.append(j.finish())
    }
    var j = JSONWriter.Object()
    j.add("input", input)
    j.add("output", output)
    j.add("format", s.format.description)
    j.add("input_length", s.inputLength)
    j.add("records_written", s.recordsWritten)
    j.add("packets_written", s.packetsWritten)
    j.add("truncated_packets", s.truncatedPackets)
    j.add("damaged_regions", s.damageCount)
    j.add("skipped_bytes", s.skippedBytes)
    j.add("section_header_rebuilt", s.synthesizedSectionHeader)
    j.addRaw("regions", "[" + regions.joined(separator: ",") + "]")
    let stdout = FileSink.standardOutput()
    try? stdout.write(j.finish() + "\n")
    try? stdout.flush()
  }
}

/// Forwards to a ``FileSink`` and remembers whether a write failed, so a failure can be told apart from a read error.
struct FailureTrackingSink: ByteSink {
  let inner: FileSink
  var failed = false

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    do {
      try inner.write(bytes)
    } catch {
      failed = true
      throw error
    }
  }
}
