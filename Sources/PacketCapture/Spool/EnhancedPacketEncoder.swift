import PcapKit

/// Builds the spool's Enhanced Packet Blocks — the live capture's per-frame path — into one reused buffer, so that
/// each frame costs a header, one copy of its bytes and one write to the file's buffer (no option arrays, no
/// per-field appends).
///
/// It covers what a live source hands over: nanosecond timestamps (the spool's interfaces are written with
/// `if_tsresol` 9 and no offset) and at most an `epb_flags` option. Frames with a comment go through PcapKit's
/// `PcapNGWriter`; a test checks that both produce the same bytes.
enum EnhancedPacketEncoder {
  /// The block's total length: 28 bytes of fields, the data padded to 4, the flags option with `opt_endofopt`
  /// (12) when present, and the trailing length.
  static func blockLength(dataCount: Int, hasFlags: Bool) -> Int {
    32 + ((dataCount + 3) & ~3) + (hasFlags ? 12 : 0)
  }

  /// Encodes an EPB at the start of `buffer` (grown when too small) and returns its length.
  /// - Parameters:
  ///   - interface: the interface index (`interface_id`).
  ///   - nanoseconds: the timestamp in nanoseconds since the epoch.
  ///   - data: the captured bytes.
  ///   - originalLength: the length on the wire.
  ///   - flags: `epb_flags`, nil for none.
  ///   - order: the section's byte order.
  static func encode(into buffer: inout [UInt8], interface: Int, nanoseconds: UInt64, data: ArraySlice<UInt8>,
                     originalLength: Int, flags: UInt32?, order: ByteOrder) -> Int {
    let n = data.count
    let padded = (n + 3) & ~3
    let total = blockLength(dataCount: n, hasFlags: flags != nil)
    if buffer.count < total { buffer.append(contentsOf: repeatElement(0, count: total - buffer.count)) }
    let little = order == .little
    do {
      // The fixed fields, padding, option and trailer through one span: bounds-checked stores without a
      // uniqueness check each.
      var b = buffer.mutableSpan
      put32(&b, 0, 6, little)
      put32(&b, 4, UInt32(truncatingIfNeeded: total), little)
      put32(&b, 8, UInt32(truncatingIfNeeded: interface), little)
      put32(&b, 12, UInt32(truncatingIfNeeded: nanoseconds >> 32), little)
      put32(&b, 16, UInt32(truncatingIfNeeded: nanoseconds), little)
      put32(&b, 20, UInt32(truncatingIfNeeded: n), little)
      put32(&b, 24, UInt32(truncatingIfNeeded: originalLength), little)
      if padded > n { put32(&b, 24 + padded, 0, little) }  // the padding (the data's last bytes come over it)
      var at = 28 + padded
      if let flags {
        put32(&b, at, little ? 0x0004_0002 : 0x0002_0004, little)  // code 2, length 4: two 16-bit fields
        put32(&b, at + 4, flags, little)
        put32(&b, at + 8, 0, little)  // opt_endofopt
        at += 12
      }
      put32(&b, at, UInt32(truncatingIfNeeded: total), little)
    }
    buffer[28..<(28 + n)] = data
    return total
  }

  @inline(__always)
  static func put32(_ b: inout MutableSpan<UInt8>, _ i: Int, _ v: UInt32, _ little: Bool) {
    let w = little ? v : v.byteSwapped
    b[i] = UInt8(truncatingIfNeeded: w)
    b[i + 1] = UInt8(truncatingIfNeeded: w >> 8)
    b[i + 2] = UInt8(truncatingIfNeeded: w >> 16)
    b[i + 3] = UInt8(truncatingIfNeeded: w >> 24)
  }
}

extension CaptureTimestamp {
  /// Nanoseconds since the epoch when they fit an unsigned 64-bit field (an EPB timestamp at `if_tsresol` 9),
  /// else nil.
  var nanosecondsIfRepresentable: UInt64? {
    let t = ticks(in: .nanoseconds)
    return t >= 0 && t <= Int128(UInt64.max) ? UInt64(t) : nil
  }
}
