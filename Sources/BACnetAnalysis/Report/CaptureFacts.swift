public import PcapKit

/// The file-level facts of one capture, as `optigo-pcap info` and capinfos report them.
public struct CaptureFacts: Sendable {
  /// The file name as given.
  public var file: String
  /// `pcap`, `pcap (nanosecond)`, `pcapng`, … (nil when the header could not be read).
  public var format: String?
  /// True for gzip-compressed input.
  public var compressed = false
  /// Sections (pcapng SHBs; 1 for pcap).
  public var sections = 0
  /// Interfaces (pcapng IDBs; 1 for pcap).
  public var interfaces = 0
  /// Packets.
  public var packets = 0
  /// Sum of captured lengths.
  public var capturedBytes = 0
  /// Sum of original (wire) lengths.
  public var originalBytes = 0
  /// Earliest timestamp, ns since the epoch.
  public var firstTimeNs: Int128?
  /// Latest timestamp, ns since the epoch.
  public var lastTimeNs: Int128?
  /// Packets without a timestamp.
  public var untimedPackets = 0
  /// True when no packet's timestamp is earlier than the one before.
  public var strictTimeOrder = true
  /// Packets per link type, in order of first appearance.
  public var linkTypes: [(LinkType, Int)] = []
  /// The read error that stopped reading early, if any (`code at byte N: message`).
  public var error: String?
  var previous: Int128?

  /// Starts the facts of `file`.
  public init(file: String) { self.file = file }

  /// Records what the reader learned from its header.
  public mutating func noteReader(_ r: CaptureReader) {
    noteFormat(r.format, compressed: r.isCompressed)
  }

  /// Records the format of the file and whether it was compressed.
  public mutating func noteFormat(_ f: CaptureFormat, compressed c: Bool) {
    format = f.description
    compressed = c
  }

  /// Records the sections and interfaces a reader met (for callers that read with `CaptureReader/nextPacket()`
  /// and so never see those records).
  public mutating func noteStructure(_ r: CaptureReader) {
    sections = r.sectionCount
    interfaces = r.interfaces.count
  }

  /// Observes one record.
  public mutating func observe(_ record: CaptureRecord) {
    switch record {
    case .section: sections += 1
    case .interface: interfaces += 1
    case .packet(let p): observe(p)
    default: break
    }
  }

  /// Observes one packet.
  public mutating func observe(_ p: Packet) {
    packets += 1
    capturedBytes += p.capturedLength
    originalBytes += p.originalLength
    if let i = linkTypes.firstIndex(where: { $0.0 == p.linkType }) {
      linkTypes[i].1 += 1
    } else {
      linkTypes.append((p.linkType, 1))
    }
    guard p.hasTimestamp else {
      untimedPackets += 1
      return
    }
    let t = p.timestamp.nanosecondsFast
    if firstTimeNs == nil || t < firstTimeNs! { firstTimeNs = t }
    if lastTimeNs == nil || t > lastTimeNs! { lastTimeNs = t }
    if let prev = previous, t < prev { strictTimeOrder = false }
    previous = t
  }

  /// Duration in ns (last − first), nil without timestamps.
  public var durationNs: Int128? {
    guard let f = firstTimeNs, let l = lastTimeNs else { return nil }
    return l - f
  }

  /// Facts as JSON.
  public var json: ReportValue {
    var kv: [(String, ReportValue)] = [
      ("file", .string(file)), ("format", .string(format)), ("compressed", .bool(compressed)),
      ("sections", .n(sections)), ("interfaces", .n(interfaces)), ("packets", .n(packets)),
      ("captured_bytes", .n(capturedBytes)), ("data_size", .n(originalBytes)),
      ("first_time_ns", Self.bigInt(firstTimeNs)), ("last_time_ns", Self.bigInt(lastTimeNs)),
      ("duration_ns", Self.bigInt(durationNs)), ("untimed_packets", .n(untimedPackets)),
      ("strict_time_order", .bool(strictTimeOrder)),
      ("link_types", .array(linkTypes.map { .object([("link_type", .n($0.0.rawValue)), ("name", .string($0.0.description)), ("packets", .n($0.1))]) })),
    ]
    kv.append(("error", .string(error)))
    return .object(kv)
  }

  static func bigInt(_ v: Int128?) -> ReportValue { v.map { .n(Int64(clamping: $0)) } ?? .null }
}
