import Foundation
import PcapKit
@testable import BACnetAnalysis
import OptigoTestSupport

/// Frame builders for the pipeline tests (IPv4 checksums are left zero: nothing here verifies them).
enum Frames {
  static let packageRoot = OptigoTestSupport.packageRoot

  static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

  /// Ethernet II header, optionally with VLAN tags (outermost first, 0x8100 each).
  static func ethernet(_ etherType: Int, vlans: [Int] = [], dst: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                       src: [UInt8] = [0x00, 0x1B, 0x21, 0x3A, 0x4F, 0x10]) -> [UInt8] {
    var f = dst + src
    for v in vlans { f += [0x81, 0x00] + be16(v) }
    return f + be16(etherType)
  }

  static func ipv4(_ payload: [UInt8], id: Int = 1, offset: Int = 0, more: Bool = false, proto: UInt8 = 17,
                   src: [UInt8] = [10, 0, 0, 1], dst: [UInt8] = [10, 0, 0, 2]) -> [UInt8] {
    let flags = (more ? 0x2000 : 0) | offset / 8
    return [0x45, 0] + be16(20 + payload.count) + be16(id) + be16(flags) + [64, proto, 0, 0] + src + dst + payload
  }

  static func udp(_ payload: [UInt8], sport: Int = 47808, dport: Int = 47808) -> [UInt8] {
    be16(sport) + be16(dport) + be16(8 + payload.count) + [0, 0] + payload
  }

  /// Ethernet + IPv4 + UDP around `payload`.
  static func bip(_ payload: [UInt8], sport: Int = 47808, dport: Int = 47808, vlans: [Int] = []) -> [UInt8] {
    ethernet(0x0800, vlans: vlans) + ipv4(udp(payload, sport: sport, dport: dport))
  }

  /// BVLC Original-Unicast-NPDU around an NPDU+APDU.
  static func unicast(_ npduAPDU: [UInt8]) -> [UInt8] { [0x81, 0x0A] + be16(4 + npduAPDU.count) + npduAPDU }

  /// ReadProperty analog-input,1 present-value, invoke id 5, with a plain NPDU expecting a reply.
  static let readProperty: [UInt8] = [0x01, 0x04, 0x00, 0x05, 0x05, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x19, 0x55]
  /// I-Am device,1234 (max APDU 1476, segmented-both, vendor 260), plain NPDU.
  static let iAm: [UInt8] = [0x01, 0x00, 0x10, 0x00, 0xC4, 0x02, 0x00, 0x04, 0xD2, 0x22, 0x05, 0xC4, 0x91, 0x00, 0x22, 0x01, 0x04]

  /// MS/TP header CRC-8 (ASHRAE 135 Annex G.1), as transmitted (ones' complement).
  static func headerCRC(_ bytes: [UInt8]) -> UInt8 {
    var crc: UInt16 = 0xFF
    for b in bytes {
      var c = crc ^ UInt16(b)
      c = c ^ (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
      crc = (c & 0xFE) ^ ((c >> 8) & 1)
    }
    return ~UInt8(crc & 0xFF)
  }

  /// MS/TP data CRC-16 (Annex G.2), as transmitted (ones' complement, low byte first).
  static func dataCRC(_ bytes: [UInt8]) -> [UInt8] {
    var crc: UInt32 = 0xFFFF
    for b in bytes {
      let low = (crc & 0xFF) ^ UInt32(b)
      crc = ((crc >> 8) ^ (low << 8) ^ (low << 3) ^ (low << 12) ^ (low >> 4) ^ (low & 0x0F) ^ ((low & 0x0F) << 7)) & 0xFFFF
    }
    let v = ~UInt16(crc)
    return [UInt8(v & 0xFF), UInt8(v >> 8)]
  }

  static func mstp(type: UInt8, dst: UInt8, src: UInt8, data: [UInt8] = [], preamble: Bool = true) -> [UInt8] {
    let header = [type, dst, src] + be16(data.count)
    return (preamble ? [0x55, 0xFF] : []) + header + [headerCRC(header)] + (data.isEmpty ? [] : data + dataCRC(data))
  }
}

extension BACnetPipeline {
  /// Decodes a frame built by ``Frames``.
  mutating func run(_ frame: [UInt8], link: LinkType = .ethernet) -> DecodedPacket {
    decode(linkType: link, data: frame[...], frameNumber: packetsSeen + 1)
  }
}
