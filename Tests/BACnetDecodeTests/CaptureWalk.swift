import Foundation
@testable import BACnetDecode

/// A minimal classic-pcap reader and link walk for tests (BACnetDecode must not depend on PcapKit).
struct TestCapture {
  /// One record: its link type and the BACnet bytes found in it.
  enum Payload {
    /// A UDP payload and its ports.
    case udp(bytes: [UInt8], srcPort: UInt16, dstPort: UInt16, peer: String)
    /// An 802.3/LLC 82 82 03 payload: an NPDU.
    case llc([UInt8])
    /// An MS/TP record.
    case mstp([UInt8])
    /// Anything else.
    case other
  }

  var linkType: UInt32 = 0
  var records: [[UInt8]] = []

  init?(path: String) {
    guard let data = FileManager.default.contents(atPath: path), data.count >= 24 else { return nil }
    let b = [UInt8](data)
    func le32(_ i: Int) -> UInt32 { UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24 }
    guard le32(0) == 0xA1B2_C3D4 || le32(0) == 0xA1B2_3C4D else { return nil }
    linkType = le32(20)
    var i = 24
    while i + 16 <= b.count {
      let incl = Int(le32(i + 8))
      i += 16
      guard i + incl <= b.count else { break }
      records.append(Array(b[i..<(i + incl)]))
      i += incl
    }
  }

  func payload(_ r: [UInt8]) -> Payload {
    if linkType == 165 { return .mstp(r) }
    guard linkType == 1, r.count >= 14 else { return .other }
    var type = Int(r[12]) << 8 | Int(r[13])
    var i = 14
    while type == 0x8100 || type == 0x88A8, i + 4 <= r.count {
      type = Int(r[i + 2]) << 8 | Int(r[i + 3])
      i += 4
    }
    if type <= 1500 {
      guard i + 3 <= r.count, r[i] == 0x82, r[i + 1] == 0x82, r[i + 2] == 0x03 else { return .other }
      let end = min(r.count, i + type)
      return .llc(Array(r[(i + 3)..<max(i + 3, end)]))
    }
    var proto = 0
    if type == 0x0800, i + 20 <= r.count {
      let ihl = Int(r[i] & 0x0F) * 4
      let total = Int(r[i + 2]) << 8 | Int(r[i + 3])
      proto = Int(r[i + 9])
      let end = min(r.count, i + total)
      i += ihl
      guard proto == 17, i + 8 <= end else { return .other }
      return udp(Array(r[i..<end]), peer: r[(i - ihl + 12)..<(i - ihl + 20)].map { String($0) }.joined(separator: "."))
    }
    if type == 0x86DD, i + 40 <= r.count {
      proto = Int(r[i + 6])
      i += 40
      guard proto == 17, i + 8 <= r.count else { return .other }
      return udp(Array(r[i...]), peer: r[(i - 32)..<i].map { String($0) }.joined(separator: "."))
    }
    return .other
  }

  func udp(_ u: [UInt8], peer: String) -> Payload {
    let sp = UInt16(u[0]) << 8 | UInt16(u[1])
    let dp = UInt16(u[2]) << 8 | UInt16(u[3])
    let len = min(u.count, Int(u[4]) << 8 | Int(u[5]))
    return .udp(bytes: Array(u[8..<max(8, len)]), srcPort: sp, dstPort: dp, peer: "\(peer) \(sp)>\(dp)")
  }
}
