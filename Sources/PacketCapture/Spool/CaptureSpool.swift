public import PcapKit
import CaptureArchive

/// Writes frames from any source into a rotating series of complete capture files in a spool directory.
///
/// The output side of a capture, independent of where frames come from (an AF_PACKET ring, a serial MS/TP port):
/// sources describe their interfaces up front, hand over ``CapturedFrame``s, and supply their counters whenever a
/// file closes. The spool
/// - writes pcapng (SHB with `shb_os` and `shb_userappl`, an IDB per interface with `if_name`, `if_description`,
///   `if_filter`, `if_tsresol` 9 and the snap length, EPBs with flags and comments, and at every close an ISB per
///   interface with the cumulative counters and `isb_starttime`/`isb_endtime`) or classic nanosecond pcap;
/// - rotates by size, by clock-aligned interval and by frame count (``RotationPolicy``);
/// - writes each file through PcapKit's `AtomicOutputFile` (hidden temporary name, `fsync`, rename), then
///   announces it (``CaptureFileAnnouncer``): an uploader never sees a partial file;
/// - keeps a ring of the last N files when asked, and stops — without deleting anything — when the
///   ``DiskGuard`` limits would be crossed.
///
/// ```swift
/// let spool = try CaptureSpool(configuration: SpoolConfiguration(directory: "/var/spool/bacnet"),
///                              interfaces: [CaptureInterface(name: "eth0", linkType: .ethernet)],
///                              announcer: LineAnnouncer(), start: SystemClock.now())
/// _ = try spool.write(frame) { [counters] }   // false once a disk-guard limit stopped the spool
/// try spool.close(now: SystemClock.now()) { [counters] }
/// ```
///
/// Not thread-safe: one thread (the capture loop, ``CaptureRunner``) drives it.
public final class CaptureSpool {
  /// The configuration.
  public let configuration: SpoolConfiguration
  /// The interfaces, in index order.
  public let interfaces: [CaptureInterface]
  /// When the capture started (`isb_starttime`).
  public let captureStart: CaptureTimestamp
  /// Files completed so far, oldest first.
  public private(set) var completed: [CompletedCaptureFile] = []
  /// Set once the spool stopped itself (a disk-guard limit): the message to show; writes then return false.
  public private(set) var stopMessage: String?
  /// Frames written so far, per interface.
  public private(set) var delivered: [UInt64]
  /// Frames written so far, in all files.
  public var totalPackets: Int { Int(delivered.reduce(0, +)) }

  let announcer: (any CaptureFileAnnouncer)?
  let fileSystem = PosixFileSystem()
  var namer = CaptureNamer(naming: .random)
  var current: OpenFile?
  var sequence = 0
  var ring: [String] = []
  let limits: FrameLimits

  /// The per-frame limits, fixed for the spool's life.
  struct FrameLimits {
    var maximumPackets: Int?
    var maximumBytes: Int64?
    /// Bytes the closing ISBs will add.
    var closingBytes: Int64
    var spoolCap: Int64?
    var checksFreeSpace: Bool
  }

  /// What the open file did with a frame.
  enum Admission {
    case written
    case rotate(CompletedCaptureFile.CloseReason)
    case overSpoolCap
    case checkFreeSpace
  }

  struct OpenFile {
    var output: AtomicOutputFile
    var pcapng: PcapNGWriter<CountingSink>?
    var pcap: PcapWriter<CountingSink>?
    var path: String
    var opened: CaptureTimestamp
    var boundary: CaptureTimestamp?
    var packets = 0
    var spoolBase: Int64
    var nextGuardCheck: Int64
    /// The Enhanced Packet Block being built (reused: no allocation per frame).
    var record = [UInt8](repeating: 0, count: 2048)

    var bytes: Int64 { pcapng?.sink.count ?? pcap?.sink.count ?? 0 }

    /// Writes `frame` (of `record` bytes in the file) unless a limit says otherwise first: the interval boundary,
    /// the packet or size limit (rotate), the spool cap (stop), or a free-space check due (every MiB; the spool
    /// checks and calls again with `freeSpaceChecked`).
    mutating func take(_ frame: CapturedFrame, record: Int64, limits: FrameLimits,
                       freeSpaceChecked: Bool) throws(CaptureError) -> Admission {
      if let b = boundary, frame.timestamp >= b { return .rotate(.interval) }
      if let max = limits.maximumPackets, packets >= max { return .rotate(.packets) }
      let written = bytes
      if let max = limits.maximumBytes, packets > 0, written + record + limits.closingBytes > max { return .rotate(.size) }
      if let cap = limits.spoolCap, spoolBase + written + record + limits.closingBytes > cap { return .overSpoolCap }
      if limits.checksFreeSpace, !freeSpaceChecked, written + record >= nextGuardCheck {
        nextGuardCheck = written + record + (1 << 20)
        return .checkFreeSpace
      }
      try append(frame)
      return .written
    }

    /// Writes one frame.
    mutating func append(_ frame: CapturedFrame) throws(CaptureError) {
      if let order = pcapng?.byteOrder {
        if frame.comment == nil, let ns = frame.timestamp.nanosecondsIfRepresentable {
          // The common case, encoded into the reused buffer and handed to the file in one write.
          let n = EnhancedPacketEncoder.encode(into: &record, interface: frame.interface, nanoseconds: ns,
                                               data: frame.data, originalLength: frame.originalLength,
                                               flags: frame.flags?.rawValue, order: order)
          try pcapng?.sink.write(record[0..<n])
        } else {
          try appendWithOptions(frame)
        }
      } else {
        try pcap?.writePacket(timestamp: frame.timestamp, data: frame.data, originalLength: frame.originalLength)
      }
      packets += 1
    }

    /// An EPB with a comment (or a timestamp outside 64-bit nanoseconds) through PcapKit's writer.
    mutating func appendWithOptions(_ frame: CapturedFrame) throws(CaptureError) {
      guard let order = pcapng?.byteOrder else { return }
      var options: [PcapNGOption] = []
      if let f = frame.flags {
        let v = f.rawValue
        let b = [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16),
                 UInt8(truncatingIfNeeded: v >> 24)]
        options.append(PcapNGOption(code: .epbFlags, value: (order == .little ? b : b.reversed())[...]))
      }
      if let c = frame.comment { options.append(PcapNGOption(code: .comment, value: Array(c.utf8)[...])) }
      try pcapng?.writeEnhancedPacket(interfaceID: frame.interface, timestamp: frame.timestamp, data: frame.data,
                                      originalLength: frame.originalLength, options: options)
    }
  }

  /// Opens the first file.
  /// - Parameters:
  ///   - configuration: directory, format, naming, rotation, ring, disk guard.
  ///   - interfaces: every interface frames will come from (at least one; exactly one for classic pcap).
  ///   - announcer: told of each completed file; nil announces nothing.
  ///   - start: the capture's start time.
  /// - Throws: `CaptureError/Code/invalidArgument` for a bad interface list; `CaptureError/Code/ioError` when
  ///   the directory is missing or the file cannot be created; `CaptureError/Code/diskGuard` when a limit is
  ///   already reached.
  public init(configuration: SpoolConfiguration, interfaces: [CaptureInterface],
              announcer: (any CaptureFileAnnouncer)?, start: CaptureTimestamp) throws(CaptureError) {
    guard !interfaces.isEmpty else { throw CaptureError(.invalidArgument, offset: nil, "no interface to capture on") }
    if configuration.format == .pcap && interfaces.count > 1 {
      throw CaptureError(.invalidArgument, offset: nil, "classic pcap holds one interface; use pcapng for \(interfaces.count)")
    }
    if let n = configuration.ringSize, n < 1 { throw CaptureError(.invalidArgument, offset: nil, "ring size must be at least 1") }
    if configuration.naming == .content && configuration.contentDigest == nil {
      throw CaptureError(.invalidArgument, offset: nil, "content naming needs a digest (SpoolConfiguration.contentDigest)")
    }
    if let i = configuration.rotation.intervalSeconds, i < 1 {
      throw CaptureError(.invalidArgument, offset: nil, "rotation interval must be at least 1 s")
    }
    if let n = configuration.rotation.maximumPackets, n < 1 {
      throw CaptureError(.invalidArgument, offset: nil, "packets per file must be at least 1")
    }
    let status = try? fileSystem.status(of: configuration.directory)
    guard let status, status.kind == .directory else {
      throw CaptureError(.ioError, offset: nil, "spool directory \(configuration.directory) does not exist")
    }
    self.configuration = configuration
    self.interfaces = interfaces
    self.announcer = announcer
    self.captureStart = start
    self.delivered = [UInt64](repeating: 0, count: interfaces.count)
    self.limits = FrameLimits(
      maximumPackets: configuration.rotation.maximumPackets, maximumBytes: configuration.rotation.maximumBytes,
      closingBytes: configuration.format == .pcapng ? Int64(interfaces.count) * 112 : 0,
      spoolCap: configuration.diskGuard.maximumSpoolBytes,
      checksFreeSpace: configuration.diskGuard.minimumFreeBytes != nil)
    if let message = guardMessage(spoolBytes: spoolDirectoryBytes(), adding: 0) {
      stopMessage = message
      throw CaptureError(.diskGuard, offset: nil, message)
    }
    try open(at: start, boundaryFrom: start)
  }

  /// The path of the file being written (its final name), nil once closed.
  public var currentPath: String? { current?.path }
  /// Bytes in the file being written.
  public var currentBytes: Int64 { current?.bytes ?? 0 }

  /// When ``tick(now:counters:)`` must next be called: the current interval's boundary plus the grace delay.
  public var nextDeadline: CaptureTimestamp? {
    current?.boundary?.adding(nanoseconds: Int128(configuration.rotation.intervalGraceNanoseconds))
  }

  /// Bytes an ISB per interface adds at close (pcapng): reserved by the size limit and the guards.
  var closingBytes: Int64 { configuration.format == .pcapng ? Int64(interfaces.count) * 112 : 0 }

  /// Writes one frame, rotating first when a limit says so.
  /// - Parameters:
  ///   - frame: the frame (its interface must be one of ``interfaces``).
  ///   - counters: the sources' cumulative counters, one per interface; called only when a file closes.
  /// - Returns: true; false when a disk-guard limit stopped the spool (the current file was closed and
  ///   announced; see ``stopMessage``): stop capturing.
  /// - Throws: `CaptureError` when writing, renaming or announcing fails.
  public func write(_ frame: CapturedFrame, counters: () -> [InterfaceCounters]) throws(CaptureError) -> Bool {
    guard frame.interface >= 0, frame.interface < interfaces.count else {
      throw CaptureError(.invalidArgument, offset: nil, "frame for interface \(frame.interface) of \(interfaces.count)")
    }
    // The open file decides and writes in one call, changed in place (`current?`): one access per frame, and no
    // copy of the file (its writer, buffers and arrays). Without an open file the spool stopped (a disk-guard
    // limit: ``stopMessage``) or a file is due.
    let record = recordBytes(frame)
    var freeSpaceChecked = false
    for _ in 0..<5 {  // at most: open, rotate, check free space, write
      guard let admission = try current?.take(frame, record: record, limits: limits, freeSpaceChecked: freeSpaceChecked) else {
        guard stopMessage == nil else { return false }
        try open(at: frame.timestamp, boundaryFrom: frame.timestamp)
        continue
      }
      switch admission {
      case .written:
        delivered[frame.interface] += 1
        return true
      case .rotate(let reason):
        var opened = frame.timestamp
        let rotation = configuration.rotation
        if reason == .interval, let interval = rotation.intervalSeconds, let next = rotation.boundary(after: frame.timestamp) {
          opened = next.adding(seconds: -interval)  // the start of the interval the frame falls in
        }
        try closeCurrent(now: SystemClock.now(), reason: reason, counters: counters)
        try open(at: opened, boundaryFrom: frame.timestamp)
      case .overSpoolCap:
        return try stop("spool directory \(configuration.directory) would exceed its cap of \(limits.spoolCap ?? 0) bytes; capture stopped, nothing deleted", counters)
      case .checkFreeSpace:
        // The file's buffered bytes are not on disk yet: count the buffer (1 MiB) as used.
        if let message = guardMessage(spoolBytes: 0, adding: record + (1 << 20)) { return try stop(message, counters) }
        freeSpaceChecked = true
      }
    }
    return false
  }

  /// Stops the spool on a disk-guard limit: the current file is closed and announced.
  func stop(_ message: String, _ counters: () -> [InterfaceCounters]) throws(CaptureError) -> Bool {
    stopMessage = message
    try closeCurrent(now: SystemClock.now(), reason: .diskGuard, counters: counters)
    return false
  }

  /// Rotates when the current interval ended more than the grace delay ago (so files change on the boundary even
  /// when no frame arrives); call it at ``nextDeadline`` (the capture loop's poll timeout).
  /// - Returns: false when a disk-guard limit stopped the spool.
  public func tick(now: CaptureTimestamp, counters: () -> [InterfaceCounters]) throws(CaptureError) -> Bool {
    guard stopMessage == nil else { return false }
    guard let file = current, let b = file.boundary, let deadline = nextDeadline, now >= deadline else { return true }
    try closeCurrent(now: now, reason: .interval, counters: counters)
    try open(at: b, boundaryFrom: b)
    return stopMessage == nil
  }

  /// Closes the current file (statistics, `fsync`, rename, announcement) and ends the spool; the announcer's
  /// ``CaptureFileAnnouncer/finish()`` runs. Harmless when already closed.
  /// - Returns: the last completed file, if one was open.
  @discardableResult
  public func close(now: CaptureTimestamp, counters: () -> [InterfaceCounters]) throws(CaptureError) -> CompletedCaptureFile? {
    defer { announcer?.finish() }
    guard current != nil else { return nil }
    try closeCurrent(now: now, reason: .stop, counters: counters)
    return completed.last
  }

  /// Abandons the current file without renaming it into the spool (its temporary file is removed).
  public func discard() {
    current?.output.discard()
    current = nil
  }

  // MARK: - Files

  func fileName(opened: CaptureTimestamp) -> String {
    let ext = configuration.format.fileExtension
    switch configuration.naming {
    case .anonymized:
      return namer.baseName(contentDigest: []) + ext
    case .content:
      return "." + namer.baseName(contentDigest: []) + ".pending" + ext  // renamed to its digest once complete
    case .timestamped(let prefix):
      let compact = opened.iso8601(fractionDigits: 0).filter { $0 != "-" && $0 != ":" }
      let n = String(sequence)
      return prefix + "-" + compact + "-" + String(repeating: "0", count: max(0, 6 - n.count)) + n + ext
    }
  }

  func open(at opened: CaptureTimestamp, boundaryFrom: CaptureTimestamp) throws(CaptureError) {
    sequence += 1
    let path = configuration.directory + "/" + fileName(opened: opened)
    let spoolBase = spoolDirectoryBytes()
    if let message = guardMessage(spoolBytes: spoolBase, adding: 512) {  // the headers
      stopMessage = message
      return
    }
    let output = try AtomicOutputFile(path: path, bufferSize: 1 << 20)
    var file = OpenFile(output: output, path: path, opened: opened,
                        boundary: configuration.rotation.boundary(after: boundaryFrom), spoolBase: spoolBase,
                        nextGuardCheck: 1 << 20)
    let sink = CountingSink(file: output.sink)
    switch configuration.format {
    case .pcapng:
      var w = PcapNGWriter(sink: sink)
      var shb = [PcapNGOption(code: .shbUserApplication, value: Array(configuration.application.utf8)[...])]
      let os = SystemCalls.operatingSystem()
      if !os.isEmpty { shb.insert(PcapNGOption(code: .shbOS, value: Array(os.utf8)[...]), at: 0) }
      try w.writeSectionHeader(options: shb)
      for i in interfaces {
        var opts = [PcapNGOption(code: .ifName, value: Array(i.name.utf8)[...])]
        if let d = i.description { opts.append(PcapNGOption(code: .ifDescription, value: Array(d.utf8)[...])) }
        if let f = i.filter { opts.append(PcapNGOption(code: .ifFilter, value: ([0] + Array(f.utf8))[...])) }
        if !os.isEmpty { opts.append(PcapNGOption(code: .ifOS, value: Array(os.utf8)[...])) }
        if let h = i.hardware { opts.append(PcapNGOption(code: .ifHardware, value: Array(h.utf8)[...])) }
        try w.writeInterfaceDescription(linkType: i.linkType, snapLength: i.snapLength, resolution: .nanoseconds,
                                        options: opts)
      }
      file.pcapng = w
    case .pcap:
      var w = PcapWriter(sink: sink, nanosecond: true)
      try w.writeHeader(linkType: interfaces[0].linkType, snapLength: interfaces[0].snapLength)
      file.pcap = w
    }
    current = file
  }

  func recordBytes(_ frame: CapturedFrame) -> Int64 {
    let padded = Int64((frame.data.count + 3) & ~3)
    switch configuration.format {
    case .pcap: return 16 + Int64(frame.data.count)
    case .pcapng:
      var options: Int64 = 0
      if frame.flags != nil { options += 8 }
      if let c = frame.comment { options += 4 + Int64((c.utf8.count + 3) & ~3) }
      if options > 0 { options += 4 }
      return 32 + padded + options
    }
  }

  func closeCurrent(now: CaptureTimestamp, reason: CompletedCaptureFile.CloseReason,
                    counters: () -> [InterfaceCounters]) throws(CaptureError) {
    guard var file = current else { return }
    current = nil
    if file.pcapng != nil {
      let all = counters()
      for index in interfaces.indices {
        var c = index < all.count ? all[index] : InterfaceCounters()
        if c.userDelivered == nil { c.userDelivered = delivered[index] }
        var list: [(OptionCode, UInt64)] = []
        if let v = c.received { list.append((.isbIfReceived, v)) }
        if let v = c.interfaceDropped { list.append((.isbIfDropped, v)) }
        if let v = c.filterAccepted { list.append((.isbFilterAccepted, v)) }
        if let v = c.osDropped { list.append((.isbOSDropped, v)) }
        if let v = c.userDelivered { list.append((.isbUserDelivered, v)) }
        try file.pcapng!.writeInterfaceStatistics(interfaceID: index, timestamp: now, startTime: captureStart,
                                                  endTime: now, counters: list)
      }
    }
    let bytes = file.bytes
    try file.output.commit()
    let path = configuration.naming == .content ? try renameByContent(file.path) : file.path
    let done = CompletedCaptureFile(path: path, packets: file.packets, bytes: bytes, opened: file.opened,
                                    closed: now, reason: reason, sequence: completed.count + 1)
    completed.append(done)
    try announcer?.announce(done)
    if let n = configuration.ringSize {
      ring.append(path)
      while ring.count > n {
        try? fileSystem.removeFile(ring.removeFirst())
      }
    }
  }

  /// Renames a completed file from its pending name to the hex digest of its bytes (read back from the page
  /// cache), then makes the rename durable. A file of the same name is the same bytes: the new copy is removed.
  func renameByContent(_ pending: String) throws(CaptureError) -> String {
    guard let makeDigest = configuration.contentDigest else { return pending }
    var digest = makeDigest()
    do {
      let file = try fileSystem.openForReading(pending)
      defer { try? fileSystem.close(file) }
      var buffer = [UInt8](repeating: 0, count: 1 << 20)
      while true {
        let n = try fileSystem.read(file, into: &buffer)
        if n == 0 { break }
        digest.update(buffer[0..<n])
      }
    } catch {
      throw CaptureError(.ioError, offset: nil, "reading \(pending) back to name it: \(error)")
    }
    var namer = CaptureNamer(naming: .content)
    let final = configuration.directory + "/" + namer.baseName(contentDigest: digest.finalize())
      + configuration.format.fileExtension
    do {
      if (try fileSystem.status(of: final)) != nil {
        try fileSystem.removeFile(pending)
      } else {
        try fileSystem.renameWithoutReplacing(pending, to: final)
      }
      try fileSystem.synchronizeDirectory(configuration.directory)
    } catch {
      throw CaptureError(.ioError, offset: nil, "renaming \(pending) to its content name: \(error)")
    }
    return final
  }

  // MARK: - Disk guard

  /// Sum of the regular files' sizes in the spool directory.
  func spoolDirectoryBytes() -> Int64 {
    guard configuration.diskGuard.maximumSpoolBytes != nil,
      let names = try? fileSystem.contents(ofDirectory: configuration.directory).names
    else { return 0 }
    var total: Int64 = 0
    for name in names {
      if let s = try? fileSystem.status(of: configuration.directory + "/" + name), s.kind == .regular { total += s.size }
    }
    return total
  }

  /// A message when adding `adding` bytes would cross a limit, else nil.
  func guardMessage(spoolBytes: Int64, adding: Int64) -> String? {
    let g = configuration.diskGuard
    if let cap = g.maximumSpoolBytes, spoolBytes + adding + closingBytes > cap {
      return "spool directory \(configuration.directory) would exceed its cap of \(cap) bytes (holds \(spoolBytes)); capture stopped, nothing deleted"
    }
    if let minimum = g.minimumFreeBytes {
      let free = SystemCalls.freeBytes(configuration.directory)
      if free >= 0, free - adding - closingBytes < minimum {
        return "only \(free) bytes free on the file system of \(configuration.directory) (minimum \(minimum)); capture stopped, nothing deleted"
      }
    }
    return nil
  }
}

@available(*, unavailable)
extension CaptureSpool: Sendable {}

extension CaptureError.Code {
  /// A disk-guard limit (free space, spool cap) stopped the capture.
  public static let diskGuard = Self(rawValue: "disk-guard")
  /// The capture lacks the privilege it needs (`CAP_NET_RAW`).
  public static let permissionDenied = Self(rawValue: "permission-denied")
}
