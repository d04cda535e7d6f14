/// MS/TP traffic as captured on an RS-485 segment (LINKTYPE_BACNET_MS_TP, 165): token passing, Poll-For-Master,
/// and data frames carrying NPDUs (ReadProperty requests and answers, I-Am, COV notifications), with valid
/// header CRC-8 and data CRC-16 (ASHRAE 135 Annex G, computed here independently of the decoder under test).
public enum SyntheticMSTP {
  /// A classic pcap of `frames` MS/TP records (each starting with the `55 FF` preamble).
  public static func capture(frames: Int, seed: UInt64 = 1) -> [UInt8] {
    let g = SyntheticCapture(format: .pcap, seed: seed)
    var out = g.header(linkType: 165)
    var micros: UInt64 = 1_705_305_600 * 1_000_000
    for f in self.frames(count: frames, seed: seed) {
      micros += 2000
      g.appendRecord(f, micros: micros, to: &out)
    }
    return out
  }

  /// `count` MS/TP frames (preamble included).
  public static func frames(count: Int, seed: UInt64 = 1) -> [[UInt8]] {
    var rng = SplitMix64(seed: seed ^ 0x3575)
    var out: [[UInt8]] = []
    out.reserveCapacity(count)
    var station: UInt8 = 1
    var invoke: UInt8 = 0
    while out.count < count {
      let next = station % 24 + 1
      switch rng.below(10) {
      case 0..<6:
        out.append(frame(type: 0, destination: next, source: station, data: []))
      case 6:
        out.append(frame(type: 1, destination: UInt8(25 + rng.below(10)), source: station, data: []))
      case 7, 8:
        invoke &+= 1
        let object: [UInt8] = [0x0C, 0x00, 0x00, 0x00, UInt8(1 + rng.below(10))]
        let req: [UInt8] = [0x01, 0x04, 0x02, 0x75, invoke, 0x0C] + object + [0x19, 0x55]
        out.append(frame(type: 5, destination: next, source: station, data: req))
        let ack: [UInt8] = [0x01, 0x00, 0x30, invoke, 0x0C] + object + [0x19, 0x55, 0x3E, 0x44, 0x41, 0xB0, 0x00, UInt8(rng.below(255)), 0x3F]
        out.append(frame(type: 6, destination: station, source: next, data: ack))
      default:
        let iAm: [UInt8] = [0x01, 0x00, 0x10, 0x00, 0xC4, 0x02, 0x03, 0x0D, 0x40 + station, 0x22, 0x01, 0xE0, 0x91, 0x00, 0x21, 0x08]
        out.append(frame(type: 6, destination: 0xFF, source: station, data: iAm))
      }
      station = next
    }
    return Array(out.prefix(count))
  }

  /// One frame: preamble, header, header CRC, and (when `data` is not empty) data and data CRC.
  public static func frame(type: UInt8, destination: UInt8, source: UInt8, data: [UInt8]) -> [UInt8] {
    let header: [UInt8] = [type, destination, source, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
    var crc8: UInt8 = 0xFF
    for b in header {
      var c = UInt16(crc8 ^ b)
      c = c ^ (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
      crc8 = UInt8(truncatingIfNeeded: (c & 0xFE) ^ ((c >> 8) & 1))
    }
    var f: [UInt8] = [0x55, 0xFF] + header + [~crc8]
    guard !data.isEmpty else { return f }
    var crc16: UInt16 = 0xFFFF
    for b in data {
      let low = (crc16 & 0xFF) ^ UInt16(b)
      crc16 = (crc16 >> 8) ^ (low << 8) ^ (low << 3) ^ (low << 12) ^ (low >> 4) ^ (low & 0x0F) ^ ((low & 0x0F) << 7)
    }
    crc16 = ~crc16
    f += data
    f += [UInt8(crc16 & 0xFF), UInt8(crc16 >> 8)]
    return f
  }
}
