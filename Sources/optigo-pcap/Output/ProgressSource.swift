import CaptureArchive
import PcapKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Progress of a long run on standard error — only when standard error is a terminal, never when it is piped or
/// redirected: percent of the input's bytes (compressed bytes for a compressed file), packets read, bytes read and
/// the rate, e.g. `in.pcap: 42% of 700 MB, 1,234,567 packets, 310 MB read, 95 MB/s`, redrawn in place at most twice
/// a second once the run has lasted a second, and erased when the input ends (or, for a merge, when the run ends).
///
/// One state serves a run: the ``ProgressSource``s of its inputs add bytes (and draw, once per chunk of about a
/// megabyte), and the readers add packets to ``packets`` (``ReaderOptions/packetTally``: one integer increment per
/// packet, nothing else per packet).
final class ProgressState: @unchecked Sendable {  // one thread: the command's; Sendable only to sit in MergeOptions
  let label: String
  let total: Int64?
  var done: Int64 = 0
  /// Packets delivered by the readers of the run.
  let packets = PacketTally()
  /// Erase the line when an input ends (one input per line); a merge erases once, at the end of the run.
  let erasesAtInputEnd: Bool
  let started = ContinuousClock.now
  /// How long a run lasts before progress shows: a second (`OPTIGO_PCAP_PROGRESS_AFTER_MS` overrides it, for tests).
  static let delay: Duration = .milliseconds(
    unsafe getenv("OPTIGO_PCAP_PROGRESS_AFTER_MS").flatMap { unsafe Int(String(cString: $0)) } ?? 1000)
  var lastDrawn: ContinuousClock.Instant?
  var drawn = false

  init(label: String, total: Int64?, erasesAtInputEnd: Bool = true) {
    self.label = label
    self.total = total
    self.erasesAtInputEnd = erasesAtInputEnd
  }

  deinit { erase() }

  /// Reader options counting packets into this state.
  func options(_ base: ReaderOptions = .init()) -> ReaderOptions {
    var options = base
    options.packetTally = packets
    return options
  }

  func drawIfDue() {
    let now = ContinuousClock.now
    guard now - started >= Self.delay else { return }
    if let lastDrawn, now - lastDrawn < .milliseconds(500) { return }
    lastDrawn = now
    let seconds = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
    let mb = Double(done) / 1e6
    var text = "\r\u{1B}[K\(label): "
    if let total, total > 0 {
      text += "\(min(100, Int(Double(done) * 100 / Double(total))))% of \(Self.megabytes(Double(total) / 1e6)), "
    }
    text += "\(Self.grouped(packets.count)) packet\(packets.count == 1 ? "" : "s"), \(Self.megabytes(mb)) read, \(Self.megabytes(mb / max(seconds, 0.001)))/s"
    StandardError.write(text)
    drawn = true
  }

  func erase() {
    if drawn { StandardError.write("\r\u{1B}[K") }
    drawn = false
  }

  static func megabytes(_ mb: Double) -> String {
    mb >= 100 ? "\(Int(mb)) MB" : "\(Double(Int(mb * 10)) / 10) MB"
  }

  /// `1234567` as `1,234,567`.
  static func grouped(_ n: Int) -> String {
    var digits = Array(String(n)), result: [Character] = []
    while digits.count > 3 {
      result = [","] + digits.suffix(3) + result
      digits.removeLast(3)
    }
    return String(digits + result)
  }
}

/// A file source that adds the bytes it reads to a ``ProgressState`` and lets it draw: it counts at the
/// byte-source level (the reader asks for a chunk of about a megabyte at a time), so it costs nothing per packet.
final class ProgressSource: ByteSource {
  let inner: FileSource
  let state: ProgressState
  var opened = false

  init(_ inner: FileSource, state: ProgressState) {
    self.inner = inner
    self.state = state
  }

  func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    let n = try inner.read(into: &buffer, at: index, count: count)
    state.done += Int64(n)
    // Not on an input's first read: that chunk only opens the input, its packets are not counted yet.
    if n > 0 { if opened { state.drawIfDue() } else { opened = true } } else if state.erasesAtInputEnd { state.erase() }
    return n
  }
}

/// Opens inputs for the reading commands: a plain ``CaptureReader``, with ``ProgressSource`` in between when
/// standard error is a terminal and the input is a regular file.
enum CaptureInput {
  /// True when progress may be drawn (standard error is a terminal).
  static let showsProgress = isatty(2) == 1
  /// True when standard output is a terminal (`list` then draws no progress: it would land among its lines).
  static let stdoutIsTerminal = isatty(1) == 1

  /// The size of `path` when progress applies to it: a regular file of a megabyte or more.
  static func progressSize(_ path: String) -> Int64? {
    guard path != "-", let status = try? PosixFileSystem().status(of: path), status.kind == .regular,
          status.size >= 1 << 20 else { return nil }
    return status.size
  }

  /// The file source for `path`, wrapped for progress when it applies; nil to let the reader open `path` itself.
  static func progressSource(_ path: String) throws(CaptureError) -> ProgressSource? {
    guard showsProgress, let size = progressSize(path) else { return nil }
    return ProgressSource(try FileSource(path: path), state: ProgressState(label: PathLabel.name(path), total: size))
  }

  /// A strict reader on `path` (`-` is standard input), counting packets and bytes for progress when it applies.
  static func reader(_ path: String, options: ReaderOptions = .init()) throws(CaptureError) -> CaptureReader {
    if let source = try progressSource(path) {
      return try CaptureReader(source: source, options: source.state.options(options))
    }
    return try CaptureReader(path: path, options: options)
  }

  /// Progress for a merge of `paths`: one line for the whole run (`label`), all inputs' bytes and their packets;
  /// nil when standard error is not a terminal or the inputs are less than a megabyte in all.
  static func mergeProgress(_ paths: [String], label: String, options: inout MergeOptions) -> ProgressState? {
    guard showsProgress else { return nil }
    let sizes = paths.map { $0 == "-" ? 0 : (try? PosixFileSystem().status(of: $0)).map { $0.kind == .regular ? $0.size : 0 } ?? 0 }
    let total = sizes.reduce(0, +)
    guard total >= 1 << 20 else { return nil }
    let state = ProgressState(label: label, total: total, erasesAtInputEnd: false)
    options.readerOptions = state.options(options.readerOptions)
    options.openSource = { path throws(CaptureError) in
      guard path != "-" else { return nil }
      return ProgressSource(try FileSource(path: path), state: state)
    }
    return state
  }

  /// A lenient reader on `path`.
  static func lenientReader(_ path: String) throws(CaptureError) -> LenientCaptureReader {
    if let source = try progressSource(path) { return try LenientCaptureReader(source: source, options: source.state.options()) }
    return try LenientCaptureReader(path: path)
  }
}

/// The last path component, for progress labels.
enum PathLabel {
  static func name(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}
