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
  /// - Throws: the reader's ``CaptureError`` for damaged input (everything before the damage has been written,
  ///   held records included) or the writer's.
  public mutating func run(reader: inout CaptureReader, to writer: RecordWriter) throws(CaptureError) {
    do {
      while let record = try reader.next() { try process(record, to: writer) }
    } catch {
      try? finish(to: writer)
      throw error
    }
    try finish(to: writer)
  }
}

@available(*, unavailable)
extension CaptureFilter: Sendable {}
