/// The MS/TP checksums of ASHRAE 135 Annex G.
///
/// | CRC | Parameters | Receiver residue |
/// |---|---|---|
/// | Header CRC-8 | x⁸+x⁷+1, reflected, init 0xFF, ones-complement sent | 0x55 |
/// | Data CRC-16 | CRC-CCITT reflected (0x8408), init 0xFFFF, ones-complement sent LSB first (CRC-16/X-25) | 0xF0B8 |
/// | CRC-32K | Koopman, reflected 0xEB31D82E, init 0xFFFFFFFF, ones-complement sent LSB first | 0x0843323B |
public enum MSTPChecksums {
  /// Feeds one octet into the running header CRC (Annex G.1).
  @inline(__always)
  public static func headerCRCStep(_ data: UInt8, _ crc: UInt8) -> UInt8 {
    var c = UInt16(crc ^ data)
    c = c ^ (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
    return UInt8(truncatingIfNeeded: (c & 0xFE) ^ ((c >> 8) & 1))
  }

  /// The header CRC octet to transmit for the five header octets (frame type, destination, source, length).
  public static func headerCRC<C: Collection>(_ header: C) -> UInt8 where C.Element == UInt8 {
    var crc: UInt8 = 0xFF
    for b in header { crc = headerCRCStep(b, crc) }
    return ~crc
  }

  /// Feeds one octet into the running data CRC (Annex G.2).
  @inline(__always)
  public static func dataCRCStep(_ data: UInt8, _ crc: UInt16) -> UInt16 {
    let low = (crc & 0xFF) ^ UInt16(data)
    return (crc >> 8) ^ (low << 8) ^ (low << 3) ^ (low << 12) ^ (low >> 4) ^ (low & 0x0F) ^ ((low & 0x0F) << 7)
  }

  /// The data CRC value to transmit (ones complement; sent least significant octet first).
  public static func dataCRC<C: Collection>(_ data: C) -> UInt16 where C.Element == UInt8 {
    var crc: UInt16 = 0xFFFF
    for b in data { crc = dataCRCStep(b, crc) }
    return ~crc
  }

  /// The CRC-32K lookup table (reflected polynomial 0xEB31D82E).
  static let crc32KTable: [UInt32] = (0..<256).map { i -> UInt32 in
    var c = UInt32(i)
    for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEB31_D82E : c >> 1 }
    return c
  }

  /// Feeds one octet into a running CRC-32K (Annex G.3).
  @inline(__always)
  public static func crc32KStep(_ data: UInt8, _ crc: UInt32) -> UInt32 {
    crc32KTable[Int((crc ^ UInt32(data)) & 0xFF)] ^ (crc >> 8)
  }

  /// The CRC-32K value to transmit (ones complement; sent least significant octet first).
  public static func crc32K<C: Collection>(_ data: C) -> UInt32 where C.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = crc32KStep(b, crc) }
    return ~crc
  }
}

/// The verdict on the CRC-32K of a COBS-encoded (extended) data field.
public enum MSTPExtendedCRCCheck: Hashable, Sendable {
  /// The CRC-32K checks.
  case correct
  /// The encoded CRC decodes to 4 octets but the CRC-32K does not check.
  case wrong
  /// The 5-octet encoded CRC is not valid COBS (its first invalid block at this offset within those 5 octets).
  case invalidEncoding(offset: Int)
  /// The field is shorter than the 5-octet encoded CRC.
  case tooShort

  /// True for ``correct``.
  public var isCorrect: Bool { self == .correct }
}

extension MSTPChecksums {
  /// Checks the CRC-32K of the data field of a COBS-encoded frame (types 32–127): the encoded data, then the
  /// encoded CRC-32K in its last 5 octets (the field is the header length + 2 octets).
  public static func checkExtendedField(_ field: ArraySlice<UInt8>) -> MSTPExtendedCRCCheck {
    guard field.count >= 5 else { return .tooShort }
    var crc: UInt32 = 0xFFFF_FFFF
    for b in field.prefix(field.count - 5) { crc = crc32KStep(b, crc) }
    var crcBytes: [UInt8] = []
    if let bad = COBS.decode(field.suffix(5), into: &crcBytes) { return .invalidEncoding(offset: bad) }
    for b in crcBytes { crc = crc32KStep(b, crc) }
    return crcBytes.count == 4 && crc == 0x0843_323B ? .correct : .wrong
  }
}

/// COBS with the MS/TP 0x55 mask (clause 9.10, Annex T), as extended (types 32–127) MS/TP frames carry their data
/// and CRC-32K.
public enum COBS {
  /// Encodes `data` (each output octet XOR 0x55): the inverse of the decoding the decoder applies.
  ///
  /// The output is at most `data.count + data.count / 254 + 1` octets.
  public static func encode(_ data: some Collection<UInt8>) -> [UInt8] {
    var out: [UInt8] = [0]
    out.reserveCapacity(data.count + data.count / 254 + 2)
    var codeIndex = 0
    var code: UInt8 = 1
    for b in data {
      if b == 0 {
        out[codeIndex] = code
        codeIndex = out.count
        out.append(0)
        code = 1
      } else {
        out.append(b)
        code += 1
        if code == 0xFF {
          out[codeIndex] = code
          codeIndex = out.count
          out.append(0)
          code = 1
        }
      }
    }
    out[codeIndex] = code
    for i in out.indices { out[i] ^= 0x55 }
    return out
  }


  /// Decodes COBS-encoded octets (each XOR 0x55). Returns nil when a block length is 0 or overruns.
  static func decode(_ enc: ArraySlice<UInt8>, into out: inout [UInt8]) -> Int? {
    var i = enc.startIndex
    while i < enc.endIndex {
      let code = Int(enc[i] ^ 0x55)
      if code == 0 || i + code > enc.endIndex { return i - enc.startIndex }
      i += 1
      for _ in 1..<code {
        out.append(enc[i] ^ 0x55)
        i += 1
      }
      if code != 255 && i < enc.endIndex { out.append(0) }
    }
    return nil
  }
}
