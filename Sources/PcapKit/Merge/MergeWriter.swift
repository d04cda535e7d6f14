/// Writes the records of a ``CaptureMerge`` as one pcapng section (one output interface per input interface) or
/// as classic pcap.
///
/// pcapng: a Section Header Block is written first; each input Interface Description Block is copied (verbatim
/// when its byte order is the output's, re-encoded otherwise) and given the next output interface ID — or, with
/// `mergeIdenticalInterfaces`, the ID of an earlier identical one. An Enhanced Packet Block in the output's byte
/// order whose input has no time offset is copied verbatim with only its interface ID rewritten, so timestamps,
/// flags and comments are preserved exactly; other packets are re-encoded from their exact timestamp. Name
/// resolution, decryption secrets and custom blocks are copied; interface statistics and unknown blocks are left
/// out (their interface IDs or meaning would not survive the renumbering) and counted in ``skippedBlocks``.
///
/// Classic pcap holds one link type: the header is written at the first packet (nanosecond resolution per
/// ``pcapNanosecond``, or when that
/// packet's interface is finer than microseconds), records of the same flavour are copied verbatim, and a packet
/// of another link type is a ``CaptureError/Code/incompatibleContent`` error.
public struct MergeWriter {
  /// The output format.
  public enum Format: Hashable, Sendable {
    /// pcapng (the default for merges).
    case pcapng
    /// Classic pcap.
    case pcap
  }

  struct Signature: Hashable {
    var linkType: UInt16
    var snapLength: UInt32
    var resolution: UInt8
    var offset: Int64
    var byteOrder: ByteOrder
    var options: [UInt8]
  }

  /// The sink written to.
  public let sink: FileSink
  /// The output format.
  public let format: Format
  /// Whether identical interfaces share one output interface.
  public let mergeIdenticalInterfaces: Bool
  /// Blocks left out, by kind (e.g. `"interface statistics": 2`).
  public private(set) var skippedBlocks: [String: Int] = [:]
  /// Packets written.
  public private(set) var packetsWritten = 0
  /// For classic pcap output: nanosecond (true) or microsecond (false) timestamps; nil decides from the first
  /// packet. Set it from ``CaptureMerge/firstResolutions`` so that no input is rounded down.
  public var pcapNanosecond: Bool?

  var pcapng: PcapNGWriter<FileSink>
  var pcap: PcapWriter<FileSink>?
  var pcapLinkType: LinkType?
  var firstLinkType: LinkType?
  var started = false
  /// Per input: section number → input interface ID → output interface ID.
  var interfaceMaps: [[Int: [Int]]]
  /// Per input: the section and table of the last packet (saves a dictionary lookup per packet).
  var cachedSection: [Int]
  var cachedTable: [[Int]]
  var signatures: [Signature: Int] = [:]
  var timeShifted: [Bool]
  /// Packets copied verbatim, gathered for one large write (flushed before any block the writers build).
  var staged: [UInt8] = []
  static let stageLimit = 1 << 20

  /// Creates a writer.
  /// - Parameters:
  ///   - sink: where the bytes go (typically ``AtomicOutputFile/sink``).
  ///   - format: pcapng or classic pcap.
  ///   - inputs: the merge's inputs (their time offsets decide which packets can be copied verbatim).
  ///   - mergeIdenticalInterfaces: share one output interface among identical input interfaces.
  public init(sink: FileSink, format: Format = .pcapng, inputs: [MergeInput], mergeIdenticalInterfaces: Bool = false) {
    self.sink = sink
    self.format = format
    self.mergeIdenticalInterfaces = mergeIdenticalInterfaces
    self.pcapng = PcapNGWriter(sink: sink)
    self.interfaceMaps = Array(repeating: [:], count: inputs.count)
    self.cachedSection = Array(repeating: -1, count: inputs.count)
    self.cachedTable = Array(repeating: [], count: inputs.count)
    self.timeShifted = inputs.map { $0.timeOffsetNanoseconds != 0 }
    self.staged.reserveCapacity(MergeWriter.stageLimit + 65_536)
  }

  mutating func flushStaged() throws(CaptureError) {
    guard !staged.isEmpty else { return }
    defer { staged.removeAll(keepingCapacity: true) }
    try sink.write(staged[...])
  }

  @inline(__always)
  mutating func stage(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    staged.append(contentsOf: bytes)
    if staged.count >= MergeWriter.stageLimit { try flushStaged() }
  }

  /// Interfaces written to the pcapng output.
  public var interfacesWritten: Int { pcapng.interfaces.count }

  /// Writes one merged record.
  /// - Throws: ``CaptureError/Code/ioError`` from the sink; ``CaptureError/Code/incompatibleContent`` for a second
  ///   link type in pcap output; ``CaptureError/Code/invalidArgument`` for a packet whose interface was never
  ///   described or a timestamp the output cannot represent.
  public mutating func write(_ merged: MergedRecord) throws(CaptureError) {
    switch format {
    case .pcapng: try writePcapNG(merged)
    case .pcap: try writePcap(merged)
    }
  }

  /// Writes one packet of input `input` (a faster path than ``write(_:)`` for callers that hold the pieces).
  /// - Parameters:
  ///   - packet: the packet.
  ///   - input: its input's index.
  ///   - section: its input's section number (see ``MergedRecord/section``).
  ///   - timestamp: its timestamp with the input's time offset applied.
  public mutating func writePacket(_ packet: Packet, input: Int, section: Int, timestamp: CaptureTimestamp) throws(CaptureError) {
    switch format {
    case .pcapng: try writePacketNG(packet, input: input, section: section, timestamp: timestamp)
    case .pcap: try writePacketPcap(packet, input: input, timestamp: timestamp)
    }
  }

  /// Finishes the output: an empty merge still gets a valid header. Flushes the sink.
  public mutating func finish() throws(CaptureError) {
    try flushStaged()
    switch format {
    case .pcapng:
      if !started {
        started = true
        try pcapng.writeSectionHeader()
      }
    case .pcap:
      if pcap == nil {
        var w = PcapWriter(sink: sink)
        try w.writeHeader(linkType: firstLinkType ?? .ethernet)
        pcap = w
      }
    }
    try sink.flush()
  }

  mutating func skip(_ what: String) { skippedBlocks[what, default: 0] += 1 }

  // MARK: pcapng

  mutating func writePcapNG(_ merged: MergedRecord) throws(CaptureError) {
    if !started {
      started = true
      try pcapng.writeSectionHeader()
    }
    switch merged.record {
    case .section:
      return
    case .interface(let idb):
      let outputID: Int
      let signature = mergeIdenticalInterfaces ? Signature(idb) : nil
      if let signature, let existing = signatures[signature] {
        outputID = existing
      } else {
        try flushStaged()
        try pcapng.write(merged.record)
        outputID = pcapng.interfaces.count - 1
        if let signature { signatures[signature] = outputID }
      }
      var table = interfaceMaps[merged.input][merged.section] ?? []
      while table.count <= idb.id { table.append(-1) }
      table[idb.id] = outputID
      interfaceMaps[merged.input][merged.section] = table
      cachedSection[merged.input] = -1
    case .packet(let p):
      try writePacketNG(p, input: merged.input, section: merged.section, timestamp: merged.timestamp)
    case .nameResolution, .decryptionSecrets, .custom:
      try flushStaged()
      try pcapng.write(merged.record)
    case .statistics:
      skip("interface statistics")
    case .other:
      skip("unknown blocks")
    }
  }

  /// One packet into the pcapng output (verbatim EPB with its interface ID rewritten when possible).
  mutating func writePacketNG(_ p: Packet, input: Int, section: Int, timestamp: CaptureTimestamp?) throws(CaptureError) {
    if !started {
      started = true
      try pcapng.writeSectionHeader()
    }
    if cachedSection[input] != section {
      cachedTable[input] = interfaceMaps[input][section] ?? []
      cachedSection[input] = section
    }
    guard p.interfaceID < cachedTable[input].count, cachedTable[input][p.interfaceID] >= 0 else {
      throw CaptureError(.invalidArgument, offset: p.fileOffset, "packet of an interface that was never described")
    }
    let outputID = cachedTable[input][p.interfaceID]
    packetsWritten += 1
    if p.blockType == .enhancedPacket && p.byteOrder == pcapng.byteOrder && !timeShifted[input] {
      let raw = p.rawRecord
      let at = staged.count
      staged.append(contentsOf: raw)
      if outputID != p.interfaceID, staged.count >= at + 12 {
        let id = UInt32(outputID)
        for k in 0..<4 {
          let shift = pcapng.byteOrder == .little ? 8 * k : 8 * (3 - k)
          staged[at + 8 + k] = UInt8(truncatingIfNeeded: id >> UInt32(shift))
        }
      }
      if staged.count >= MergeWriter.stageLimit { try flushStaged() }
      return
    }
    try flushStaged()
    var options: [PcapNGOption] = []
    if p.blockType == .enhancedPacket || p.blockType == .packet {
      for o in p.options {
        if p.byteOrder == pcapng.byteOrder || o.code == .comment { options.append(o) } else { skip("byte-swapped packet options") }
      }
    }
    try pcapng.writeEnhancedPacket(
      interfaceID: outputID, timestamp: timestamp ?? p.timestamp, data: p.data,
      originalLength: p.originalLength, options: options)
  }

  // MARK: pcap

  mutating func writePcap(_ merged: MergedRecord) throws(CaptureError) {
    switch merged.record {
    case .interface(let idb):
      if firstLinkType == nil { firstLinkType = idb.linkType }
    case .packet(let p):
      try writePacketPcap(p, input: merged.input, timestamp: merged.timestamp)
    case .section, .statistics, .nameResolution, .decryptionSecrets, .custom, .other:
      if case .section = merged.record { return }
      skip("pcapng blocks (pcap output)")
    }
  }

  /// One packet into the classic pcap output.
  mutating func writePacketPcap(_ p: Packet, input: Int, timestamp: CaptureTimestamp?) throws(CaptureError) {
    if pcap == nil {
      let nanosecond = pcapNanosecond ?? (p.timestamp.resolution.unitsPerSecond > 1_000_000)
      var w = PcapWriter(sink: sink, nanosecond: nanosecond)
      try w.writeHeader(linkType: p.linkType)
      pcap = w
      pcapLinkType = p.linkType
    }
    guard p.linkType == pcapLinkType else {
      throw CaptureError(
        .incompatibleContent, offset: p.fileOffset,
        "input \(input + 1) has link type \(p.linkType) but the pcap output is \(pcapLinkType!): classic pcap holds one link type (write pcapng instead)")
    }
    packetsWritten += 1
    let ns = pcap!.nanosecond
    if p.blockType == .pcapRecord && !timeShifted[input] && p.byteOrder == pcap!.byteOrder
      && p.rawRecord.count == 16 + p.data.count
      && p.timestamp.resolution == (ns ? TimestampResolution.nanoseconds : .microseconds)
    {
      try stage(p.rawRecord)
      return
    }
    try flushStaged()
    try pcap!.writePacket(timestamp: timestamp ?? p.timestamp, data: p.data, originalLength: p.originalLength)
  }
}

extension MergeWriter.Signature {
  init(_ idb: InterfaceDescription) {
    linkType = idb.linkType.rawValue
    snapLength = idb.snapLength
    resolution = idb.timestampResolution.rawValue
    offset = idb.timestampOffset
    byteOrder = idb.raw.byteOrder
    options = idb.isSynthesized ? [] : Array(idb.options.bytes)
  }
}

@available(*, unavailable)
extension MergeWriter: Sendable {}
