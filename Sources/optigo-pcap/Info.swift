import WireBytes
import ArgumentParser
import PcapKit

/// `optigo-pcap info FILE…`: what capinfos prints — format, byte order, version, interfaces, packet count, data
/// size, first/last time, duration and rates.
struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Describe captures like capinfos: format, interfaces, packet count, sizes, times and rates.",
    discussion: """
      Times are exact (no floating point) and printed in UTC. Data size is the sum of original lengths (as capinfos counts it); the captured size is shown too. \
      First and last packet times are the earliest and latest timestamps (as capinfos reports them), the \
      duration is their difference. With --json, one JSON object per file. Exit status 65 when a file could \
      not be read to its end (the figures then cover what was read), 66 when it could not be read at all.
      """)

  @OptionGroup var inputFiles: InputFiles

  /// The capture files, from the arguments and `-r`.
  var files: [String] { inputFiles.all }

  @Flag(help: "Print one JSON object per file (JSON Lines).")
  var json = false

  @Option(name: .customShort("j"), help: "Files read at once (default: the number of cores); output stays in input order.")
  var jobs: Int?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("-j needs at least 1") }
  }

  func run() throws {
    let out = OutputStream.standardOutput()
    var worst = ReadOutcome.complete
    // Files in parallel, each worker one file at a time; errors and figures are printed in input order.
    let files = self.files, json = self.json
    let workers = files.filter({ $0 == "-" }).count > 1 ? 1 : jobs ?? ParallelFiles.defaultJobs
    let results = ParallelFiles.map(files.count, jobs: workers) { i -> (ReadOutcome, CaptureError?, String) in
      var stats = CaptureStats()
      let outcome = stats.read(files[i])
      if outcome == .unreadable { return (outcome, stats.error, "") }
      return (outcome, stats.error, json ? stats.json(file: files[i]) : stats.text(file: files[i]))
    }
    for (i, (file, (outcome, error, text))) in zip(files, results).enumerated() {
      if let error { Diagnostics.error("\(file): \(error)") }
      worst = max(worst, outcome)
      if outcome == .unreadable { continue }
      if json {
        out.line(text)
      } else {
        if i > 0 { out.line("") }
        out.write(text)
      }
    }
    out.flush()
    if out.failed { throw ExitStatus.outputFailure }
    if let code = worst.exitCode { throw code }
  }
}

/// One capture's statistics (PcapKit's `CaptureStatistics`) and read error, rendered as capinfos-like text or JSON.
struct CaptureStats {
  var figures = CaptureStatistics()
  var error: CaptureError?

  /// Reads the whole capture; the error, if any, is kept in ``error`` (not printed: the caller reports it).
  mutating func read(_ file: String) -> ReadOutcome {
    var reader: CaptureReader
    do {
      reader = try CaptureInput.reader(file)
    } catch {
      self.error = error
      return .unreadable
    }
    do {
      try figures.read(&reader)
      return .complete
    } catch {
      self.error = error
      return figures.records == 0 ? .unreadable : .damaged
    }
  }

  var formatName: String {
    guard let format = figures.format else { return "unknown" }
    return format.description + (figures.isCompressed ? " (\(figures.compression ?? "gzip")-compressed)" : "")
  }

  var encapsulation: String { figures.encapsulation?.description ?? "per packet" }

  func seconds(_ ns: Int128) -> String {
    let f = String(ns % 1_000_000_000)
    return String(ns / 1_000_000_000) + "." + String(repeating: "0", count: 9 - f.count) + f
  }

  func fixed(_ v: Double, _ digits: Int) -> String { NumberText.fixed(v, digits: digits) }

  func text(file: String) -> String {
    let byteOrders = figures.byteOrders, versions = figures.versions, interfaces = figures.interfaces
    let packets = figures.packets, bytesRead = figures.bytesRead, sections = figures.sections
    let origSize = figures.originalSize, dataSize = figures.capturedSize, untimed = figures.untimedPackets
    let first = figures.firstTimestamp, last = figures.lastTimestamp, comments = figures.comments
    var s = ""
    func row(_ k: String, _ v: String) { s += k + String(repeating: " ", count: max(1, 21 - k.count)) + v + "\n" }
    row("File name:", file)
    row("File type:", formatName)
    row("Byte order:", Array(Set(byteOrders.map(\.description))).sorted().joined(separator: ", "))
    row("Version:", Array(Set(versions)).sorted().joined(separator: ", "))
    row("File encapsulation:", encapsulation)
    let linkTypes = figures.linkTypeCounts
    if linkTypes.count > 1 {
      s += "Encapsulation in use by packets (# of pkts):\n"
      for (l, n) in linkTypes { s += String(repeating: " ", count: 21) + "\(l) (\(l.rawValue)) (\(n))\n" }
    }
    let resolutions = Array(Set(interfaces.map(\.resolution.description))).sorted()
    row("Time resolution:", resolutions.isEmpty ? "-" : resolutions.joined(separator: ", "))
    let snaps = Set(interfaces.map(\.snapLength))
    row("Packet size limit:", snaps.count == 1 ? (snaps.first! == 0 ? "(not set)" : "\(snaps.first!) bytes") : "per interface")
    row("Number of packets:", String(packets))
    row("Bytes read:", String(bytesRead))
    row("Data size:", "\(origSize) bytes (original lengths), \(dataSize) bytes captured")
    if untimed > 0 { row("Untimed packets:", "\(untimed) (Simple Packet Blocks carry no timestamp)") }
    if let f = first, let l = last {
      row("Capture duration:", seconds(figures.durationNanoseconds) + " seconds")
      row("First packet time:", f.iso8601)
      row("Last packet time:", l.iso8601)
    } else {
      row("Capture duration:", "n/a")
      row("First packet time:", "n/a")
      row("Last packet time:", "n/a")
    }
    row("Data byte rate:", figures.perSecond(origSize).map { fixed($0, 2) + " bytes/s" } ?? "n/a")
    row("Data bit rate:", figures.perSecond(origSize * 8).map { fixed($0, 2) + " bits/s" } ?? "n/a")
    row("Average packet size:", packets > 0 ? fixed(Double(origSize) / Double(packets), 2) + " bytes" : "n/a")
    row("Average packet rate:", figures.perSecond(packets).map { fixed($0, 2) + " packets/s" } ?? "n/a")
    row("Strict time order:", figures.isStrictlyOrdered ? "True" : "False")
    if figures.overSnapLength > 0 { row("Over snap length:", "\(figures.overSnapLength) packets") }
    if let os = figures.os { row("Capture oper-sys:", os) }
    if let hardware = figures.hardware { row("Capture hardware:", hardware) }
    if let application = figures.application { row("Capture application:", application) }
    for c in comments { row("Capture comment:", c) }
    row("Number of sections:", String(sections))
    row("Number of interfaces in file:", String(interfaces.count))
    for (k, i) in interfaces.enumerated() {
      s += "Interface #\(k) info:\n"
      let pad = String(repeating: " ", count: 21)
      if sections > 1 { s += pad + "Section = \(i.section)\n" }
      if let n = i.name { s += pad + "Name = \(n)\n" }
      if let d = i.description { s += pad + "Description = \(d)\n" }
      s += pad + "Encapsulation = \(i.linkType) (\(i.linkType.rawValue))\n"
      s += pad + "Capture length = \(i.snapLength)\n"
      s += pad + "Time resolution = \(i.resolution) (\(i.resolution.unitsPerSecond) ticks per second)\n"
      if i.timestampOffset != 0 { s += pad + "Time offset = \(i.timestampOffset) seconds\n" }
      if let f = i.filter { s += pad + "Filter string = \(f)\n" }
      if let o = i.os { s += pad + "Operating system = \(o)\n" }
      s += pad + "Number of stat entries = \(i.statisticsBlocks)\n"
      s += pad + "Number of packets = \(i.packets)\n"
    }
    if let error { row("Read error:", error.description) }
    return s
  }

  func json(file: String) -> String {
    let byteOrders = figures.byteOrders, versions = figures.versions, interfaces = figures.interfaces
    let packets = figures.packets, bytesRead = figures.bytesRead, sections = figures.sections
    let origSize = figures.originalSize, dataSize = figures.capturedSize, untimed = figures.untimedPackets
    let first = figures.firstTimestamp, last = figures.lastTimestamp, comments = figures.comments
    let format = figures.format
    var j = JSONWriter.Object()
    j.add("file", file)
    j.add("format", format.map { if case .pcapng = $0 { "pcapng" } else { "pcap" } } ?? "unknown")
    if case .pcap(let ns, _, let modified) = format {
      j.add("nanosecond", ns)
      j.add("modified", modified)
    }
    j.add("compressed", figures.isCompressed)
    if let compression = figures.compression { j.add("compression", compression) } else { j.addNull("compression") }
    j.add("byte_orders", byteOrders.map { $0 == .little ? "little" : "big" })
    j.add("versions", versions)
    j.add("sections", sections)
    j.add("encapsulation", encapsulation)
    j.add("packets", packets)
    j.add("data_size", origSize)
    j.add("captured_size", dataSize)
    j.add("untimed_packets", untimed)
    j.add("bytes_read", bytesRead)
    if let f = first, let l = last {
      j.add("first_time_ns", f.nanosecondsSinceEpoch)
      j.add("last_time_ns", l.nanosecondsSinceEpoch)
      j.add("first_time", f.epochString)
      j.add("last_time", l.epochString)
      j.add("duration_ns", figures.durationNanoseconds)
    } else {
      j.addNull("first_time_ns")
      j.addNull("last_time_ns")
      j.addNull("duration_ns")
    }
    if let r = figures.perSecond(origSize) { j.add("data_byte_rate", r) } else { j.addNull("data_byte_rate") }
    if let r = figures.perSecond(origSize * 8) { j.add("data_bit_rate", r) } else { j.addNull("data_bit_rate") }
    if packets > 0 { j.add("average_packet_size", Double(origSize) / Double(packets)) } else { j.addNull("average_packet_size") }
    if let r = figures.perSecond(packets) { j.add("average_packet_rate", r) } else { j.addNull("average_packet_rate") }
    j.add("strict_time_order", figures.isStrictlyOrdered)
    j.add("comments", comments)
    var ifs = "["
    for (k, i) in interfaces.enumerated() {
      var o = JSONWriter.Object()
      o.add("section", i.section)
      o.add("interface_id", i.id)
      o.add("link_type", Int(i.linkType.rawValue))
      o.add("link_type_name", i.linkType.description)
      o.add("snaplen", Int(i.snapLength))
      o.add("resolution", i.resolution.description)
      o.add("time_offset", Int(i.timestampOffset))
      if let n = i.name { o.add("name", n) }
      o.add("packets", i.packets)
      o.add("statistics_blocks", i.statisticsBlocks)
      ifs += (k > 0 ? "," : "") + o.finish()
    }
    j.addRaw("interfaces", ifs + "]")
    if let error {
      var e = JSONWriter.Object()
      e.add("code", error.code.rawValue)
      if let off = error.offset { e.add("offset", off) }
      e.add("message", error.message)
      j.addRaw("error", e.finish())
    }
    return j.finish()
  }
}
