import ArgumentParser
import CaptureSanitizer
import PcapKit

/// `optigo-pcap sanitize`: pseudonymizes addresses, BACnet strings and metadata so a capture can leave the site.
struct Sanitize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sanitize",
    abstract: "Pseudonymize a capture's contents (addresses, BACnet strings, metadata) so it can leave the site.",
    discussion: """
      IPv4 and IPv6 addresses get Crypto-PAn pseudonyms (prefix-preserving: addresses sharing k leading bits keep \
      sharing exactly k); multicast, loopback and 255.255.255.255 are kept, a last octet of 0 or 255 is kept (a \
      directed broadcast stays the broadcast of its pseudonymized /24), and private ranges keep their prefix \
      unless --scramble-private. MAC addresses (Ethernet, cooked captures, ARP), MS/TP station numbers and \
      BACnet/IPv6 virtual addresses get keyed pseudonyms; the B/IP addresses inside BVLC messages \
      (Forwarded-NPDU origin, BDT/FDT entries) and the NPDU's SADR/DADR change with them. BACnet \
      CharacterStrings (all by default, see --strings) become keyed pseudonyms of the same encoding and length; \
      file data in AtomicWriteFile/AtomicReadFile and VT-Data is zeroed. IPv4, UDP, TCP and ICMPv6 checksums and \
      MS/TP CRCs are updated (a checksum that was wrong stays wrong). pcapng comments, host, interface and \
      application names, name resolution, decryption secrets and custom blocks are removed. Payloads of other \
      protocols (DNS names, DHCP host names, TLS) are not rewritten: `filter` first to keep only BACnet.

      The key file holds the secret (at least 16 octets, or hexadecimal text): the same key gives the same \
      pseudonyms in every file and run, so captures sanitized separately still match. --map MAP writes the \
      reverse map (JSON Lines, mode 0600); `sanitize --reverse MAP REPORT` prints REPORT (e.g. a summarize \
      --json report made from the sanitized capture) with the pseudonyms turned back into the originals.
      """
  )

  @Argument(help: "Input capture (pcap, pcapng, optionally gzip-compressed; - reads standard input), or with --reverse the report to translate back.")
  var input: String?

  @Option(name: .customShort("r"), help: "Input capture (alternative to the positional argument).")
  var readFile: String?

  @Option(name: [.customShort("w"), .customLong("write")], help: "Output file; - writes standard output.")
  var output: String?

  @Option(name: .customLong("key-file"), help: "File holding the secret key (at least 16 octets, or hex text).")
  var keyFile: String?

  @Flag(help: CaptureCommandSupport.syncHelp)
  var sync = false

  @Option(help: "Also write the reverse map (pseudonym -> original) to this new file, mode 0600.")
  var map: String?

  @Option(
    name: .customLong("reverse"),
    help: ArgumentHelp("Translate a report made from a sanitized capture back with this map.", valueName: "map"))
  var reverseMap: String?

  @Option(help: "CharacterStrings to replace: all, none, or property names/numbers (object-name,description,…).")
  var strings = "all"

  @Flag(name: .customLong("keep-oui"), help: "Keep the first three octets (vendor OUI) of MAC addresses.")
  var keepOUI = false

  @Flag(name: .customLong("scramble-private"), help: "Do not keep the prefix of private IPv4/IPv6 ranges.")
  var scramblePrivate = false

  @Flag(name: .customLong("keep-mstp"), help: "Keep MS/TP station numbers (and 1-octet SADR/DADR).")
  var keepMSTP = false

  @Flag(name: .customLong("keep-file-data"), help: "Keep the octets of file transfers and VT sessions.")
  var keepFileData = false

  @Option(
    name: .customLong("shift-time"),
    help: "Shift every timestamp: a number of seconds (may be negative), or 'keyed' for an offset of up to a year chosen by the key.")
  var shiftTime: String?

  /// The input path from either spelling.
  var inputPath: String { readFile ?? input ?? "-" }

  func validate() throws {
    if input != nil && readFile != nil { throw ValidationError("give the input either as an argument or with -r, not both") }
    if reverseMap != nil {
      guard keyFile == nil, map == nil else { throw ValidationError("--reverse takes only the report (and -w)") }
      return
    }
    if output == nil { throw ValidationError("give the output with -w") }
    if keyFile == nil { throw ValidationError("give the key with --key-file") }
    do { _ = try SanitizerConfiguration.parseStrings(strings) } catch { throw ValidationError(error.message) }
    if let shiftTime, shiftTime != "keyed", Int64(shiftTime) == nil {
      throw ValidationError("--shift-time takes a whole number of seconds or 'keyed'")
    }
  }

  func run() throws {
    if let reverseMap { return try reverse(reverseMap) }
    guard let keyFile, let output else { throw ExitStatus.usage }
    let key: SanitizerKey
    do {
      key = try SanitizerKey(keyFileContents: try Self.readAll(keyFile))
    } catch let error as SanitizeError {
      StandardError.line("optigo-pcap sanitize: \(keyFile): \(error)")
      throw ExitStatus.usage
    } catch {
      StandardError.line("optigo-pcap sanitize: \(keyFile): \(error)")
      throw ExitStatus.unreadableInput
    }
    var configuration = SanitizerConfiguration()
    configuration.strings = try SanitizerConfiguration.parseStrings(strings)
    configuration.keepOUI = keepOUI
    configuration.keepPrivateRanges = !scramblePrivate
    configuration.keepMSTPAddresses = keepMSTP
    configuration.zeroFileData = !keepFileData
    if let shiftTime {
      configuration.timeShiftSeconds = shiftTime == "keyed" ? CaptureSanitizer.keyedTimeShift(key) : Int64(shiftTime) ?? 0
    }
    let reverse = map.map { _ in PseudonymMap() }
    let sanitizer = try CaptureSanitizer(key: key, configuration: configuration, map: reverse)
    var reader = try CaptureCommandSupport.openReader(inputPath, command: "sanitize")
    var inputs = [inputPath, keyFile]
    if let map { inputs.append(map) }
    // Every record is written (header and data separately): a 1 MiB sink buffer keeps write(2) calls large.
    let out: AtomicOutputFile
    do {
      out = try AtomicOutputFile(
        path: output, inputs: inputs, bufferSize: 1 << 20, durability: sync ? .synchronized : .renamed)
    } catch {
      StandardError.line("optigo-pcap sanitize: \(error)")
      throw error.code == .outputIsInput ? ExitStatus.usage : ExitStatus.outputFailure
    }
    if let map, AtomicOutputFile.sameFile(map, output) || map == output {
      StandardError.line("optigo-pcap sanitize: the map and the output are the same file")
      throw ExitStatus.usage
    }
    var sink = TrackingSink(sink: out.sink)
    let report: SanitizeReport
    do {
      report = try sanitizer.sanitize(&reader, into: &sink)
    } catch {
      out.discard()
      let isOutput = error.code == .ioError && sink.failed
      StandardError.line(
        "optigo-pcap sanitize: \(isOutput ? output : inputPath == "-" ? "standard input" : inputPath): \(error); output not written")
      throw isOutput ? ExitStatus.outputFailure : ExitStatus.damagedInput
    }
    do {
      try out.commit()
      if let map, let reverse {
        let mapFile = try AtomicOutputFile(path: map, inputs: [inputPath, output], permissions: 0o600)
        try mapFile.sink.write(Array(reverse.jsonLines().utf8)[...])
        try mapFile.commit()
      }
    } catch {
      StandardError.line("optigo-pcap sanitize: \(error)")
      throw ExitStatus.outputFailure
    }
    var account = "optigo-pcap sanitize: \(report.packets) packets"
    if !report.metadata.isEmpty { account += "; removed " + report.metadata.summary }
    if report.unfollowedSegments > 0 {
      account += "; \(report.unfollowedSegments) segment(s) whose first segment is not in the capture left as they are"
    }
    if let reverse { account += "; \(reverse.entries.count) pseudonyms in the map" }
    StandardError.line(account)
  }

  /// `--reverse MAP REPORT`: the report with pseudonyms turned back into originals.
  private func reverse(_ mapPath: String) throws {
    let map: PseudonymMap
    let text: String
    do {
      map = try PseudonymMap(jsonLines: String(decoding: try Self.readAll(mapPath), as: UTF8.self))
      text = String(decoding: try Self.readAll(inputPath), as: UTF8.self)
    } catch let error as SanitizeError {
      StandardError.line("optigo-pcap sanitize: \(mapPath): \(error)")
      throw ExitStatus.damagedInput
    } catch {
      StandardError.line("optigo-pcap sanitize: \(error)")
      throw ExitStatus.unreadableInput
    }
    let out = try CaptureCommandSupport.openOutput(output ?? "-", inputs: [inputPath, mapPath], command: "sanitize")
    do {
      try out.sink.write(Array(map.reverse(text).utf8)[...])
      try out.commit()
    } catch {
      StandardError.line("optigo-pcap sanitize: \(error)")
      throw ExitStatus.outputFailure
    }
  }

  /// Every octet of a file ("-": standard input).
  static func readAll(_ path: String) throws(CaptureError) -> [UInt8] {
    let source = path == "-" ? FileSource(fileDescriptor: 0, closeWhenDone: false) : try FileSource(path: path)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try source.read(into: &chunk, at: 0, count: chunk.count)
      if n == 0 { break }
      bytes += chunk[0..<n]
      if bytes.count > 1 << 30 { throw CaptureError(.ioError, offset: nil, "\(path) is larger than 1 GiB") }
    }
    return bytes
  }
}

/// A ``ByteSink`` over the output file that remembers whether a write failed, to tell an output failure from
/// damaged input when both surface through one `throws`.
struct TrackingSink: ByteSink {
  let sink: FileSink
  private(set) var failed = false

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    do { try sink.write(bytes) } catch {
      failed = true
      throw error
    }
  }
}
