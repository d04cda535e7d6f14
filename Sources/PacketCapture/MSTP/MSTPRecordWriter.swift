public import PcapKit
public import BACnetDecode

/// The file format of an MS/TP capture.
public enum MSTPOutputFormat: String, Sendable, CaseIterable {
  /// pcapng: one interface of link type 165 (nanosecond timestamps, the device and rate in `if_name`,
  /// `if_description` and `if_speed`); bad, truncated and noise records carry `epb_flags` error bits and a comment.
  case pcapng
  /// Classic pcap as bacnet-stack's `mstpcap` writes it: link type 165, snap length 65535, microseconds, every
  /// record the raw octets from `55 FF` through the data CRC. It cannot mark bad records (the reader checks CRCs).
  case pcap
}

/// Writes the records of an ``MSTPStreamFramer`` as a LINKTYPE_BACNET_MS_TP (165) capture.
///
/// Every record is written, bad ones included; in pcapng they are marked:
///
/// | record | `epb_flags` link-layer error bit | comment |
/// |---|---|---|
/// | bad header CRC, bad data CRC / CRC-32K | CRC error (24) | `MS/TP bad header CRC` / `MS/TP bad data CRC` |
/// | truncated frame | packet too short (26) | `MS/TP truncated frame (line silent)` |
/// | noise (stray octets) | preamble error (30) | `MS/TP noise: stray octets outside any frame` |
///
/// Good frames have no options. The record's timestamp is the estimated start of its first octet (see
/// ``MSTPStreamFramer``).
public struct MSTPRecordWriter<Sink: ByteSink> {
  /// The format written.
  public let format: MSTPOutputFormat
  private var pcapng: PcapNGWriter<Sink>?
  private var pcap: PcapWriter<Sink>?
  private var interface = 0

  /// Writes the file header: an SHB and an IDB for pcapng, the 24-octet header for pcap.
  /// - Parameters:
  ///   - sink: where the bytes go.
  ///   - format: pcapng or pcap.
  ///   - device: the serial device (pcapng `if_name`).
  ///   - baud: the line rate (pcapng `if_speed`, `if_description`).
  ///   - application: the `shb_userappl` text.
  public init(sink: Sink, format: MSTPOutputFormat, device: String, baud: Int, application: String = "optigo-pcap")
    throws(CaptureError)
  {
    self.format = format
    switch format {
    case .pcapng:
      var w = PcapNGWriter(sink: sink)
      try w.writeSectionHeader(options: [PcapNGOption(code: .shbUserApplication, value: Array(application.utf8)[...])])
      var speed: [UInt8] = []
      let v = UInt64(max(0, baud))
      for i in 0..<8 {
        let shift = ByteOrder.host == .little ? i * 8 : (7 - i) * 8
        speed.append(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
      }
      interface = try w.writeInterfaceDescription(
        linkType: .bacnetMSTP, snapLength: 65535, resolution: .nanoseconds,
        options: [PcapNGOption(code: .ifName, value: Array(device.utf8)[...]),
                  PcapNGOption(code: .ifDescription, value: Array("BACnet MS/TP, RS-485 at \(baud) baud 8N1".utf8)[...]),
                  PcapNGOption(code: .ifSpeed, value: speed[...])])
      pcapng = w
    case .pcap:
      var w = PcapWriter(sink: sink)
      try w.writeHeader(linkType: .bacnetMSTP, snapLength: 65535)
      pcap = w
    }
  }

  /// The `epb_flags` value and comment marking a record of `kind` (nil for a good frame).
  public static func marking(_ kind: MSTPRecordKind) -> (flags: UInt32, comment: String)? {
    let inbound: UInt32 = 1
    switch kind {
    case .frame: return nil
    case .badHeaderCRC: return (inbound | 1 << 24, "MS/TP bad header CRC")
    case .badDataCRC: return (inbound | 1 << 24, "MS/TP bad data CRC")
    case .truncated: return (inbound | 1 << 26, "MS/TP truncated frame (line silent)")
    case .noise: return (inbound | 1 << 30, "MS/TP noise: stray octets outside any frame")
    }
  }

  /// Writes one record (its octets, timestamped at ``MSTPStreamRecord/startNs``).
  /// - Throws: the sink's error, or ``CaptureError/Code/invalidArgument`` for a timestamp the format cannot hold.
  public mutating func write(_ record: MSTPStreamRecord) throws(CaptureError) {
    let t = CaptureTimestamp(nanosecondsSinceEpoch: Int128(record.startNs))
    if var w = pcapng {
      pcapng = nil
      defer { pcapng = w }
      var options: [PcapNGOption] = []
      if let m = Self.marking(record.kind) {
        var f: [UInt8] = []
        for i in 0..<4 {
          let shift = ByteOrder.host == .little ? i * 8 : (3 - i) * 8
          f.append(UInt8(truncatingIfNeeded: m.flags >> UInt32(shift)))
        }
        options = [PcapNGOption(code: .epbFlags, value: f[...]), PcapNGOption(code: .comment, value: Array(m.comment.utf8)[...])]
      }
      try w.writeEnhancedPacket(interfaceID: interface, timestamp: t, data: record.bytes, options: options)
    } else if var w = pcap {
      pcap = nil
      defer { pcap = w }
      try w.writePacket(timestamp: t, data: record.bytes)
    }
  }

  /// The sink (to read back a memory sink; a file sink is a reference and needs no getting back).
  public var sink: Sink? { pcapng?.sink ?? pcap?.sink }
}
