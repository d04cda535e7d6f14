import ArgumentParser

/// The inputs of a reading command: positional paths, or `-r FILE` (repeatable) as tcpdump and tshark spell it.
struct InputFiles: ParsableArguments {
  @Argument(help: "Capture files (pcap, pcapng, optionally gzip-, zstd- or lz4-compressed); '-' reads standard input.")
  var paths: [String] = []

  @Option(name: .customShort("r"), help: ArgumentHelp("Capture file to read (repeatable; like tcpdump -r).", valueName: "file"))
  var readFiles: [String] = []

  /// Every input, positional ones first.
  var all: [String] { paths + readFiles }

  func validate() throws {
    if all.isEmpty { throw ValidationError("give at least one capture file (or - for standard input)") }
  }
}
