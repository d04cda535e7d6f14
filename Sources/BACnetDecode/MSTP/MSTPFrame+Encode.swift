extension MSTPFrame {
  /// The octets of a plain (not COBS-encoded) frame as it goes on the wire and into a LINKTYPE_BACNET_MS_TP
  /// record: `55 FF`, type, destination, source, length (MSB first), header CRC-8, then — when there is data —
  /// the data and its CRC-16, least significant octet first.
  ///
  /// Returns nil when the data is longer than the 16-bit length field (65,535 octets).
  public static func encode(
    type: MSTPFrameType, destination: UInt8, source: UInt8, data: some Collection<UInt8> = [UInt8]()
  ) -> [UInt8]? {
    guard data.count <= 0xFFFF else { return nil }
    let header: [UInt8] = [type.rawValue, destination, source, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
    var f: [UInt8] = [0x55, 0xFF] + header + [MSTPChecksums.headerCRC(header)]
    guard !data.isEmpty else { return f }
    let crc = MSTPChecksums.dataCRC(data)
    f += data
    f += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    return f
  }
}
