import ArgumentParser
import PacketCapture
import CaptureArchive
import PcapKit

/// The output side of `capture`, whatever the source (BACnet/IP interfaces, an MS/TP serial port): spool
/// directory, format, naming, rotation, ring, stop conditions, announcements, disk guard.
struct CaptureOutputOptions: ParsableArguments {
  @Option(name: [.customShort("w"), .customLong("spool")],
          help: "Spool directory: completed files are renamed into it (created if missing).")
  var spool: String?

  @Option(name: .customShort("F"), help: "File format: pcapng (default) or pcap (nanosecond).")
  var format: CaptureOutputFormat = .pcapng

  @Option(help: "File name prefix (names are PREFIX-<UTC start>-<sequence>).")
  var prefix = "capture"

  @Flag(name: .customLong("anonymize-names"), help: "Name files with 32 random hex digits (no host, no time).")
  var anonymizeNames = false

  @Flag(name: .customLong("name-by-content"), help: "Name each completed file by the SHA-256 of its bytes (64 hex digits, as anonymize --naming content): no host, no time, the same file always gets the same name.")
  var nameByContent = false

  @Option(name: .customLong("rotate-size"), help: "Start a new file before one would exceed this size (e.g. 100M; K, M, G = 1024-based).")
  var rotateSize: String?

  @Option(name: .customLong("rotate-interval"), help: "Start a new file at every multiple of this interval on the UTC clock (e.g. 900, 15m, 1h).")
  var rotateInterval: String?

  @Option(name: .customLong("rotate-packets"), help: "Start a new file after this many packets.")
  var rotatePackets: Int?

  @Option(help: "Keep only the last N completed files in the spool (a ring); default: keep all.")
  var ring: Int?

  @Option(help: "Stop after this long (seconds, or with s/m/h).")
  var duration: String?

  @Option(help: "Stop after writing this many packets.")
  var packets: Int?

  @Option(help: "Stop at this UTC time (2026-12-03T16:00:00Z, or seconds since the epoch).")
  var until: String?

  @Option(help: "Announce each completed file: stdout (its path as a line, the default) or none.")
  var announce: AnnounceMode = .stdout

  @Option(help: "Shell command run for each completed file, with its path as $1 (instead of announcing on stdout).")
  var hook: String?

  @Option(name: .customLong("min-free"), help: "Stop when less than this would remain free on the spool's file system (default 64M).")
  var minFree = "64M"

  @Option(name: .customLong("spool-cap"), help: "Stop when the spool directory would hold more than this.")
  var spoolCap: String?

  @Flag(name: .customLong("quiet"), help: "No status line on standard error.")
  var quiet = false

  enum AnnounceMode: String, ExpressibleByArgument, CaseIterable {
    case stdout, none
  }

  func validate() throws {
    if spool == nil { return }  // checked by the command when it captures
    _ = try configuration()
    _ = try stopConditions(start: CaptureTimestamp(seconds: 0, nanoseconds: 0))
  }

  /// The spool configuration from the options.
  func configuration() throws -> SpoolConfiguration {
    var rotation = RotationPolicy()
    rotation.maximumBytes = try rotateSize.map { try Self.bytes($0, option: "--rotate-size") }
    rotation.intervalSeconds = try rotateInterval.map { Int64(try Self.seconds($0, option: "--rotate-interval")) }
    if let s = rotation.intervalSeconds, s < 1 { throw ValidationError("--rotate-interval must be at least 1 s") }
    if let n = rotatePackets, n < 1 { throw ValidationError("--rotate-packets must be at least 1") }
    rotation.maximumPackets = rotatePackets
    if let n = ring, n < 1 { throw ValidationError("--ring must be at least 1") }
    let guardLimits = DiskGuard(minimumFreeBytes: try Self.bytes(minFree, option: "--min-free"),
                                maximumSpoolBytes: try spoolCap.map { try Self.bytes($0, option: "--spool-cap") })
    guard let spool else { throw ValidationError("give the spool directory with -w") }
    if anonymizeNames && nameByContent { throw ValidationError("choose --anonymize-names or --name-by-content, not both") }
    return SpoolConfiguration(directory: spool, format: format == .pcap ? .pcap : .pcapng,
                              naming: nameByContent ? .content : anonymizeNames ? .anonymized : .timestamped(prefix: prefix),
                              rotation: rotation, ringSize: ring, diskGuard: guardLimits,
                              contentDigest: nameByContent ? SHA256Digest.factory : nil)
  }

  /// The stop conditions from the options.
  func stopConditions(start: CaptureTimestamp) throws -> StopConditions {
    if let n = packets, n < 1 { throw ValidationError("--packets must be at least 1") }
    return StopConditions(durationSeconds: try duration.map { try Self.seconds($0, option: "--duration") },
                          packets: packets, until: try until.map { try Self.time($0) })
  }

  /// The announcer chosen.
  func announcer() -> (any CaptureFileAnnouncer)? {
    if let hook { return CommandAnnouncer(command: hook) }
    return announce == .stdout ? LineAnnouncer() : nil
  }

  /// `100M` → 104857600; plain digits are bytes.
  static func bytes(_ text: String, option: String) throws -> Int64 {
    var t = text.uppercased()
    var unit: Int64 = 1
    if let last = t.last, let shift = ["K": 10, "M": 20, "G": 30, "T": 40][String(last)] {
      unit = 1 << shift
      t.removeLast()
    }
    guard let n = Int64(t), n >= 0, n <= Int64.max / unit else { throw ValidationError("\(option): \"\(text)\" is not a size like 100M") }
    return n * unit
  }

  /// `90`, `90s`, `15m`, `1h`, `0.5` → seconds.
  static func seconds(_ text: String, option: String) throws -> Double {
    var t = text.lowercased()
    var unit = 1.0
    if let last = t.last, let u = ["s": 1.0, "m": 60.0, "h": 3600.0][String(last)] {
      unit = u
      t.removeLast()
    }
    guard let n = Double(t), n > 0, n.isFinite else { throw ValidationError("\(option): \"\(text)\" is not a duration like 90, 15m or 1h") }
    return n * unit
  }

  /// `2026-12-03T16:00:00Z` (also with a space, without seconds or Z) or epoch seconds → a timestamp.
  static func time(_ text: String) throws -> CaptureTimestamp {
    if let n = Int64(text) { return CaptureTimestamp(seconds: n, nanoseconds: 0) }
    let digits = text.split { !$0.isNumber }.compactMap { Int64($0) }
    guard digits.count >= 5, digits.count <= 6, (1...12).contains(digits[1]), (1...31).contains(digits[2]),
      digits[3] < 24, digits[4] < 60, digits.count == 5 || digits[5] < 61
    else { throw ValidationError("--until: \"\(text)\" is not a UTC time like 2026-12-03T16:00:00Z") }
    // Days from civil (H. Hinnant).
    let y = digits[0] - (digits[1] <= 2 ? 1 : 0)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = digits[1]
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + digits[2] - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    let secs = days * 86_400 + digits[3] * 3600 + digits[4] * 60 + (digits.count == 6 ? digits[5] : 0)
    return CaptureTimestamp(seconds: secs, nanoseconds: 0)
  }
}
