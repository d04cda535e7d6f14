/// What capinfos reports about a capture: format, byte orders, versions, sections, interfaces, packet count,
/// sizes, first and last time, duration, rates, time order and the section header's descriptive text.
///
/// Gathered in one streaming pass, without keeping any packet: ``read(_:)`` takes a whole capture, and a live
/// writer (a capture daemon's status) feeds records as they come with ``add(_:)-(CaptureRecord)`` and
/// ``add(_:)-(Packet)``. Times are exact (``CaptureTimestamp``); only the rates are floating point.
///
/// ```swift
/// var reader = try CaptureReader(path: "site.pcapng")
/// var statistics = CaptureStatistics()
/// try statistics.read(&reader)
/// print(statistics.packets, statistics.durationNanoseconds)
/// ```
public struct CaptureStatistics: Sendable {
  /// One interface of the capture (a pcapng IDB, or the one interface a classic pcap file implies).
  public struct Interface: Hashable, Sendable {
    /// The section (0-based) the interface belongs to.
    public var section: Int
    /// The interface's ID within its section.
    public var id: Int
    /// The link type.
    public var linkType: LinkType
    /// The snapshot length (0: not set).
    public var snapLength: UInt32
    /// The timestamp resolution.
    public var resolution: TimestampResolution
    /// `if_tsoffset`, seconds added to every timestamp.
    public var timestampOffset: Int64
    /// `if_name`.
    public var name: String?
    /// `if_description`.
    public var description: String?
    /// `if_filter` as text.
    public var filter: String?
    /// `if_os`.
    public var os: String?
    /// Packets seen on this interface.
    public var packets = 0
    /// Interface Statistics Blocks seen for this interface.
    public var statisticsBlocks = 0

    /// The figures of `interface` (in section `section`), with no packets counted yet.
    public init(_ interface: InterfaceDescription, section: Int) {
      self.section = section
      id = interface.id
      linkType = interface.linkType
      snapLength = interface.snapLength
      resolution = interface.timestampResolution
      timestampOffset = interface.timestampOffset
      name = interface.name
      description = interface.interfaceDescription
      filter = interface.filterString
      os = interface.os
    }
  }

  /// The capture format (nil until ``read(_:)`` or ``noteSource(of:)`` saw a reader).
  public var format: CaptureFormat?
  /// The compression's name (`"gzip"`, `"zstd"`, `"lz4"`), nil for plain input.
  public var compression: String?
  /// True when the capture was compressed.
  public var isCompressed = false
  /// The byte order of each section, in file order.
  public var byteOrders: [ByteOrder] = []
  /// The format version of each section (`"1.0"`, `"2.4"`), in file order.
  public var versions: [String] = []
  /// Sections seen (1 for classic pcap).
  public var sections = 0
  /// Interfaces seen, across all sections, in file order.
  public var interfaces: [Interface] = []
  /// Records seen (sections, interfaces, packets and every other block).
  public var records = 0
  /// Packets seen.
  public var packets = 0
  /// Sum of the captured lengths.
  public var capturedSize = 0
  /// Sum of the original (on-the-wire) lengths: capinfos' "data size".
  public var originalSize = 0
  /// Bytes of the (uncompressed) capture read so far: set by ``read(_:)``.
  public var bytesRead = 0
  /// The earliest packet timestamp (capinfos' first packet time).
  public var firstTimestamp: CaptureTimestamp?
  /// The latest packet timestamp (capinfos' last packet time).
  public var lastTimestamp: CaptureTimestamp?
  /// False once a packet's timestamp was earlier than the one before it.
  public var isStrictlyOrdered = true
  /// Packets whose captured length exceeds their interface's snapshot length.
  public var overSnapLength = 0
  /// Packets without a timestamp (Simple Packet Blocks).
  public var untimedPackets = 0
  /// Section header comments, in file order.
  public var comments: [String] = []
  /// The first section header's `shb_hardware`.
  public var hardware: String?
  /// The first section header's `shb_os`.
  public var os: String?
  /// The first section header's `shb_userappl`.
  public var application: String?

  private var sectionFirstInterface = 0
  private var previous: CaptureTimestamp?
  // Link types are tallied by runs (almost always one run), not with a dictionary update per packet.
  private var finishedLinkTypes: [LinkType: Int] = [:]
  private var linkTypeOrder: [LinkType] = []
  private var runLinkType = LinkType.ethernet
  private var runLength = 0

  /// Empty statistics.
  public init() {}

  /// Reads the rest of `reader`'s capture into the figures, and ``bytesRead``.
  ///
  /// - Throws: the reader's ``CaptureError``; the figures then cover what was read before it, and ``bytesRead``
  ///   is where reading stopped.
  public mutating func read(_ reader: inout CaptureReader) throws(CaptureError) {
    noteSource(of: reader)
    defer { bytesRead = reader.offset }
    while true {
      // Packets come straight from the reader's buffer (no record enum); other records through next().
      if let packet = try reader.nextIfPacket() {
        add(packet)
        continue
      }
      guard let record = try reader.next() else { return }
      add(record)
    }
  }

  /// Takes the format and compression of `reader`'s capture.
  public mutating func noteSource(of reader: borrowing CaptureReader) {
    format = reader.format
    isCompressed = reader.isCompressed
    compression = reader.compression
  }

  /// Adds one record to the figures.
  public mutating func add(_ record: CaptureRecord) {
    switch record {
    case .packet(let p):
      add(p)
      return
    case .section(let s):
      sections += 1
      sectionFirstInterface = interfaces.count
      byteOrders.append(s.byteOrder)
      versions.append("\(s.majorVersion).\(s.minorVersion)")
      comments += s.comments
      hardware = hardware ?? s.hardware
      os = os ?? s.os
      application = application ?? s.userApplication
    case .interface(let i):
      interfaces.append(Interface(i, section: sections - 1))
    case .statistics(let s):
      let k = sectionFirstInterface + s.interfaceID
      if k < interfaces.count { interfaces[k].statisticsBlocks += 1 }
    default: break
    }
    records += 1
  }

  /// Adds one packet to the figures.
  @inline(__always)
  public mutating func add(_ p: Packet) {
    records += 1
    packets += 1
    capturedSize += p.capturedLength
    if p.exceedsSnapLength { overSnapLength += 1 }
    let k = sectionFirstInterface + p.interfaceID
    if k < interfaces.count { interfaces[k].packets += 1 }
    if p.linkType != runLinkType || runLength == 0 {
      finishLinkTypeRun()
      runLinkType = p.linkType
    }
    runLength += 1
    originalSize += p.originalLength
    guard p.hasTimestamp else {
      untimedPackets += 1
      return
    }
    let t = p.timestamp
    if let f = firstTimestamp { if t < f { firstTimestamp = t } } else { firstTimestamp = t }
    if let l = lastTimestamp { if l < t { lastTimestamp = t } } else { lastTimestamp = t }
    if let prev = previous, t < prev { isStrictlyOrdered = false }
    previous = t
  }

  private mutating func finishLinkTypeRun() {
    guard runLength > 0 else { return }
    if finishedLinkTypes[runLinkType] == nil { linkTypeOrder.append(runLinkType) }
    finishedLinkTypes[runLinkType, default: 0] += runLength
    runLength = 0
  }

  /// Packets per link type, in the order the link types first appeared.
  public var linkTypeCounts: [(linkType: LinkType, packets: Int)] {
    var order = linkTypeOrder
    var counts = finishedLinkTypes
    if runLength > 0 {
      if counts[runLinkType] == nil { order.append(runLinkType) }
      counts[runLinkType, default: 0] += runLength
    }
    return order.map { ($0, counts[$0] ?? 0) }
  }

  /// The capture's one link type, nil when packets (or, without packets, interfaces) use several: capinfos'
  /// "file encapsulation" ("per packet" when nil).
  public var encapsulation: LinkType? {
    let counts = linkTypeCounts
    if counts.count == 1 { return counts[0].linkType }
    if counts.isEmpty, let first = interfaces.first, interfaces.allSatisfy({ $0.linkType == first.linkType }) {
      return first.linkType
    }
    return nil
  }

  /// Last minus first packet time, in nanoseconds (exact difference, rounded down); 0 without timed packets.
  public var durationNanoseconds: Int128 {
    guard let f = firstTimestamp, let l = lastTimestamp else { return 0 }
    return l.nanosecondsSinceEpoch - f.nanosecondsSinceEpoch
  }

  /// `amount` per second of ``durationNanoseconds``; nil when the duration is 0.
  public func perSecond(_ amount: Int) -> Double? {
    let d = durationNanoseconds
    guard d > 0 else { return nil }
    return Double(amount) * 1e9 / Double(d)
  }
}
