/// The container formats ``SyntheticCapture`` writes.
public enum SyntheticFormat: String, Sendable, CaseIterable {
  /// Classic pcap, microsecond timestamps, little-endian.
  case pcap
  /// pcapng: one little-endian section, one Ethernet interface, Enhanced Packet Blocks.
  case pcapng
}

/// Builds deterministic captures of ``SyntheticTraffic`` (or MS/TP traffic) in memory or into a file.
///
/// Timestamps start at 2024-01-15T08:00:00Z and grow by 1–2000 µs per packet.
public struct SyntheticCapture: Sendable {
  /// Container format.
  public var format: SyntheticFormat
  var traffic: SyntheticTraffic
  var clock: SplitMix64
  var micros: UInt64 = 1_705_305_600 * 1_000_000

  /// Creates a builder.
  public init(format: SyntheticFormat, seed: UInt64, bacnetPercent: Int = 30) {
    self.format = format
    traffic = SyntheticTraffic(seed: seed, bacnetPercent: bacnetPercent)
    clock = SplitMix64(seed: seed ^ 0xC10C)
  }

  /// File header: pcap global header, or pcapng SHB + IDB, for `linkType`.
  public func header(linkType: UInt16 = 1) -> [UInt8] {
    switch format {
    case .pcap:
      return le32(0xA1B2_C3D4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(262_144) + le32(UInt32(linkType))
    case .pcapng:
      let shb = le32(0x0A0D_0D0A) + le32(28) + le32(0x1A2B_3C4D) + le16(1) + le16(0) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le32(28)
      let idb = le32(1) + le32(20) + le16(linkType) + le16(0) + le32(262_144) + le32(20)
      return shb + idb
    }
  }

  /// Appends one record holding `frame`, stamped `micros` (µs since the epoch), to `out`.
  public func appendRecord(_ frame: [UInt8], micros: UInt64, to out: inout [UInt8]) {
    let n = UInt32(frame.count)
    switch format {
    case .pcap:
      out += le32(UInt32(micros / 1_000_000)) + le32(UInt32(micros % 1_000_000)) + le32(n) + le32(n)
      out += frame
    case .pcapng:
      let pad = (4 - frame.count % 4) % 4
      let total = UInt32(32 + frame.count + pad)
      out += le32(6) + le32(total) + le32(0) + le32(UInt32(micros >> 32)) + le32(UInt32(micros & 0xFFFF_FFFF)) + le32(n) + le32(n)
      out += frame
      out += [UInt8](repeating: 0, count: pad)
      out += le32(total)
    }
  }

  /// Appends the next packet's record to `out`.
  public mutating func appendNext(to out: inout [UInt8]) {
    micros += 1 + UInt64(clock.below(2000))
    appendRecord(traffic.nextFrame(), micros: micros, to: &out)
  }

  /// The next packet's frame and timestamp, without a record around it.
  public mutating func nextFrame() -> (frame: [UInt8], micros: UInt64) {
    micros += 1 + UInt64(clock.below(2000))
    return (traffic.nextFrame(), micros)
  }

  /// A whole capture of `packets` packets, in memory.
  public static func bytes(format: SyntheticFormat, packets: Int, seed: UInt64 = 1, bacnetPercent: Int = 30) -> [UInt8] {
    var g = SyntheticCapture(format: format, seed: seed, bacnetPercent: bacnetPercent)
    var out = g.header()
    out.reserveCapacity(packets * 400)
    for _ in 0..<packets { g.appendNext(to: &out) }
    return out
  }

  /// `parts` pcapng captures whose packets interleave in time (each packet goes to a random part); merging them
  /// chronologically gives one stream of `packets` packets.
  public static func split(packets: Int, parts: Int, seed: UInt64 = 1) -> [[UInt8]] {
    var g = SyntheticCapture(format: .pcapng, seed: seed)
    var pick = SplitMix64(seed: seed ^ 0x5B11)
    var outs = [[UInt8]](repeating: g.header(), count: parts)
    for _ in 0..<packets {
      let (frame, t) = g.nextFrame()
      g.appendRecord(frame, micros: t, to: &outs[pick.below(parts)])
    }
    return outs
  }

  /// Only the BACnet/IP UDP payloads (BVLC onwards) of `count` BACnet packets.
  public static func bacnetPayloads(count: Int, seed: UInt64 = 1) -> [[UInt8]] {
    var t = SyntheticTraffic(seed: seed, bacnetPercent: 100)
    var out: [[UInt8]] = []
    out.reserveCapacity(count)
    while out.count < count {
      let f = t.nextFrame()
      let ip = f[12] == 0x81 ? 18 : 14
      guard f[ip - 2] == 0x08, f[ip + 9] == 17 else { continue }
      let udp = ip + 20
      let length = Int(f[udp + 4]) << 8 | Int(f[udp + 5])
      out.append(Array(f[(udp + 8)..<(udp + length)]))
    }
    return out
  }
}

/// Little-endian bytes of a 16-bit value.
func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
/// Little-endian bytes of a 32-bit value.
func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
