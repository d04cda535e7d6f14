/// Appends integers in a chosen byte order to a reusable scratch array.
struct ByteWriter {
  var bytes: [UInt8] = []
  var order: ByteOrder

  init(order: ByteOrder, capacity: Int = 256) {
    self.order = order
    bytes.reserveCapacity(capacity)
  }

  mutating func reset(order: ByteOrder) {
    bytes.removeAll(keepingCapacity: true)
    self.order = order
  }

  mutating func u8(_ v: UInt8) { bytes.append(v) }

  mutating func u16(_ v: UInt16) {
    if order == .little {
      bytes.append(UInt8(truncatingIfNeeded: v)); bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    } else {
      bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v))
    }
  }

  mutating func u32(_ v: UInt32) {
    if order == .little {
      for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    } else {
      for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }
  }

  mutating func u64(_ v: UInt64) {
    if order == .little {
      for s in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    } else {
      for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }
  }

  mutating func append(_ b: ArraySlice<UInt8>) { bytes.append(contentsOf: b) }

  /// Zero bytes up to the next multiple of 4.
  mutating func pad() {
    while bytes.count & 3 != 0 { bytes.append(0) }
  }

  /// Patches a u32 at `index` (for block lengths).
  mutating func set32(_ v: UInt32, at index: Int) {
    for k in 0..<4 {
      let shift = order == .little ? k * 8 : (3 - k) * 8
      bytes[index + k] = UInt8(truncatingIfNeeded: v >> UInt32(shift))
    }
  }

  /// Writes options (each padded) and `opt_endofopt` if there was at least one.
  mutating func options(_ opts: [PcapNGOption]) {
    guard !opts.isEmpty else { return }
    for o in opts {
      u16(o.code.rawValue)
      u16(UInt16(o.value.count))
      append(o.value)
      pad()
    }
    u16(0)
    u16(0)
  }

  /// Starts a block: type and a length placeholder. Returns the block's start index.
  mutating func beginBlock(_ type: BlockType) -> Int {
    let s = bytes.count
    u32(type.rawValue)
    u32(0)
    return s
  }

  /// Ends a block started at `s`: pads, appends the trailing length and patches the leading one.
  mutating func endBlock(_ s: Int) {
    pad()
    let total = UInt32(bytes.count - s + 4)
    u32(total)
    set32(total, at: s + 4)
  }
}
