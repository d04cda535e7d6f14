/// Streams the records of a pcap or pcapng capture — from a file, standard input, a pipe, gzip-compressed or not,
/// or any ``ByteSource`` — with memory bounded by the largest block.
///
/// ```swift
/// var reader = try CaptureReader(path: "trace.pcapng")   // "-" reads standard input
/// while let packet = try reader.nextPacket() {
///   print(packet.timestamp, packet.capturedLength)
/// }
/// ```
///
/// The reader fills a reusable buffer in large chunks (``ReaderOptions/chunkSize``, 1 MiB) and hands out
/// records whose bytes are views into it: no allocation per packet. The per-packet path involves no existential
/// dispatch: the source is asked for bytes only when the buffer runs dry.
///
/// Errors are terminal: after ``next()`` throws, it returns `nil`. Every complete record before the damage has
/// been returned, so a truncated file yields all its whole packets and then a ``CaptureError/Code/truncated``
/// error whose offset is that of the incomplete record.
///
/// A value type holding a reference to its source; copies share the source, so use one copy only. Not `Sendable`.
public struct CaptureReader {
  enum Source {
    case file(FileSource)
    case gzip(GzipSource)
    case custom(any ByteSource)

    var underlying: any ByteSource {
      switch self {
      case .file(let f): f
      case .gzip(let g): g
      case .custom(let s): s
      }
    }
  }

  struct InterfaceInfo {
    var linkType: LinkType
    var snapLength: Int
    var resolution: TimestampResolution
    var offsetSeconds: Int64
    var maxCapturedLength: Int
  }

  enum Phase { case pcapHeader, pcapInterface, pcapRecords, pcapng }

  var source: Source
  var buf: [UInt8]
  /// The other half of the double buffer (see `refill`).
  var spare: [UInt8] = []
  var start = 0
  var end = 0
  /// Stream offset of `buf[0]`.
  var base = 0
  var sourceAtEnd = false
  /// The last refill filled the whole buffer: the input is large, so the buffer grows towards `chunkSize`.
  var filledBuffer = false
  var phase: Phase
  var ifaces: [InterfaceInfo] = []
  var order: ByteOrder = .little
  var pcapHeaderLength = 16
  /// Classic pcap: the file's captured-length cap and record-size cap, hoisted out of the per-record path.
  var pcapMaxCapturedLength = 0
  var pcapMaxRecordSize = 0
  var pendingInterface: InterfaceDescription?

  /// The caps and buffer size in force.
  public let options: ReaderOptions
  /// The capture format, detected from the first bytes.
  public internal(set) var format: CaptureFormat
  /// True when the input was compressed (gzip, or a registered ``InputDecompressor``; detected by magic).
  public internal(set) var isCompressed = false
  /// The compression's name (`"gzip"`, or a registered ``InputDecompressor``'s, e.g. `"zstd"`), nil for plain input.
  public internal(set) var compression: String?
  /// Set when a lenient reader restored a destroyed magic number (``restoreMagic()``): the error it replaced.
  var restoredMagic: CaptureError?
  /// The current section's header (nil before the first record is read).
  public internal(set) var section: SectionHeader?
  /// The current section's interfaces, indexed by interface ID.
  public internal(set) var interfaces: [InterfaceDescription] = []
  /// Sections seen so far.
  public internal(set) var sectionCount = 0
  /// Non-fatal diagnostics (e.g. a block length that is not a multiple of 4 but whose trailer makes the intent
  /// clear), at most ``ReaderOptions/maxWarnings``.
  public internal(set) var warnings: [CaptureError] = []
  /// How many diagnostics occurred (including those not kept).
  public internal(set) var warningCount = 0
  /// True once the end was reached or an error was thrown.
  public internal(set) var isFinished = false

  /// Absolute offset (in the decompressed stream) of the next record.
  public var offset: Int { base + start }

  /// Opens a capture file; `"-"` reads standard input.
  ///
  /// Reads the first chunk to detect gzip and the format.
  /// - Throws: ``CaptureError/Code/ioError`` if the file cannot be opened or read; ``CaptureError/Code/badMagic``
  ///   if it is not a capture; ``CaptureError/Code/truncated`` if it is empty or shorter than a magic number.
  public init(path: String, options: ReaderOptions = .init()) throws(CaptureError) {
    try self.init(source: Source.file(try FileSource(path: path)), options: options)
  }

  /// Reads a capture from any byte source (a pipe, bytes in memory, a live feed).
  /// - Throws: as ``init(path:options:)``.
  public init(source: some ByteSource, options: ReaderOptions = .init()) throws(CaptureError) {
    if let f = source as? FileSource {
      try self.init(source: Source.file(f), options: options)
    } else if let g = source as? GzipSource {
      try self.init(source: Source.gzip(g), options: options)
    } else {
      try self.init(source: Source.custom(source), options: options)
    }
  }

  /// Reads a capture held in memory.
  public init(bytes: [UInt8], options: ReaderOptions = .init()) throws(CaptureError) {
    try self.init(source: MemorySource(bytes), options: options)
  }

  /// Wraps any byte source the way ``init(source:options:)`` does.
  static func wrap(_ source: some ByteSource) -> Source {
    if let f = source as? FileSource { return .file(f) }
    if let g = source as? GzipSource { return .gzip(g) }
    return .custom(source)
  }

  init(source: Source, options: ReaderOptions, restoringMagic: Bool = false) throws(CaptureError) {
    self.source = source
    self.options = options
    // Start small (cheap for tiny inputs) and grow towards chunkSize as refills show the input is large.
    self.buf = [UInt8](repeating: 0, count: max(min(options.chunkSize, 16 << 10), 64))
    self.phase = .pcapng
    self.format = .pcapng
    _ = try refill(4)
    if end >= 2 && CaptureFormat.isGzip(buf[0..<2]) {
      let gz = try GzipSource(wrapping: self.source.underlying, prefix: Array(buf[0..<end]))
      self.source = .gzip(gz)
      isCompressed = true
      compression = "gzip"
      end = 0
      sourceAtEnd = false
      _ = try refill(4)
    } else if end >= 4, let decompressor = InputDecompressor.matching(buf[0..<end]) {
      self.source = .custom(try decompressor.make(self.source.underlying, Array(buf[0..<end])))
      isCompressed = true
      compression = decompressor.name
      end = 0
      sourceAtEnd = false
      _ = try refill(4)
    } else if end >= 4, let name = InputDecompressor.knownName(buf[0..<end]) {
      throw CaptureError(.badMagic, offset: 0, "\(name)-compressed input, and this program reads no \(name) (decompress it first)")
    }
    if end == 0 { throw CaptureError(.truncated, offset: 0, "the input is empty") }
    var detected = CaptureFormat.detect(buf[0..<min(end, 4)])
    if detected == nil, end >= 4 {
      let error = CaptureError(.badMagic, offset: 0, "not a pcap or pcapng capture (first bytes \(hex(buf[0..<4])))")
      if restoringMagic, try restoreMagic() {
        restoredMagic = error
        detected = CaptureFormat.detect(buf[0..<4])
      } else {
        throw error
      }
    }
    guard let f = detected else { throw CaptureError(.truncated, offset: 0, "the input holds only \(end) bytes") }
    format = f
    if case .pcap = f { phase = .pcapHeader }
  }

  // MARK: Buffer

  mutating func readSource(at index: Int, count: Int) throws(CaptureError) -> Int {
    do {
      switch source {
      case .file(let f): return try f.read(into: &buf, at: index, count: count)
      case .gzip(let g): return try g.read(into: &buf, at: index, count: count)
      case .custom(var s):
        let n = try s.read(into: &buf, at: index, count: count)
        source = .custom(s)
        return n
      }
    } catch {
      var e = error
      if e.offset == nil { e.offset = base + index }
      throw e
    }
  }

  /// Makes `n` bytes available at `start`, reading more if needed; false if the input ends first.
  @inline(__always)
  mutating func ensure(_ n: Int) throws(CaptureError) -> Bool {
    if end - start >= n { return true }
    return try refill(n)
  }

  mutating func refill(_ n: Int) throws(CaptureError) -> Bool {
    if sourceAtEnd { return end - start >= n }
    let have = end - start
    if start > 0 {
      // Double buffering: the packets handed out may still view `buf`, so writing into it would copy all of it
      // (copy-on-write). Move the unread tail into the spare buffer instead — which nothing views any more in
      // the usual read-one-packet-at-a-time loop — and keep `buf` as the next spare.
      if spare.count < buf.count { spare = [UInt8](repeating: 0, count: buf.count) }
      swap(&buf, &spare)
      if have > 0 { buf.replaceSubrange(0..<have, with: spare[start..<end]) }
      base += start
      start = 0
      end = have
    }
    if filledBuffer && buf.count < options.chunkSize {
      buf += [UInt8](repeating: 0, count: min(options.chunkSize, buf.count * 4) - buf.count)
    }
    while end < n {
      if end == buf.count {
        // Grow only as bytes actually arrive (doubling), so a huge length field in a short input costs nothing.
        let target = min(buf.count * 2, max(n, options.chunkSize))
        buf += [UInt8](repeating: 0, count: max(target, end + 1) - buf.count)
      }
      let k = try readSource(at: end, count: buf.count - end)
      if k <= 0 {
        sourceAtEnd = true
        break
      }
      end += k
    }
    filledBuffer = end == buf.count
    return end >= n
  }

  mutating func warn(_ e: CaptureError) {
    warningCount += 1
    if warnings.count < options.maxWarnings { warnings.append(e) }
  }

  // MARK: Records

  /// The next record in file order, or nil at the end of the input.
  ///
  /// - Throws: a ``CaptureError`` for malformed or truncated input, or when the source fails. After an error the
  ///   reader is finished and returns nil.
  public mutating func next() throws(CaptureError) -> CaptureRecord? {
    if isFinished { return nil }
    do {
      let r: CaptureRecord?
      switch phase {
      case .pcapng: r = try nextBlock()
      case .pcapRecords: r = try nextPcapRecord().map { .packet($0) }
      case .pcapHeader: r = try readPcapHeader()
      case .pcapInterface:
        phase = .pcapRecords
        r = pendingInterface.map { .interface($0) }
        pendingInterface = nil
      }
      if r == nil { isFinished = true }
      return r
    } catch {
      isFinished = true
      throw error
    }
  }

  /// The next record if it is a packet that can be read directly, else nil having consumed nothing: then call
  /// ``next()``, which returns that record (a packet, or something else, or nil at the end).
  ///
  /// A fast path for loops that handle every record but mostly see packets:
  /// `if let p = try reader.nextIfPacket() { … } else if let r = try reader.next() { … } else { break }`.
  /// - Throws: as ``next()``.
  public mutating func nextIfPacket() throws(CaptureError) -> Packet? {
    if phase == .pcapRecords {
      if isFinished { return nil }
      return try nextPcapPacket()
    }
    return try nextEnhancedPacketIfAny()
  }

  /// The next classic pcap record as a packet; nil, or an error, finishes the reader.
  @inline(__always)
  mutating func nextPcapPacket() throws(CaptureError) -> Packet? {
    do {
      if let p = try nextPcapRecord() { return p }
      isFinished = true
      return nil
    } catch {
      isFinished = true
      throw error
    }
  }

  /// The next packet, skipping every other record (whose effects — new sections, interfaces — still apply).
  /// - Throws: as ``next()``.
  public mutating func nextPacket() throws(CaptureError) -> Packet? {
    if phase == .pcapRecords && !isFinished { return try nextPcapPacket() }
    while true {
      if let p = try nextEnhancedPacketIfAny() { return p }
      guard let r = try next() else { return nil }
      if case .packet(let p) = r { return p }
    }
  }
}

@available(*, unavailable)
extension CaptureReader: Sendable {}

func hex(_ b: ArraySlice<UInt8>) -> String {
  let digits = Array("0123456789ABCDEF")
  var s = ""
  for x in b {
    s.append(digits[Int(x >> 4)])
    s.append(digits[Int(x & 15)])
  }
  return s
}
