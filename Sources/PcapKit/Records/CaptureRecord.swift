/// One record of a capture, in file order, as returned by ``CaptureReader/next()``.
///
/// A classic pcap file reads as one ``section(_:)`` (its file header), one synthesised ``interface(_:)``, then
/// its ``packet(_:)``s. A pcapng file yields one case per block. Every case carries the original bytes
/// (``raw``), so a filter can copy whatever it keeps verbatim.
public enum CaptureRecord: Sendable {
  /// A pcapng SHB (starting a section with its own byte order and interfaces) or a pcap file header.
  case section(SectionHeader)
  /// A pcapng IDB, or the interface implied by a pcap file header.
  case interface(InterfaceDescription)
  /// An EPB, SPB, obsolete PB or pcap record.
  case packet(Packet)
  /// An Interface Statistics Block.
  case statistics(InterfaceStatistics)
  /// A Name Resolution Block.
  case nameResolution(NameResolution)
  /// A Decryption Secrets Block.
  case decryptionSecrets(DecryptionSecrets)
  /// A Custom Block (copyable or not).
  case custom(CustomBlock)
  /// Any other block (systemd journal, local-use, unknown types), kept raw.
  case other(RawBlock)

  /// The record's original bytes, type and offset.
  public var raw: RawBlock {
    switch self {
    case .section(let s): s.raw
    case .interface(let i): i.raw
    case .packet(let p): p.raw
    case .statistics(let s): s.raw
    case .nameResolution(let n): n.raw
    case .decryptionSecrets(let d): d.raw
    case .custom(let c): c.raw
    case .other(let r): r
    }
  }
}
