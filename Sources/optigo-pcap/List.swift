import WireBytes
import ArgumentParser
import BACnetAnalysis
import PcapKit

/// Adds protocol columns to `list`: a one-line summary for the text form and extra keys for `--json`.
///
/// Extension point: the BACnet decoders plug in here (see ``List/makeAnnotators()``); with no annotator the
/// listing shows only capture-level fields.
protocol ListAnnotator {
  /// A short protocol summary for the text listing (tshark's "Info" column), or nil.
  mutating func summary(of packet: Packet) -> String?
  /// Adds protocol keys to the packet's JSON object.
  mutating func addFields(of packet: Packet, to json: inout JSONWriter.Object)
  /// Called before the first packet of each file (stateful annotators reset here).
  mutating func beginFile(_ path: String)
}

extension ListAnnotator {
  /// Does nothing.
  mutating func beginFile(_ path: String) {}
}

/// `optigo-pcap list FILE…`: one line per packet, like `tshark -r`.
struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the packets of captures, one line each (like tshark -r).",
    discussion: """
      Each line shows the frame number, the time relative to the first packet, the absolute UTC time, the \
      interface, the link type and the captured/original lengths. With --json, one JSON object per packet \
      (JSON Lines) with keys frame, interface_id, link_type, time_ns (integer nanoseconds since the epoch, \
      rounded down; null for Simple Packet Blocks, which carry no time), time (exact seconds since the epoch as a decimal string), cap_len and orig_len, plus \
      "file" when several files are listed. BACnet packets (UDP 47808-47823 and --ports/--add-ports, \
      BACnet/Ethernet LLC, MS/TP) add a summary to the text line (the whole decode with --verbose) and, in \
      JSON, the keys bacnet, summary, bvlc, npdu, network_message, apdu, mstp and diagnostics; every packet \
      adds eth_src, eth_dst, vlan, ip_src, ip_dst, src_port, dst_port when present. The content options \
      (--device, --address, --service, --object, --pdu-type, --network) list only the BACnet packets that \
      satisfy them, with their original frame numbers, exactly those `filter` keeps with the same options (a \
      confirmed request and its reply together); -c then counts packets read. Read errors go to standard error with their byte offset; the exit \
      status is 65 when a file could not be read to its end, 66 when a file could not be read at all. Progress \
      (packets and bytes read) shows on standard error only when it is a terminal and standard output is not \
      (e.g. `list big.pcap > out.txt`): drawn on the same terminal, it would land among the listed lines.
      """)

  @OptionGroup var inputFiles: InputFiles

  /// The capture files, from the arguments and `-r`.
  var files: [String] { inputFiles.all }

  @Option(name: .customShort("c"), help: ArgumentHelp("Stop after N packets (over all files; like tcpdump -c).", valueName: "n"))
  var count: Int?

  @Flag(help: "Print JSON Lines instead of text.")
  var json = false

  @Flag(name: [.short, .long], help: "Print the whole BACnet decode under each BACnet packet (text form).")
  var verbose = false

  @OptionGroup var portOptions: PortOptions

  @Flag(help: "Also decode UDP payloads on other ports that look like BACnet/IP (valid BVLC header and length).")
  var heuristic = false

  @OptionGroup(title: "BACnet content") var content: ContentOptions

  func validate() throws {
    if let count, count < 1 { throw ValidationError("-c must be at least 1") }
  }

  /// The protocol annotators in use (BACnet summaries plug in here).
  func makeAnnotators() -> [any ListAnnotator] {
    let ports = portOptions.portSet
    return [BACnetListAnnotator(configuration: .init(ports: ports, heuristic: heuristic), verbose: verbose)]
  }

  func run() throws {
    let out = OutputStream.standardOutput()
    var worst = ReadOutcome.complete
    var annotators = makeAnnotators()
    var remaining = count ?? Int.max
    for file in files where remaining > 0 {
      worst = max(worst, list(file, out, &annotators, remaining: &remaining))
    }
    out.flush()
    if out.failed { throw ExitStatus.outputFailure }
    if let code = worst.exitCode { throw code }
  }

  func list(_ file: String, _ out: OutputStream, _ annotators: inout [any ListAnnotator], remaining: inout Int) -> ReadOutcome {
    var records = 0
    do {
      // Progress only when the listing does not go to the terminal too (e.g. `list big.pcap > out.txt`).
      var reader = CaptureInput.stdoutIsTerminal ? try CaptureReader(path: file) : try CaptureInput.reader(file)
      for i in annotators.indices { annotators[i].beginFile(file) }
      var frame = 0
      var firstNs: Int128?
      var selection = (try? makeSelection()) ?? nil  // the options were checked by validate()
      defer {
        if selection != nil {
          selection?.selector.finish()
          while let line = selection?.selector.popReady() { out.line(line) }
        }
      }
      if files.count > 1 && !json { out.line("==> \(file) <==") }
      while remaining > 0, let record = try reader.next() {
        records += 1
        guard case .packet(let p) = record else { continue }
        frame += 1
        remaining -= 1
        let ns = p.timestamp.nanosecondsSinceEpoch
        if json {
          var j = JSONWriter.Object()
          if files.count > 1 { j.add("file", file) }
          j.add("frame", frame)
          j.add("interface_id", p.interfaceID)
          j.add("link_type", Int(p.linkType.rawValue))
          if p.hasTimestamp {
            j.add("time_ns", ns)
            j.add("time", p.timestamp.epochString)
          } else {
            j.addNull("time_ns")
            j.addNull("time")
          }
          j.add("cap_len", p.capturedLength)
          j.add("orig_len", p.originalLength)
          for i in annotators.indices { annotators[i].addFields(of: p, to: &j) }
          emit(j.finish(), packet: p, &selection, out)
        } else {
          var line = pad(String(frame), 6) + " "
          if p.hasTimestamp {
            let first = firstNs ?? ns
            firstNs = first
            line += pad(relative(ns - first), 14) + " " + p.timestamp.iso8601(fractionDigits: 9)
          } else {
            line += pad("-", 14) + " (no timestamp)"
          }
          line += " if" + String(p.interfaceID) + " " + p.linkType.description + " " + String(p.capturedLength)
          line += p.capturedLength == p.originalLength ? " bytes" : " of \(p.originalLength) bytes"
          for i in annotators.indices {
            if let s = annotators[i].summary(of: p) { line += "  " + s }
          }
          emit(line, packet: p, &selection, out)
        }
      }
      return .complete
    } catch {
      out.flush()
      return ReadOutcome.report(error, file: file, recordsRead: records)
    }
  }

  /// A content selection over one file: its own pipeline (the annotators' numbering and state stay theirs) and the
  /// library's selector holding the lines of a transaction until it is decided.
  struct Selection {
    var pipeline: BACnetPipeline
    var selector: ContentSelector<String>
  }

  /// The selection for the content options, nil when none is given.
  func makeSelection() throws -> Selection? {
    guard content.isActive else { return nil }
    return Selection(
      pipeline: BACnetPipeline(configuration: .init(ports: portOptions.portSet, heuristic: heuristic)),
      selector: ContentSelector(criteria: try content.criteria(), addresses: try content.addressSelectors()))
  }

  /// Writes a packet's line, or hands it to the selection, writing whatever lines it releases.
  func emit(_ line: String, packet: Packet, _ selection: inout Selection?, _ out: OutputStream) {
    guard var s = selection else {
      out.line(line)
      return
    }
    selection = nil
    switch s.selector.submit(s.pipeline.decode(packet)) {
    case .keep: out.line(line)
    case .drop: break
    case .hold: s.selector.hold(line)
    }
    while let ready = s.selector.popReady() { out.line(ready) }
    selection = s
  }

  /// Seconds with 9 decimals for a nanosecond difference.
  func relative(_ ns: Int128) -> String {
    let neg = ns < 0
    let a = neg ? -ns : ns
    let f = String(a % 1_000_000_000)
    return (neg ? "-" : "") + String(a / 1_000_000_000) + "." + String(repeating: "0", count: 9 - f.count) + f
  }

  func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
  }
}
