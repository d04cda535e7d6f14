public import PcapKit
import _CaptureInternals

/// Rewrites a pcapng capture without descriptive text, keeping every packet and timestamp.
///
/// Kept, byte for byte unless an option had to go: Section Header Blocks (their section length becomes -1,
/// "unspecified", because blocks are removed), Interface Description Blocks, Enhanced, Simple and (obsolete)
/// Packet Blocks, Interface Statistics Blocks.
///
/// Removed:
/// * options: `opt_comment` everywhere; `shb_hardware`, `shb_os`, `shb_userappl`; `if_name`, `if_description`,
///   `if_filter`, `if_os`, `if_hardware`, `if_iana_tzname`; custom options (2988, 2989, 19372, 19373); local-use
///   options (code ≥ 0x8000) and options this version does not know (they may hold anything);
/// * blocks: Name Resolution (host names), Decryption Secrets, Custom (both kinds), systemd Journal Export, and
///   every other block type (local-use and unknown ones included).
///
/// Kept options are the numeric ones a reader needs: `if_tsresol`, `if_tsoffset`, `if_fcslen`, `if_tzone`,
/// addresses, speeds; `epb_flags`, hashes, drop counts, packet IDs, queues, verdicts, process/thread IDs; the
/// ISB counters and times. Output byte order is each section's own.
public enum MetadataScrubber {
  /// Streams the scrubbed form of the capture `reader` reads into `sink`.
  ///
  /// Classic pcap has no descriptive text: its records are copied unchanged.
  /// - Returns: what was removed.
  /// - Throws: PcapKit's `CaptureError` from the reader (damaged input, with its offset) or the sink.
  public static func scrub(_ reader: inout CaptureReader, into sink: inout some ByteSink) throws(CaptureError)
    -> ScrubReport
  {
    try scrub(&reader, into: &sink, shiftingTimestampsBy: 0) { _ in nil }
  }

  /// Streams the scrubbed form of the capture into `sink`, also rewriting each packet's captured bytes and
  /// shifting its timestamp (the content sanitizer's entry point).
  ///
  /// A rewritten packet may change length: its record is rebuilt with the new captured length, and its original
  /// length changes by the same amount. A timestamp shift is added to classic pcap seconds (clamped to the field's
  /// range) and to pcapng EPB/PB timestamps in their interface's resolution; SPBs carry no timestamp.
  /// - Parameters:
  ///   - reader: the capture to read.
  ///   - sink: where the rewritten capture goes.
  ///   - seconds: added to every packet timestamp (negative moves them earlier).
  ///   - removeAddresses: also remove the interface address options (`if_IPv4addr`, `if_IPv6addr`,
  ///     `if_MACaddr`, `if_EUIaddr`), which name the capturing host.
  ///   - rewritePacket: called once per packet with the packet as read; returns the replacement bytes, or nil to keep them.
  /// - Returns: what was removed.
  /// - Throws: PcapKit's `CaptureError` from the reader or the sink.
  public static func scrub(
    _ reader: inout CaptureReader, into sink: inout some ByteSink, shiftingTimestampsBy seconds: Int64,
    removingInterfaceAddresses removeAddresses: Bool = false, rewritingPackets rewritePacket: (Packet) -> ArraySlice<UInt8>?
  ) throws(CaptureError) -> ScrubReport {
    let interfaceKept = removeAddresses ? idbKept.subtracting([4, 5, 6, 7]) : idbKept
    var report = ScrubReport()
    var resolutions: [UInt64] = []  // units per second of the current section's interfaces
    var scratch: [UInt8] = []  // a rewritten pcap record header (reused)
    while let record = try reader.next() {
      switch record {
      case .section(let section):
        resolutions.removeAll(keepingCapacity: true)
        if section.pcapHeader != nil {
          try sink.write(section.raw.bytes)
        } else {
          try rewrite(section.raw, fixedLength: 16, kept: [], names: shbNames, in: &report, to: &sink) { fixed in
            // Section length: -1, since blocks may be dropped.
            for i in 8..<16 { fixed[fixed.startIndex + i] = 0xFF }
          }
        }
      case .interface(let interface):
        if interface.isSynthesized { continue }
        resolutions.append(interface.timestampResolution.unitsPerSecond)
        try rewrite(interface.raw, fixedLength: 8, kept: interfaceKept, names: idbNames, in: &report, to: &sink)
      case .packet(let packet):
        report.packets += 1
        let data = rewritePacket(packet)
        let units = packet.interfaceID < resolutions.count ? resolutions[packet.interfaceID] : 1_000_000
        let edit = PacketEdit(data: data, shift: seconds, unitsPerSecond: units, byteOrder: packet.byteOrder)
        switch packet.blockType {
        case .enhancedPacket, .packet:
          try rewrite(
            packet.raw, fixedLength: 20 + padded(packet.capturedLength),
            kept: packet.blockType == .packet ? [2, 3] : epbKept, names: epbNames, in: &report, to: &sink,
            edit: edit.applyToPacketBlock)
        case .pcapRecord where data != nil || seconds != 0:
          // The record header is 16 octets, 24 in the modified (Kuznetzov) format: whatever precedes the data.
          let headerLength = packet.data.startIndex - packet.rawRecord.startIndex
          edit.pcapHeader(packet.rawRecord.prefix(headerLength), capturedLength: packet.capturedLength, into: &scratch)
          try sink.write(scratch[...])
          try sink.write(data ?? packet.data)
        case .simplePacket where data != nil:
          try sink.write(edit.simplePacketBlock(packet.rawRecord, capturedLength: packet.capturedLength))
        default:
          try sink.write(packet.raw.bytes)  // SPB and classic pcap records carry no options
        }
      case .statistics(let statistics):
        try rewrite(statistics.raw, fixedLength: 12, kept: isbKept, names: [:], in: &report, to: &sink)
      case .nameResolution(let nrb):
        report.removeBlock("NRB", text: nrb.raw.body)
        for r in nrb.records { for name in r.names { report.noteText(Array(name.utf8)[...]) } }
      case .decryptionSecrets(let dsb):
        report.removeBlock("DSB", text: dsb.data)
      case .custom(let custom):
        report.removeBlock(custom.isCopyable ? "CB" : "DCB", text: custom.data)
      case .other(let raw):
        report.removeBlock(raw.type.description, text: [])
      }
    }
    return report
  }

  static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

  static let idbKept: Set<UInt16> = [4, 5, 6, 7, 8, 9, 10, 13, 14, 16, 17]
  static let epbKept: Set<UInt16> = [2, 3, 4, 5, 6, 7, 8]
  static let isbKept: Set<UInt16> = [2, 3, 4, 5, 6, 7, 8]
  static let shbNames: [UInt16: String] = [2: "shb_hardware", 3: "shb_os", 4: "shb_userappl"]
  static let idbNames: [UInt16: String] = [
    2: "if_name", 3: "if_description", 4: "if_IPv4addr", 5: "if_IPv6addr", 6: "if_MACaddr", 7: "if_EUIaddr", 11: "if_filter", 12: "if_os", 15: "if_hardware", 18: "if_iana_tzname",
  ]
  static let epbNames: [UInt16: String] = [:]

  static func optionName(_ code: UInt16, _ names: [UInt16: String]) -> String {
    switch code {
    case 1: return "opt_comment"
    case 2988, 2989, 19372, 19373: return "custom option"
    case 0x8000...: return "local-use option"
    default: return names[code] ?? "unknown option \(code)"
    }
  }

  /// Copies `raw` when none of its options goes, else rebuilds it: the fixed part (after `edit`), the kept options,
  /// `opt_endofopt` if any were kept, and both length fields.
  static func rewrite(
    _ raw: RawBlock, fixedLength: Int, kept: Set<UInt16>, names: [UInt16: String], in report: inout ScrubReport,
    to sink: inout some ByteSink, edit: (inout ArraySlice<UInt8>) -> Void = { _ in }
  ) throws(CaptureError) {
    let bytes = raw.bytes
    let optionStart = 8 + fixedLength
    guard bytes.count >= optionStart + 4, bytes.count % 4 == 0 else {
      throw CaptureError(
        .badBlockLength, offset: raw.fileOffset, "block of \(bytes.count) bytes is too short for its fixed fields")
    }
    let area = bytes[(bytes.startIndex + optionStart)..<(bytes.endIndex - 4)]
    let options = OptionList(bytes: area, byteOrder: raw.byteOrder, baseOffset: raw.fileOffset + optionStart)
    var keptOptions: [PcapNGOption] = []
    var removed = false
    for option in options {
      if kept.contains(option.code.rawValue) {
        keptOptions.append(option)
      } else {
        removed = true
        report.removeOption(optionName(option.code.rawValue, names), option.value)
      }
    }
    var fixed = bytes[(bytes.startIndex + 8)..<(bytes.startIndex + optionStart)]
    let original = fixed
    edit(&fixed)
    if !removed && fixed == original {
      try sink.write(bytes)
      return
    }
    var body = Array(fixed)
    for option in keptOptions {
      append16(option.code.rawValue, to: &body, raw.byteOrder)
      append16(UInt16(option.value.count), to: &body, raw.byteOrder)
      body += option.value
      body += [UInt8](repeating: 0, count: padded(option.value.count) - option.value.count)
    }
    if !keptOptions.isEmpty { body += [0, 0, 0, 0] }
    var block: [UInt8] = []
    block.reserveCapacity(body.count + 12)
    block += bytes[bytes.startIndex..<(bytes.startIndex + 4)]  // type, as written
    let total = UInt32(body.count + 12)
    append32(total, to: &block, raw.byteOrder)
    block += body
    append32(total, to: &block, raw.byteOrder)
    try sink.write(block[...])
  }

  static func append16(_ v: UInt16, to out: inout [UInt8], _ order: ByteOrder) {
    let bytes = [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
    out += order == .little ? bytes : bytes.reversed()
  }

  static func append32(_ v: UInt32, to out: inout [UInt8], _ order: ByteOrder) {
    let bytes = (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    out += order == .little ? bytes : bytes.reversed()
  }
}
