import CaptureArchive
import PcapKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Progress of a long read on standard error — only when standard error is a terminal, never when it is piped or
/// redirected: percent of the input's bytes (compressed bytes for a compressed file), bytes read and the rate,
/// redrawn in place at most twice a second once the run has lasted a second, and erased when the input ends.
///
/// It counts at the byte-source level (the reader asks for a chunk of about a megabyte at a time), so it costs
/// nothing per packet and works for every command reading through ``CaptureInput``.
final class ProgressSource: ByteSource {
  let inner: FileSource
  let label: String
  let total: Int64?
  var done: Int64 = 0
  let started = ContinuousClock.now
  /// How long a run lasts before progress shows: a second (`OPTIGO_PCAP_PROGRESS_AFTER_MS` overrides it, for tests).
  static let delay: Duration = .milliseconds(
    unsafe getenv("OPTIGO_PCAP_PROGRESS_AFTER_MS").flatMap { unsafe Int(String(cString: $0)) } ?? 1000)
  var lastDrawn: ContinuousClock.Instant?
  var drawn = false

  init(_ inner: FileSource, label: String, total: Int64?) {
    self.inner = inner
    self.label = label
    self.total = total
  }

  deinit { erase() }

  func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    let n = try inner.read(into: &buffer, at: index, count: count)
    done += Int64(n)
    if n == 0 { erase() } else { drawIfDue() }
    return n
  }

  func drawIfDue() {
    let now = ContinuousClock.now
    guard now - started >= Self.delay else { return }
    if let lastDrawn, now - lastDrawn < .milliseconds(500) { return }
    lastDrawn = now
    let seconds = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
    let mb = Double(done) / 1e6
    var text = "\r\u{1B}[K\(label): "
    if let total, total > 0 { text += "\(Int(Double(done) * 100 / Double(total)))% of \(Self.megabytes(Double(total) / 1e6)), " }
    text += "\(Self.megabytes(mb)) read, \(Self.megabytes(mb / max(seconds, 0.001)))/s"
    write(text)
    drawn = true
  }

  func erase() {
    if drawn { write("\r\u{1B}[K") }
    drawn = false
  }

  func write(_ text: String) {
    StandardError.write(text)
  }

  static func megabytes(_ mb: Double) -> String {
    mb >= 100 ? "\(Int(mb)) MB" : "\(Double(Int(mb * 10)) / 10) MB"
  }
}

/// Opens inputs for the reading commands: a plain ``CaptureReader``, with ``ProgressSource`` in between when
/// standard error is a terminal and the input is a regular file.
enum CaptureInput {
  /// True when progress may be drawn (standard error is a terminal).
  static let showsProgress = isatty(2) == 1

  /// The file source for `path`, wrapped for progress when it applies; nil to let the reader open `path` itself.
  static func progressSource(_ path: String) throws(CaptureError) -> ProgressSource? {
    guard showsProgress, path != "-", let status = try? PosixFileSystem().status(of: path), status.kind == .regular,
          status.size >= 1 << 20 else { return nil }
    return ProgressSource(try FileSource(path: path), label: PathLabel.name(path), total: status.size)
  }

  /// A strict reader on `path` (`-` is standard input).
  static func reader(_ path: String, options: ReaderOptions = .init()) throws(CaptureError) -> CaptureReader {
    if let source = try progressSource(path) { return try CaptureReader(source: source, options: options) }
    return try CaptureReader(path: path, options: options)
  }

  /// A lenient reader on `path`.
  static func lenientReader(_ path: String) throws(CaptureError) -> LenientCaptureReader {
    if let source = try progressSource(path) { return try LenientCaptureReader(source: source) }
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
