import Foundation

@testable import PcapKit
import OptigoTestSupport

/// SplitMix64: a small seeded generator, so every damaged copy is reproducible from its seed.
typealias SeededRandom = SplitMix64

/// One record of an undamaged capture: where it lies, and for a packet what identifies it in any output.
struct RecordSpan {
  var range: Range<Int>
  var isPacket: Bool
  /// For a packet: the file ranges it depends on (the pcap file header; the section's interfaces up to its own).
  var dependsOn: [Range<Int>]
  /// For a packet: the bytes that identify it (timestamp ticks and data).
  var key: PacketKey?
}

/// A packet's identity: timestamp and captured bytes.
struct PacketKey: Hashable {
  var ticks: Int128
  var data: [UInt8]
}

/// A capture and the spans of its records, from a strict read of the undamaged bytes.
struct CaptureLayout {
  var name: String
  var bytes: [UInt8]
  var records: [RecordSpan]
  var isPcapng: Bool
  /// Bytes that identify the format (pcap file header, first SHB's type, length and byte-order magic).
  var formatBytes: Range<Int>

  init?(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
    var opts = ReaderOptions()
    opts.chunkSize = 1 << 16
    guard var reader = try? CaptureReader(bytes: bytes, options: opts) else { return nil }
    isPcapng = reader.format == .pcapng
    formatBytes = 0..<(isPcapng ? 12 : 24)
    records = []
    var interfaceRanges: [Range<Int>] = []
    var fileHeader = 0..<24
    do {
      while let r = try reader.next() {
        let raw = r.raw
        let range = raw.fileOffset..<(raw.fileOffset + raw.bytes.count)
        switch r {
        case .section(let s):
          if s.pcapHeader != nil { fileHeader = range } else { interfaceRanges = [] }
          records.append(RecordSpan(range: range, isPacket: false, dependsOn: [], key: nil))
        case .interface(let i):
          if !i.isSynthesized {
            interfaceRanges.append(range)
            records.append(RecordSpan(range: range, isPacket: false, dependsOn: [], key: nil))
          }
        case .packet(let p):
          // Interface IDs are positional: a packet needs every interface of its section up to its own.
          let deps = isPcapng ? Array(interfaceRanges.prefix(p.interfaceID + 1)) : [fileHeader]
          records.append(RecordSpan(range: range, isPacket: true, dependsOn: deps,
                                    key: PacketKey(ticks: p.timestamp.ticks, data: Array(p.data))))
        default:
          records.append(RecordSpan(range: range, isPacket: false, dependsOn: [], key: nil))
        }
      }
    } catch {
      return nil  // only undamaged sources are used
    }
    if records.filter(\.isPacket).isEmpty { return nil }
  }
}

/// A damaged copy of a capture and the byte ranges that were damaged.
struct DamagedCopy {
  var kind: String
  var bytes: [UInt8]
  /// Damaged ranges in the original's coordinates (a truncation is the range from the cut to the original end; a
  /// gap is the range of bytes removed).
  var damaged: [Range<Int>]
  /// Bytes removed from the middle of the original (a gap), so records after it lie that much earlier in the copy.
  var removedBytes = 0

  /// First damaged offset.
  var firstDamage: Int { damaged.map(\.lowerBound).min() ?? bytes.count }

  func touches(_ r: Range<Int>) -> Bool { damaged.contains { $0.overlaps(r) || (r.isEmpty && $0.contains(r.lowerBound)) } }

  /// The packets of `layout` left whole: their record, and the interface / file header they depend on, untouched.
  func intactPackets(_ layout: CaptureLayout) -> [RecordSpan] {
    if touches(layout.formatBytes) { return [] }
    return layout.records.filter { rec in
      rec.isPacket && !touches(rec.range) && rec.range.upperBound <= bytes.count + removedBytes
        && !rec.dependsOn.contains(where: touches)
    }
  }
}

/// Generates damaged copies of a capture: truncations at and inside every record boundary and inside packet data,
/// random byte flips, zeroed ranges, bogus length fields, and gaps (bytes lost from the middle of a packet's data
/// to a later record's start or middle, as when blocks of a file are lost). Seeded; `scale` multiplies the random
/// variants.
func damagedCopies(of layout: CaptureLayout, seed: UInt64, scale: Int, maxBoundaries: Int = 32) -> [DamagedCopy] {
  var rng = SeededRandom(seed: seed)
  var out: [DamagedCopy] = []
  let b = layout.bytes
  let n = b.count
  // Truncation at every record boundary, and inside each record header (7 bytes in).
  for rec in layout.records.prefix(maxBoundaries) {
    for delta in [0, 7] where rec.range.lowerBound + delta < n {
      let cut = rec.range.lowerBound + delta
      out.append(DamagedCopy(kind: delta == 0 ? "truncate-at-boundary" : "truncate-in-header",
                             bytes: Array(b[..<cut]), damaged: [cut..<max(n, cut + 1)]))
    }
  }
  // Truncation inside a packet's data (half way through the record), as when a capture is cut mid-write.
  for rec in layout.records.prefix(maxBoundaries) where rec.isPacket && rec.range.count >= 48 {
    let cut = rec.range.lowerBound + rec.range.count / 2
    out.append(DamagedCopy(kind: "truncate-in-data", bytes: Array(b[..<cut]), damaged: [cut..<n]))
  }
  for _ in 0..<(8 * scale) {
    // Random byte flips (1–6 bytes, anywhere after the format bytes).
    var c = b
    var ranges: [Range<Int>] = []
    for _ in 0..<Int.random(in: 1...6, using: &rng) {
      let i = Int.random(in: layout.formatBytes.upperBound..<n, using: &rng)
      c[i] ^= UInt8.random(in: 1...255, using: &rng)
      ranges.append(i..<(i + 1))
    }
    out.append(DamagedCopy(kind: "byte-flips", bytes: c, damaged: ranges))
    // A zeroed range (1–300 bytes).
    c = b
    let z = Int.random(in: layout.formatBytes.upperBound..<n, using: &rng)
    let zl = min(Int.random(in: 1...300, using: &rng), n - z)
    for i in z..<(z + zl) { c[i] = 0 }
    out.append(DamagedCopy(kind: "zeroed-range", bytes: c, damaged: [z..<(z + zl)]))
    // A bogus length field in a random record (pcap: captured length; pcapng: block total length or EPB caplen).
    c = b
    let rec = layout.records[Int.random(in: 0..<layout.records.count, using: &rng)]
    let field: Int
    if layout.isPcapng {
      field = rec.isPacket && Bool.random(using: &rng) && rec.range.count >= 32 ? rec.range.lowerBound + 20 : rec.range.lowerBound + 4
    } else {
      field = rec.isPacket ? rec.range.lowerBound + 8 : 16  // caplen, or the snapshot length
    }
    if field + 4 <= n {
      let values: [UInt32] = [0, 0xFFFF_FFFF, 0xFFFF_FFFC, 0x7FFF_FFFF, 1 << 20, UInt32.random(in: 0...0xFFFF, using: &rng),
                              UInt32(truncatingIfNeeded: rec.range.count + 4), UInt32(truncatingIfNeeded: max(0, rec.range.count - 4))]
      let v = values[Int.random(in: 0..<values.count, using: &rng)]
      let le = layout.bytes[0] == 0xD4 || layout.bytes[0] == 0x4D || layout.bytes[0] == 0x34
        || (layout.isPcapng && layout.bytes[8] == 0x4D)
      let w = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
      let bytes = le ? w : w.reversed()
      if Array(c[field..<(field + 4)]) != bytes {
        c.replaceSubrange(field..<(field + 4), with: bytes)
        out.append(DamagedCopy(kind: "bogus-length", bytes: c, damaged: [field..<(field + 4)]))
      }
    }
    // A gap: from half way through a packet record to the start or the middle of a later record.
    let cuttable = layout.records.indices.filter { layout.records[$0].isPacket && layout.records[$0].range.count >= 48 }
    if let i = cuttable.randomElement(using: &rng), i + 1 < layout.records.count {
      let from = layout.records[i].range.lowerBound + layout.records[i].range.count / 2
      let later = layout.records[Int.random(in: (i + 1)..<layout.records.count, using: &rng)].range
      let to = later.lowerBound + (Bool.random(using: &rng) ? 0 : later.count / 2)
      // Not when the cut record's length then ends exactly at a record or the end of the input: the copy is a
      // well-formed capture whose cut record swallowed whole records, which no reader can tell.
      let landing = layout.records[i].range.upperBound - from + to
      if landing != n && !layout.records.contains(where: { $0.range.lowerBound == landing }) {
        out.append(DamagedCopy(kind: "gap-mid-file", bytes: Array(b[..<from] + b[to...]), damaged: [from..<to],
                               removedBytes: to - from))
      }
    }
  }
  return out
}

/// Converts a classic pcap capture to pcapng (so both formats are damaged the same way).
func convertedToPcapng(_ bytes: [UInt8]) -> [UInt8]? {
  guard var reader = try? CaptureReader(bytes: bytes) else { return nil }
  var writer = PcapNGWriter(sink: MemorySink(), byteOrder: .little)
  do {
    while let r = try reader.next() { try writer.write(r) }
  } catch {
    return nil
  }
  return writer.sink.bytes
}
