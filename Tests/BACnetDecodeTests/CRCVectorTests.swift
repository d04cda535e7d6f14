import Testing
@testable import BACnetDecode

/// Annex G CRC vectors (from the wire-format reference).
@Suite struct CRCVectorTests {
  @Test("header CRC-8: Annex G.1 running values, check value, residue")
  func headerCRC() {
    var crc: UInt8 = 0xFF
    var seen: [UInt8] = []
    for b: UInt8 in [0x00, 0x10, 0x05, 0x00, 0x00] {
      crc = MSTPChecksums.headerCRCStep(b, crc)
      seen.append(crc)
    }
    #expect(seen == [0x55, 0xC2, 0xBC, 0x95, 0x73])
    #expect(MSTPChecksums.headerCRC([0x00, 0x10, 0x05, 0x00, 0x00]) == 0x8C)
    #expect(MSTPChecksums.headerCRCStep(0x8C, 0x73) == 0x55)
    #expect(MSTPChecksums.headerCRC(Array("123456789".utf8)) == 0x89)
    #expect(MSTPChecksums.headerCRC(hex("01 7F 05 00 00")) == 0xC1)
    #expect(MSTPChecksums.headerCRC(hex("02 05 7F 00 00")) == 0x9B)
  }

  @Test("data CRC-16: Annex G.2 running values, CRC-16/X-25 check, residue")
  func dataCRC() {
    var crc: UInt16 = 0xFFFF
    var seen: [UInt16] = []
    for b: UInt8 in [0x01, 0x22, 0x30] {
      crc = MSTPChecksums.dataCRCStep(b, crc)
      seen.append(crc)
    }
    #expect(seen == [0x1E0E, 0xEB70, 0x42EF])
    #expect(MSTPChecksums.dataCRC([0x01, 0x22, 0x30]) == 0xBD10)
    crc = MSTPChecksums.dataCRCStep(0x10, crc)
    crc = MSTPChecksums.dataCRCStep(0xBD, crc)
    #expect(crc == 0xF0B8)
    #expect(MSTPChecksums.dataCRC(Array("123456789".utf8)) == 0x906E)
    let frame = hex("55 FF 06 FF 05 00 10 EB 01 00 10 00 C4 02 00 04 D2 22 05 C4 91 00 21 0F CB 77")
    #expect(MSTPChecksums.dataCRC(frame[8..<24]) == 0x77CB)
  }

  @Test("CRC-32K: check value and residue over a COBS frame")
  func crc32K() {
    #expect(MSTPChecksums.crc32K(Array("123456789".utf8)) == 0x2D3D_D0AE)
    let d = BACnetDecoder.decodeMSTP(hex("55 FF 21 FF 05 00 14 71 | 57 54 57 45 56 91 57 52 51 87 77 50 91 C4 56 74 5A | 50 61 52 CB B9")[...])
    #expect(d.frame?.crc32KOK == true && d.diagnostics.isEmpty)
    #expect(d.frame?.data == hex("01 00 10 00 c4 02 00 04 d2 22 05 c4 91 00 21 0f")[...])
  }

  @Test("reference MS/TP frames decode with every CRC correct")
  func referenceFrames() {
    for h in ["55 FF 00 10 05 00 00 8C", "55 FF 01 7F 05 00 00 C1", "55 FF 02 05 7F 00 00 9B",
              "55 FF 06 FF 05 00 10 EB 01 00 10 00 C4 02 00 04 D2 22 05 C4 91 00 21 0F CB 77"] {
      let d = BACnetDecoder.decodeMSTP(hex(h)[...])
      #expect(d.diagnostics.isEmpty && d.frame?.headerCRCOK == true, "\(h)")
    }
  }
}
