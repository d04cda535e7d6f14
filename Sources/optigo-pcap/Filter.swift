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

/// Output format choice shared by `filter` and `merge` (`-F pcap|pcapng`).
enum CaptureOutputFormat: String, ExpressibleByArgument, CaseIterable {
  case pcap
  case pcapng
}

extension TransportSelection: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
  public static var allValueStrings: [String] { ["udp", "tcp", "any"] }
}

/// Small helpers shared by the `filter` and `merge` subcommands.
enum CaptureCommandSupport {
  /// `--sync` of the commands that write a capture derived from their inputs.
  static let syncHelp = ArgumentHelp(
    "Force the output to disk (fsync) before renaming it into place (by default it is only renamed: the inputs still exist).")

  /// Opens a capture for reading, mapping failures to exit status 66.
  static func openReader(_ path: String, command: String, options: ReaderOptions = .init()) throws -> CaptureReader {
    do {
      return try CaptureInput.reader(path, options: options)
    } catch {
      StandardError.line("optigo-pcap \(command): \(path == "-" ? "standard input" : path): \(error)")
      throw ExitStatus.unreadableInput
    }
  }

  /// Creates the atomic output, mapping failures to exit status 64 (output is an input) or 73.
  ///
  /// The sink's own buffer is small (64 KiB): filter and merge hand it kept records in 1 MiB batches, which then go
  /// straight to `write(2)` instead of being copied once more. These outputs derive from inputs that still exist,
  /// so they are renamed into place without `fsync` unless `sync` (`--sync`) asks for it (the rule is documented
  /// on `AtomicOutputFile`).
  static func openOutput(_ path: String, inputs: [String], command: String, sync: Bool = false) throws -> AtomicOutputFile {
    do {
      return try AtomicOutputFile(path: path, inputs: inputs, bufferSize: 1 << 16,
                                  durability: sync ? .synchronized : .renamed)
    } catch {
      StandardError.line("optigo-pcap \(command): \(error)")
      throw error.code == .outputIsInput ? ExitStatus.usage : ExitStatus.outputFailure
    }
  }
}

/// `optigo-pcap filter`: keep BACnet/IP (and other selected ports) from a capture, losslessly.
struct Filter: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "filter",
    abstract: "Keep the packets on BACnet/IP ports (UDP 47808-47823 by default) and write them to a new capture.",
    discussion: """
      Packets whose UDP (or TCP, with --proto) source or destination port is in the set are kept, also behind \
      VLAN tags, in IPv6 and in Linux cooked / raw IP / loopback captures; later IPv4/IPv6 fragments of a kept \
      datagram are kept too. Section headers, interfaces, name resolution and statistics blocks are kept; packet \
      bytes, timestamps and comments are copied exactly. The output appears only when complete (temporary file \
      renamed into place). A one-line account goes to standard error.

      With a content option (--device, --address, --service, --object, --pdu-type, --network) only BACnet \
      messages are kept (BACnet/IP on the port set, BACnet/Ethernet, MS/TP), and only those that satisfy every \
      option given (any of the values of a repeated option). A confirmed request, its segments and its reply \
      (SimpleACK, ComplexACK, Error, Reject, Abort; matched by addresses and invoke ID) are kept or dropped \
      together: kept when each option is satisfied by some packet of the exchange. See docs/content-selection.md.

      For tcpdump habits, a trailing '[udp|tcp] port N [or …]' (or 'portrange A-B') after the input is read as \
      --ports N (and --proto): `filter -r in.pcap -w out.pcap udp port 47808`. Other expressions are refused.
      """
  )

  @Argument(help: ArgumentHelp(
    "Input capture (pcap, pcapng, optionally gzip-, zstd- or lz4-compressed; - reads standard input), then optionally '[udp|tcp] port N [or …]'.",
    valueName: "input [expression]"))
  var words: [String] = []

  @Option(name: .customShort("r"), help: "Input capture (alternative to the positional argument).")
  var readFile: String?

  @Option(name: [.customShort("w"), .customLong("write")], help: "Output file; - writes standard output.")
  var output: String

  @Flag(help: CaptureCommandSupport.syncHelp)
  var sync = false

  @OptionGroup var portOptions: PortOptions

  @Option(name: .customLong("proto"), help: "Transport to match: udp, tcp or any.")
  var transport: TransportSelection = .udp

  @Flag(name: .customLong("keep-non-ip"), help: "Also keep frames without IP (ARP, BACnet/Ethernet LLC, MS/TP).")
  var keepNonIP = false

  @Option(name: .customShort("F"), help: "Output format: pcap or pcapng (default: the input's format).")
  var format: CaptureOutputFormat?

  @OptionGroup var stale: StaleTemporaryOptions

  @Option(name: .customLong("fragment-window"), help: "Packets held back waiting for a first IP fragment (with content options: for a reply or the rest of a datagram; default 4096 then).")
  var fragmentWindow: Int?

  @OptionGroup(title: "BACnet content") var content: ContentOptions

  /// The positional input, if any: the first word, unless `-r` names the input or the words start an expression.
  var input: String? {
    guard readFile == nil, let first = words.first else { return nil }
    return FilterExpression.leadingWords.contains(first.lowercased()) ? nil : first
  }

  /// The words after the input: a trailing port expression.
  var expressionWords: [String] { input == nil ? words : Array(words.dropFirst()) }

  /// The input path from either spelling.
  var inputPath: String { readFile ?? input ?? "-" }

  /// The trailing expression, parsed (nil when there is none).
  func expression() throws(FilterExpressionError) -> FilterExpression? {
    expressionWords.isEmpty ? nil : try FilterExpression.parse(expressionWords)
  }

  /// The port set from `--ports`, a trailing expression and `--add-ports`.
  func portSet() throws(PortSet.ParseError) -> PortSet {
    guard let text = (try? expression())??.ports else { return portOptions.portSet }
    return portOptions.portSet(base: try PortSet(parsing: text))
  }

  /// `--proto`, or the transport a trailing expression names.
  var effectiveTransport: TransportSelection { ((try? expression()) ?? nil)?.transport ?? transport }

  func validate() throws {
    if let fragmentWindow, fragmentWindow < 1 { throw ValidationError("--fragment-window must be at least 1") }
    do {
      if try expression() != nil, portOptions.ports != nil {
        throw ValidationError("give the ports either with --ports or as a trailing expression, not both")
      }
    } catch let error as FilterExpressionError {
      throw ValidationError(error.message)
    }
    do { _ = try portSet() } catch { throw ValidationError(error.message) }
    if content.isActive && (keepNonIP || transport != .udp) {
      throw ValidationError("--keep-non-ip and --proto do not combine with content options: those keep BACnet messages only (BACnet/IP on the port set, BACnet/Ethernet and MS/TP)")
    }
  }

  func run() throws {
    stale.check(paths: [output], command: "filter")
    let predicate = PortFilter(ports: try portSet(), transport: effectiveTransport, keepNonIP: keepNonIP)
    var reader = try CaptureCommandSupport.openReader(inputPath, command: "filter")
    let out = try CaptureCommandSupport.openOutput(output, inputs: [inputPath], command: "filter", sync: sync)
    let mode: RecordWriter.Mode
    switch (format, reader.format) {
    case (nil, _): mode = .verbatim
    case (.pcap?, .pcap): mode = .verbatim
    case (.pcapng?, .pcapng): mode = .verbatim
    case (.pcap?, _): mode = .pcap
    case (.pcapng?, _): mode = .pcapng
    }
    let writer = RecordWriter(sink: out.sink, mode: mode)
    var filter = CaptureFilter(predicate: predicate, fragmentWindow: fragmentWindow ?? 1024)
    var contentFilter: ContentCaptureFilter? = nil
    if content.isActive {
      contentFilter = ContentCaptureFilter(
        criteria: try content.criteria(), addresses: try content.addressSelectors(), ports: try portSet(),
        window: fragmentWindow ?? 4096)
    }
    var readError: CaptureError?
    do {
      if contentFilter != nil {
        try contentFilter?.run(reader: &reader, to: writer)
      } else {
        try filter.run(reader: &reader, to: writer)
      }
    } catch {
      if writer.failure != nil {
        out.discard()
        StandardError.line("optigo-pcap filter: \(error)")
        throw ExitStatus.outputFailure
      }
      readError = error
    }
    for warning in writer.warnings { StandardError.line("optigo-pcap filter: warning: \(warning)") }
    StandardError.line("optigo-pcap filter: \(contentFilter.map { "\($0.account)" } ?? "\(filter.account)")")
    if let readError {
      out.discard()
      StandardError.line(
        "optigo-pcap filter: \(inputPath == "-" ? "standard input" : inputPath): \(readError); output not written")
      throw ExitStatus.damagedInput
    }
    do {
      try out.commit()
    } catch {
      StandardError.line("optigo-pcap filter: \(error)")
      throw ExitStatus.outputFailure
    }
  }
}
