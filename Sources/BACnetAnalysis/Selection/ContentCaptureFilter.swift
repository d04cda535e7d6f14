public import BACnetDecode
public import PcapKit

/// The streaming content filter behind `optigo-pcap filter --device/--address/--service/--object/--pdu-type/
/// --network`: every packet goes through the ``BACnetPipeline`` (IP reassembly, segment reassembly; BACnet/IP on
/// `PortSet` ports, BACnet/Ethernet, MS/TP) and a ``ContentSelector``; kept packets and every non-packet record
/// are written in input order, bytes unchanged.
///
/// ```swift
/// var criteria = ContentCriteria()
/// criteria.devices = [1234]
/// var filter = ContentCaptureFilter(criteria: criteria)
/// try filter.run(reader: &reader, to: RecordWriter(sink: output.sink))
/// print(filter.account)   // read 3257, kept 40 (matched 20, with-transaction 20), dropped 3217 (…)
/// ```
public struct ContentCaptureFilter {
  /// The selector (holds copies of records waiting for their transaction).
  public private(set) var selector: ContentSelector<CaptureRecord>
  var pipeline: BACnetPipeline

  /// Creates a filter.
  /// - Parameters:
  ///   - criteria: the BACnet criteria.
  ///   - addresses: addresses (any of them).
  ///   - ports: the UDP ports BACnet/IP is decoded on.
  ///   - window: most records held back at once.
  public init(criteria: ContentCriteria, addresses: [AddressSelector] = [], ports: PortSet = .bacnet,
              window: Int = 4096) {
    selector = ContentSelector(criteria: criteria, addresses: addresses, window: window)
    pipeline = BACnetPipeline(configuration: .init(ports: ports, heuristic: false))
  }

  /// Packets read, kept and dropped so far.
  public var account: ContentAccount { selector.account }

  /// Feeds one record, in input order, writing whatever becomes ready.
  /// - Throws: the writer's `CaptureError`.
  public mutating func process(_ record: CaptureRecord, to writer: RecordWriter) throws(CaptureError) {
    if case .packet(let packet) = record {
      let d = pipeline.decode(packet)
      switch selector.submit(d) {
      case .keep: try writer.write(record)
      case .drop: return
      case .hold: selector.hold(record)
      }
    } else if selector.submitOther() {
      try writer.write(record)
      return
    } else {
      selector.hold(record)
    }
    while let ready = selector.popReady() { try writer.write(ready) }
  }

  /// Ends the input: open transactions are decided on what was seen and everything held is written.
  public mutating func finish(to writer: RecordWriter) throws(CaptureError) {
    selector.finish()
    while let ready = selector.popReady() { try writer.write(ready) }
  }

  /// Filters every record of `reader` into `writer`, then calls ``finish(to:)``.
  /// - Throws: the reader's `CaptureError` for damaged input (everything before the damage has been written,
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
extension ContentCaptureFilter: Sendable {}
