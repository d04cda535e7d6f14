/// Writes capture records to a ``FileSink``: verbatim in the input's own format, or converted to classic pcap or
/// pcapng.
///
/// * ``Mode/verbatim`` copies each record's original bytes (``CaptureRecord/raw``), so a filtered capture keeps its
///   format, byte order, timestamp resolution, options and comments exactly; the interface record a classic pcap
///   reader synthesises from the file header is skipped (the header itself is copied).
/// * ``Mode/pcapng`` uses ``PcapNGWriter/write(_:)``: pcapng input is copied verbatim, classic pcap is converted
///   (SHB + IDB with the file's resolution, one EPB per record).
/// * ``Mode/pcap`` uses ``PcapWriter/write(_:)``: classic pcap input is copied verbatim; pcapng input is converted
///   to a nanosecond file when its first interface is finer than microseconds, else a microsecond file. What
///   classic pcap cannot carry is listed in ``warnings``; packets of a second link type are an error.
public final class RecordWriter {
  /// The output format a ``RecordWriter`` produces.
  public enum Mode: Hashable, Sendable {
    /// Copy every record's original bytes (the output has the input's format).
    case verbatim
    /// Classic pcap.
    case pcap
    /// pcapng.
    case pcapng
  }

  enum Encoder {
    case verbatim
    case pcap(PcapWriter<FileSink>)
    case pcapng(PcapNGWriter<FileSink>)
    case pendingPcap(CaptureRecord?)
  }

  /// The sink written to.
  public let sink: FileSink
  /// How records are written.
  public let mode: Mode
  /// Records written.
  public private(set) var recordsWritten = 0
  var encoder: Encoder

  /// Creates a writer.
  /// - Parameters:
  ///   - sink: where bytes go (typically ``AtomicOutputFile/sink``).
  ///   - mode: verbatim or converting.
  public init(sink: FileSink, mode: Mode = .verbatim) {
    self.sink = sink
    self.mode = mode
    switch mode {
    case .verbatim: encoder = .verbatim
    case .pcapng: encoder = .pcapng(PcapNGWriter(sink: sink))
    case .pcap: encoder = .pendingPcap(nil)
    }
  }

  /// What a conversion to classic pcap had to leave out (comments, options, extra blocks).
  public var warnings: [String] {
    if case .pcap(let w) = encoder { return w.warnings.map(\.description) }
    return []
  }

  /// Writes one record.
  /// - Throws: ``CaptureError/Code/ioError`` when the sink fails; ``CaptureError/Code/incompatibleContent`` when
  ///   converting several link types to classic pcap.
  public func write(_ record: CaptureRecord) throws(CaptureError) {
    do {
      try encode(record)
    } catch {
      failure = error
      throw error
    }
  }

  /// The first error the writer met (an output failure or an incompatible conversion), to tell it from an input
  /// error when both surface through one `throws`.
  public private(set) var failure: CaptureError?

  func encode(_ record: CaptureRecord) throws(CaptureError) {
    recordsWritten += 1
    switch encoder {
    case .verbatim:
      if case .interface(let i) = record, i.isSynthesized { return }
      try sink.write(record.raw.bytes)
    case .pcapng(var w):
      encoder = .verbatim  // release the enum's reference while mutating (avoids a copy of the writer's buffer)
      defer { encoder = .pcapng(w) }
      try w.write(record)
    case .pcap(var w):
      encoder = .verbatim
      defer { encoder = .pcap(w) }
      try w.write(record)
    case .pendingPcap(let section):
      try startPcap(record, pendingSection: section)
    }
  }

  /// Chooses the classic pcap flavour from the first records: a pcap header keeps its own; a pcapng section waits
  /// for its first interface (nanoseconds when that interface is finer than microseconds).
  func startPcap(_ record: CaptureRecord, pendingSection: CaptureRecord?) throws(CaptureError) {
    var nanosecond = false
    var byteOrder = ByteOrder.host
    switch record {
    case .section(let shb):
      if let ph = shb.pcapHeader, case .pcap(let ns, let order, _) = ph.format {
        nanosecond = ns
        byteOrder = order
      } else {
        encoder = .pendingPcap(record)
        return
      }
    case .interface(let idb):
      nanosecond = idb.timestampResolution.unitsPerSecond > 1_000_000
    default:
      break
    }
    var w = PcapWriter(sink: sink, nanosecond: nanosecond, byteOrder: byteOrder)
    if let pendingSection { try w.write(pendingSection) }
    try w.write(record)
    encoder = .pcap(w)
  }

  /// Writes bytes that are already in the output's format (whole records copied verbatim).
  /// - Parameters:
  ///   - bytes: the bytes.
  ///   - records: how many records they hold (for ``recordsWritten``).
  public func writeRaw(_ bytes: ArraySlice<UInt8>, records: Int) throws(CaptureError) {
    recordsWritten += records
    do {
      try sink.write(bytes)
    } catch {
      failure = error
      throw error
    }
  }

  /// Flushes buffered bytes.
  public func flush() throws(CaptureError) { try sink.flush() }
}

@available(*, unavailable)
extension RecordWriter: Sendable {}
