/// The streaming port filter: reads records in order, keeps the packets a ``PortFilter`` accepts (plus later IP
/// fragments of matching datagrams) and every non-packet record, and writes them in input order.
///
/// Non-packet records — section headers, interface descriptions, name resolution, interface statistics, decryption
/// secrets, custom blocks — are all kept, so interface IDs in the output stay those of the input and every kept
/// packet keeps its interface, names and comments (comments travel inside the packet block). Memory is bounded by
/// the reader's buffer plus the fragment window (``FragmentAwareFilter``).
///
/// ```swift
/// var reader = try CaptureReader(path: "all.pcapng")
/// let output = try AtomicOutputFile(path: "bacnet.pcapng", inputs: ["all.pcapng"])
/// var filter = CaptureFilter(predicate: PortFilter())
/// try filter.run(reader: &reader, to: RecordWriter(sink: output.sink))
/// try output.commit()
/// print(filter.account)   // read 1000, kept 300 (port 300), dropped 700 (other-port 500, not-ip 200)
/// ```
public struct CaptureFilter {
  /// The fragment-aware decision engine (holds copies of records waiting for a first fragment).
  public private(set) var engine: FragmentAwareFilter<CaptureRecord>

  /// Creates a filter.
  /// - Parameters:
  ///   - predicate: the port predicate.
  ///   - fragmentWindow: how many records may be held back waiting for a first fragment.
  public init(predicate: PortFilter = PortFilter(), fragmentWindow: Int = 1024) {
    engine = FragmentAwareFilter(predicate: predicate, window: fragmentWindow)
  }

  /// Packets read, kept and dropped so far, by reason.
  public var account: FilterAccount { engine.account }

  /// Feeds one record, in input order, writing whatever becomes ready.
  /// - Throws: the writer's ``CaptureError``.
  public mutating func process(_ record: CaptureRecord, to writer: RecordWriter) throws(CaptureError) {
    switch record {
    case .packet(let packet):
      switch engine.submit(PacketLayers(linkType: packet.linkType, frame: packet.data)) {
      case .keep: try writer.write(record)
      case .drop: return
      case .hold: engine.hold(record, byteCount: packet.rawRecord.count)
      }
    default:
      if engine.submitOther() {
        try writer.write(record)
        return
      }
      engine.hold(record, byteCount: record.raw.bytes.count)
    }
    while let ready = engine.popReady() { try writer.write(ready) }
  }

  /// Ends the input: fragments still waiting are dropped and everything held is written.
  public mutating func finish(to writer: RecordWriter) throws(CaptureError) {
    engine.finish()
    while let ready = engine.popReady() { try writer.write(ready) }
  }

  /// Filters every record of `reader` into `writer`, then calls ``finish(to:)``.
  ///
  /// In ``RecordWriter/Mode/verbatim`` mode kept packets are gathered in a 1 MiB staging buffer and handed to the
  /// sink in large writes (output order is unchanged: the buffer is flushed before any other record is written).
  ///
  /// - Throws: the reader's ``CaptureError`` for damaged input (everything before the damage has been written,
  ///   held records included) or the writer's.
  public mutating func run(reader: inout CaptureReader, to writer: RecordWriter) throws(CaptureError) {
    var staging = Staging(writer: writer)
    do {
      if case .pcap = reader.format, writer.mode == .verbatim {
        // Header and synthesised interface, then a loop over packets only (no record enum per packet).
        while let record = try reader.next() {
          try staging.flush()
          try process(record, to: writer)
          if case .interface = record { break }
        }
        while let packet = try reader.nextPacket() { try fastPath(packet, &staging) }
      } else {
        while let record = try reader.next() {
          if writer.mode == .verbatim, case .packet(let packet) = record {
            try fastPath(packet, &staging)
          } else {
            try staging.flush()
            try process(record, to: writer)
          }
        }
      }
      try staging.flush()
    } catch {
      try? staging.flush()
      try? finish(to: writer)
      throw error
    }
    try finish(to: writer)
  }

  /// One packet in verbatim mode: kept packets go to the staging buffer unless records are being held.
  @inline(__always)
  mutating func fastPath(_ packet: Packet, _ staging: inout Staging) throws(CaptureError) {
    if engine.isHolding {
      try staging.flush()
      try process(.packet(packet), to: staging.writer)
      return
    }
    if let reason = engine.predicate.quickVerdict(linkType: packet.linkType, frame: packet.data) {
      engine.count(reason)
      if reason.keeps { try staging.append(packet.rawRecord) }
      return
    }
    switch engine.submit(PacketLayers(linkType: packet.linkType, frame: packet.data)) {
    case .keep: try staging.append(packet.rawRecord)
    case .drop: return
    case .hold:
      try staging.flush()
      engine.hold(.packet(packet), byteCount: packet.rawRecord.count)
    }
  }

  /// Kept records' bytes waiting to be written in one large write.
  struct Staging {
    let writer: RecordWriter
    var bytes: [UInt8] = []
    var count = 0
    static let limit = 1 << 20

    init(writer: RecordWriter) {
      self.writer = writer
      bytes.reserveCapacity(Staging.limit + 65_536)
    }

    @inline(__always)
    mutating func append(_ record: ArraySlice<UInt8>) throws(CaptureError) {
      bytes.append(contentsOf: record)
      count += 1
      if bytes.count >= Staging.limit { try flush() }
    }

    mutating func flush() throws(CaptureError) {
      guard !bytes.isEmpty else { return }
      let n = count
      count = 0
      defer { bytes.removeAll(keepingCapacity: true) }
      try writer.writeRaw(bytes[...], records: n)
    }
  }
}

@available(*, unavailable)
extension CaptureFilter: Sendable {}
