public import PcapKit
public import CaptureArchive

/// Where and how a capture's files are written: format, spool directory, names, rotation, ring, disk guard.
public struct SpoolConfiguration: Sendable {
  /// The file format.
  public enum Format: String, Sendable, CaseIterable {
    /// pcapng: SHB with OS and application, one IDB per interface (`if_tsresol` 9), EPBs with flags, an ISB per
    /// interface at every close.
    case pcapng
    /// Classic pcap, nanosecond timestamps (magic `A1B23C4D`); one interface only; no statistics.
    case pcap

    /// `".pcapng"` or `".pcap"`.
    public var fileExtension: String { self == .pcapng ? ".pcapng" : ".pcap" }
  }

  /// How completed files are named.
  public enum Naming: Hashable, Sendable {
    /// `<prefix>-<UTC start, e.g. 20261203T143000Z>-<sequence, 6 digits>.pcapng`.
    case timestamped(prefix: String)
    /// 32 random hex digits (`CaptureNamer` with `CaptureNaming/random`): the name reveals neither host nor
    /// time.
    case anonymized
    /// The hex digest of the completed file's bytes (`CaptureNamer` with `CaptureNaming/content`, as the archive
    /// names anonymized files: 64 hex digits with SHA-256), computed with ``SpoolConfiguration/contentDigest``:
    /// no host, no time, and an upload of the same file is recognisably the same. The file is first renamed to a
    /// hidden pending name (`.<32 hex digits>.pending.pcapng`), then read back, hashed and renamed to its digest.
    case content
  }

  /// The directory completed files are renamed into (it must exist). Files being written live beside them under a
  /// hidden name (`.<name>.tmp-…`), so an uploader that ignores dot files never sees a partial file.
  public var directory: String
  /// The file format (default pcapng).
  public var format: Format
  /// File names (default `capture-<time>-<n>`).
  public var naming: Naming
  /// When a file is closed and the next one started.
  public var rotation: RotationPolicy
  /// Keep at most this many completed files of this run in the directory, removing the oldest (a ring buffer);
  /// nil keeps every file.
  public var ringSize: Int?
  /// Free-space and spool-size limits: reaching one stops the capture (nothing is deleted).
  public var diskGuard: DiskGuard
  /// `shb_userappl`.
  public var application: String
  /// The digest naming files for ``Naming/content`` (the application supplies it: PcapKit carries no
  /// cryptography; the CLI passes SHA-256).
  public var contentDigest: ContentDigestFactory?

  /// A configuration.
  /// - Parameters:
  ///   - directory: the spool directory.
  ///   - format: pcapng (default) or pcap.
  ///   - naming: file names.
  ///   - rotation: rotation policy (default: none, one file).
  ///   - ringSize: completed files kept (nil = all).
  ///   - diskGuard: limits (default: keep 64 MiB free).
  ///   - application: `shb_userappl`.
  ///   - contentDigest: the digest for ``Naming/content`` (required by it).
  public init(directory: String, format: Format = .pcapng, naming: Naming = .timestamped(prefix: "capture"),
              rotation: RotationPolicy = RotationPolicy(), ringSize: Int? = nil, diskGuard: DiskGuard = DiskGuard(),
              application: String = "optigo-pcap", contentDigest: ContentDigestFactory? = nil) {
    self.contentDigest = contentDigest
    self.directory = directory
    self.format = format
    self.naming = naming
    self.rotation = rotation
    self.ringSize = ringSize
    self.diskGuard = diskGuard
    self.application = application
  }
}

/// When the spool closes a file and starts the next. Any limit reached rotates; none set writes one file.
public struct RotationPolicy: Hashable, Sendable {
  /// Largest file in bytes: a file is closed *before* the frame that would take it (with its closing statistics)
  /// past this size, so no file exceeds it unless a single frame does.
  public var maximumBytes: Int64?
  /// Wall-clock interval in seconds, aligned to the clock: with 900, files change at :00, :15, :30 and :45 of
  /// every hour (UTC), whether or not packets arrive; the first file runs from the start to the first boundary.
  public var intervalSeconds: Int64?
  /// Most frames per file.
  public var maximumPackets: Int?
  /// How long after an interval boundary the file is closed if no later frame closed it first, in nanoseconds
  /// (default 1 s): frames captured before the boundary but still in the kernel ring (a TPACKET_V3 block is
  /// handed over after at most its retire timeout) still land in the right file.
  public var intervalGraceNanoseconds: Int64

  /// A policy.
  public init(maximumBytes: Int64? = nil, intervalSeconds: Int64? = nil, maximumPackets: Int? = nil,
              intervalGraceNanoseconds: Int64 = 1_000_000_000) {
    self.maximumBytes = maximumBytes
    self.intervalSeconds = intervalSeconds
    self.maximumPackets = maximumPackets
    self.intervalGraceNanoseconds = intervalGraceNanoseconds
  }

  /// The first interval boundary strictly after `time`, or nil without an interval.
  public func boundary(after time: CaptureTimestamp) -> CaptureTimestamp? {
    guard let interval = intervalSeconds, interval > 0 else { return nil }
    let ns = time.nanosecondsSinceEpoch
    let step = Int128(interval) * 1_000_000_000
    var floor = ns / step * step
    if floor > ns { floor -= step }
    return CaptureTimestamp(nanosecondsSinceEpoch: floor + step)
  }
}

/// Limits that stop the capture (never delete anything) before the disk fills.
public struct DiskGuard: Hashable, Sendable {
  /// Stop when writing on would leave less than this many bytes free on the spool's file system.
  public var minimumFreeBytes: Int64?
  /// Stop when the spool directory's regular files (completed and in progress) would exceed this many bytes.
  public var maximumSpoolBytes: Int64?

  /// Limits (default: keep 64 MiB free, no spool cap).
  public init(minimumFreeBytes: Int64? = 64 << 20, maximumSpoolBytes: Int64? = nil) {
    self.minimumFreeBytes = minimumFreeBytes
    self.maximumSpoolBytes = maximumSpoolBytes
  }
}
