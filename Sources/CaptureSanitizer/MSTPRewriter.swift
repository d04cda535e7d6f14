internal import BACnetDecode

/// Rewrites one LINKTYPE_BACNET_MS_TP record: source and destination station numbers, the NPDU of data frames, and
/// the checksums that cover them (header CRC-8, data CRC-16, or for COBS-encoded frames the re-encoded data and
/// its CRC-32K). A checksum that was wrong is left as it was (still wrong); a COBS frame whose re-encoding changes
/// length gets a new length field.
enum MSTPRewriter {
  /// Rewrites `record` in place (it may change length for a COBS frame).
  static func rewrite(_ record: inout [UInt8], bacnet: BACnetRewriter) {
    let decoded = BACnetDecoder.decodeMSTP(record[...])
    guard let frame = decoded.frame else { return }
    let h = frame.hasPreamble ? 2 : 0
    guard record.count >= h + 6 else { return }
    let conversation = UInt64(record[h + 1]) << 8 | UInt64(record[h + 2])
    record[h + 1] = bacnet.addresses.mstp(record[h + 1])
    record[h + 2] = bacnet.addresses.mstp(record[h + 2])
    let dataStart = frame.dataOffset
    let length = Int(frame.length)
    if frame.frameType.carriesNPDU && !frame.frameType.isCOBSEncoded && length > 0 && dataStart + length <= record.count {
      bacnet.rewriteNPDU(&record, dataStart..<(dataStart + length), carrier: .mstp, conversation: conversation)
      if frame.dataCRCOK == true, dataStart + length + 2 <= record.count {
        let crc = MSTPChecksums.dataCRC(record[dataStart..<(dataStart + length)])
        record[dataStart + length] = UInt8(crc & 0xFF)
        record[dataStart + length + 1] = UInt8(crc >> 8)
      }
    } else if frame.frameType.carriesNPDU && frame.frameType.isCOBSEncoded && frame.crc32KOK == true
      && dataStart + length + 2 <= record.count
    {
      var npdu = Array(frame.data)
      bacnet.rewriteNPDU(&npdu, 0..<npdu.count, carrier: .mstp, conversation: conversation)
      if npdu != Array(frame.data) {
        var field = COBS.encode(npdu[...])
        var crc: UInt32 = 0xFFFF_FFFF
        for b in field { crc = MSTPChecksums.crc32KStep(b, crc) }
        crc = ~crc
        field += COBS.encode([0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> UInt32($0)) }[...])
        let newLength = field.count - 2
        guard newLength <= 0xFFFF else { return }  // cannot be expressed in the length field: leave the data
        record.replaceSubrange(dataStart..<(dataStart + length + 2), with: field)
        record[h + 3] = UInt8(truncatingIfNeeded: newLength >> 8)
        record[h + 4] = UInt8(truncatingIfNeeded: newLength)
      }
    }
    if frame.headerCRCOK {
      record[h + 5] = MSTPChecksums.headerCRC(record[(h)..<(h + 5)])
    }
  }
}
