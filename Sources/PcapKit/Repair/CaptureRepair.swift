/// Copies every intact record a ``LenientCaptureReader`` recovers into a new, well-formed capture of the same
/// format — the library side of `optigo-pcap repair`.
///
/// Records are copied byte for byte (timestamps, options and comments untouched). Two things are rewritten so the
/// output is valid: a pcapng Section Header Block's section length becomes -1 ("unspecified", since skipped blocks
/// make the original wrong), and when damage destroyed the first section header a minimal one is written before
/// the first surviving block, in that block's byte order. A classic pcap file header that was patched is written
/// as patched.
public enum CaptureRepair {
  /// What a repair did.
  public struct Summary: Sendable {
    /// The input's format.
    public var format: CaptureFormat
    /// Records written (file header / section headers, interfaces, packets, other blocks).
    public var recordsWritten = 0
    /// Packets written.
    public var packetsWritten = 0
    /// Of ``packetsWritten``, those kept with their captured length cut to the bytes the input holds.
    public var truncatedPackets = 0
    /// Damage found (at most ``LenientCaptureReader/maxRecordedRegions`` entries).
    public var damage: [DamagedRegion] = []
    /// Damaged regions found, all of them.
    public var damageCount = 0
    /// Bytes skipped.
    public var skippedBytes = 0
    /// True when a section header had to be made up because the original was lost.
    public var synthesizedSectionHeader = false
    /// Absolute offset where reading ended (the input's length once fully read).
    public var inputLength = 0
  }

  /// Reads `reader` to the end and writes what it recovers to `sink`.
  /// - Returns: the summary; `summary.damageCount == 0` means the input was intact.
  /// - Throws: I/O failures of the reader or the sink (``CaptureError/Code/ioError``).
  public static func run(reader: inout LenientCaptureReader, to sink: inout some ByteSink) throws(CaptureError) -> Summary {
    var summary = Summary(format: reader.format)
    var sectionOpen = false
    while let record = try reader.next() {
      let raw = record.raw
      switch record {
      case .section:
        if case .pcapng = reader.format {
          var bytes = Array(raw.bytes)
          if bytes.count >= 24 { for i in 16..<24 { bytes[i] = 0xFF } }
          try sink.write(bytes)
        } else {
          try sink.write(raw.bytes)
        }
        sectionOpen = true
      case .interface(let i) where i.isSynthesized:
        continue  // the classic pcap file header, already written
      default:
        if !sectionOpen {
          if case .pcapng = reader.format {
            try sink.write(minimalSectionHeader(raw.byteOrder))
            summary.synthesizedSectionHeader = true
            summary.recordsWritten += 1
          }
          sectionOpen = true
        }
        try sink.write(raw.bytes)
        if case .packet = record { summary.packetsWritten += 1 }
      }
      summary.recordsWritten += 1
    }
    summary.damage = reader.damage
    summary.damageCount = reader.damageCount
    summary.skippedBytes = reader.skippedBytes
    summary.truncatedPackets = reader.truncatedPackets
    summary.inputLength = reader.offset
    return summary
  }

  /// A 28-byte pcapng Section Header Block (version 1.0, section length -1, no options).
  static func minimalSectionHeader(_ o: ByteOrder) -> [UInt8] {
    var w: [UInt8] = [0x0A, 0x0D, 0x0D, 0x0A]
    func put32(_ v: UInt32) {
      let b = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
      w += o == .little ? b.reversed() : b
    }
    put32(28)
    put32(0x1A2B_3C4D)
    w += o == .little ? [1, 0, 0, 0] : [0, 1, 0, 0]
    w += [UInt8](repeating: 0xFF, count: 8)
    put32(28)
    return w
  }
}
