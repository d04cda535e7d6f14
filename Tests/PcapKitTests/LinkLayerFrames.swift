// Hand-built frames for the link-layer walk tests: every header is written field by field.

enum Frames {
  static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
  static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

  static let macA: [UInt8] = [0x00, 0x1B, 0x4F, 0x00, 0x01, 0x00]
  static let macB: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

  /// Ethernet II with optional tags (TPID, VID), padded to 60 bytes like a real capture.
  static func ethernet(_ type: UInt16, _ payload: [UInt8], tags: [(UInt16, UInt16)] = [], pad: Bool = true) -> [UInt8] {
    var f = macB + macA
    for (tpid, vid) in tags { f += be16(tpid) + be16(vid | 0x2000) }  // PCP 1 in the TCI, which must be masked off
    f += be16(type) + payload
    if pad && f.count < 60 { f += [UInt8](repeating: 0, count: 60 - f.count) }
    return f
  }

  /// IPv4 header (+ options) and payload.
  static func ipv4(
    proto: UInt8, src: UInt32 = 0x0A14_0114, dst: UInt32 = 0x0A14_01FF, _ payload: [UInt8], options: [UInt8] = [],
    id: UInt16 = 0x1234, flagsOffset: UInt16 = 0, totalLength: Int? = nil
  ) -> [UInt8] {
    let ihl = (20 + options.count) / 4
    let total = totalLength ?? (20 + options.count + payload.count)
    var h: [UInt8] = [UInt8(0x40 | ihl), 0] + be16(UInt16(total)) + be16(id) + be16(flagsOffset)
    h += [64, proto, 0, 0] + be32(src) + be32(dst) + options
    return h + payload
  }

  static func udp(_ sp: UInt16, _ dp: UInt16, _ payload: [UInt8]) -> [UInt8] {
    be16(sp) + be16(dp) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
  }

  static func tcp(_ sp: UInt16, _ dp: UInt16, _ payload: [UInt8], optionWords: Int = 0) -> [UInt8] {
    var h = be16(sp) + be16(dp) + be32(1) + be32(2) + [UInt8((5 + optionWords) << 4), 0x18] + be16(512) + [0, 0, 0, 0]
    h += [UInt8](repeating: 1, count: optionWords * 4)
    return h + payload
  }

  static let v6src: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
  static let v6dst: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [0x35]

  /// IPv6 fixed header, then `payload` (which may begin with extension headers).
  static func ipv6(next: UInt8, _ payload: [UInt8]) -> [UInt8] {
    [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [next, 64] + v6src + v6dst + payload
  }

  /// A generic 8-byte extension header (hop-by-hop, destination options, routing).
  static func ext(next: UInt8) -> [UInt8] { [next, 0, 1, 4, 0, 0, 0, 0] }

  static func fragmentHeader(next: UInt8, offset: UInt16, more: Bool, id: UInt32) -> [UInt8] {
    [next, 0] + be16(offset & 0xFFF8 | (more ? 1 : 0)) + be32(id)
  }

  /// A BVLC Original-Broadcast-NPDU carrying Who-Is.
  static let whoIs: [UInt8] = [0x81, 0x0B, 0x00, 0x0C, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08]
}
