import PcapKit
import _CaptureInternals

/// One packet's new captured bytes and timestamp shift, applied to its record by ``MetadataScrubber`` (pcap record,
/// EPB, obsolete PB or SPB), with the captured and original lengths kept consistent.
struct PacketEdit {
  /// The replacement captured bytes, nil to keep the record's own.
  var data: ArraySlice<UInt8>?
  /// Seconds added to the timestamp.
  var shift: Int64
  /// Timestamp units per second of the packet's interface (pcapng).
  var unitsPerSecond: UInt64
  /// The record's byte order.
  var byteOrder: ByteOrder

  /// Edits the fixed part of an EPB or PB (interface, timestamp high/low, captured and original length, data):
  /// shifts the timestamp and replaces the data.
  func applyToPacketBlock(_ fixed: inout ArraySlice<UInt8>) {
    guard fixed.count >= 20 else { return }
    var out = Array(fixed)
    if shift != 0 {
      let ticks = UInt64(load32(fixed, fixed.startIndex + 4, byteOrder)) << 32
        | UInt64(load32(fixed, fixed.startIndex + 8, byteOrder))
      let shifted = Self.add(ticks, seconds: shift, units: unitsPerSecond)
      store32(UInt32(truncatingIfNeeded: shifted >> 32), into: &out, at: 4)
      store32(UInt32(truncatingIfNeeded: shifted), into: &out, at: 8)
    }
    if let data {
      let captured = Int(load32(fixed, fixed.startIndex + 12, byteOrder))
      let original = Int(load32(fixed, fixed.startIndex + 16, byteOrder))
      out.removeSubrange(20...)
      out += data
      out += [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
      store32(UInt32(truncatingIfNeeded: data.count), into: &out, at: 12)
      store32(UInt32(clamping: max(0, original + data.count - captured)), into: &out, at: 16)
    }
    fixed = out[...]
  }

  /// The header of a classic pcap record (`raw`: 16 octets, 24 in the modified format) with the new captured and
  /// original lengths and shifted seconds, built in `out` (emptied first, its storage reused); the data follows it.
  func pcapHeader(_ raw: ArraySlice<UInt8>, capturedLength: Int, into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    out += raw
    guard out.count >= 16 else { return }
    if shift != 0 {
      let seconds = Int64(load32(raw, raw.startIndex, byteOrder)) + shift
      store32(UInt32(clamping: max(0, seconds)), into: &out, at: 0)
    }
    if let data {
      let original = Int(load32(raw, raw.startIndex + 12, byteOrder))
      store32(UInt32(truncatingIfNeeded: data.count), into: &out, at: 8)
      store32(UInt32(clamping: max(0, original + data.count - capturedLength)), into: &out, at: 12)
    }
  }

  /// A Simple Packet Block (type, length, original length, padded data, length) with the new data.
  func simplePacketBlock(_ raw: ArraySlice<UInt8>, capturedLength: Int) -> ArraySlice<UInt8> {
    guard let data, raw.count >= 16 else { return raw }
    var out = Array(raw.prefix(12))
    let original = Int(load32(raw, raw.startIndex + 8, byteOrder))
    store32(UInt32(clamping: max(0, original + data.count - capturedLength)), into: &out, at: 8)
    out += data
    out += [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
    let total = UInt32(truncatingIfNeeded: out.count + 4)
    store32(total, into: &out, at: 4)
    out += [0, 0, 0, 0]
    store32(total, into: &out, at: out.count - 4)
    return out[...]
  }

  /// `ticks` plus `seconds` in `units` per second, clamped to the 64-bit range.
  static func add(_ ticks: UInt64, seconds: Int64, units: UInt64) -> UInt64 {
    let (delta, overflow) = units.multipliedReportingOverflow(by: seconds.magnitude)
    if seconds >= 0 {
      let (sum, o) = ticks.addingReportingOverflow(delta)
      return overflow || o ? .max : sum
    }
    return overflow || delta > ticks ? 0 : ticks - delta
  }

  func store32(_ v: UInt32, into out: inout [UInt8], at i: Int) {
    for k in 0..<4 {
      let shift = byteOrder == .little ? 8 * k : 8 * (3 - k)
      out[i + k] = UInt8(truncatingIfNeeded: v >> UInt32(shift))
    }
  }
}
