import PacketCapture

/// A small classic-BPF interpreter (the subset of linux/filter.h that tcpdump and KernelFilter emit), to run
/// generated programs and `tcpdump -ddd` programs against fixture frames. Out-of-bounds loads reject the frame,
/// as the kernel does.
struct BPFInterpreter {
  /// Runs `program` on `frame`; returns the accept length (0 = rejected). `vlanPresent`/`vlanTCI` feed the
  /// ancillary loads (`SKF_AD_VLAN_TAG_PRESENT`, `SKF_AD_VLAN_TAG`) for programs compiled for a live socket.
  static func run(_ program: [BPFInstruction], _ frame: [UInt8], vlanPresent: Bool = false, vlanTCI: UInt16 = 0) -> UInt32 {
    var a: UInt32 = 0, x: UInt32 = 0
    var mem = [UInt32](repeating: 0, count: 16)
    var pc = 0
    func load(_ at: Int, _ size: Int) -> UInt32? {
      if at < 0 {  // SKF_AD_OFF (-0x1000) + ancillary field
        switch at + 0x1000 {
        case 44: return UInt32(vlanTCI)  // SKF_AD_VLAN_TAG
        case 48: return vlanPresent ? 1 : 0  // SKF_AD_VLAN_TAG_PRESENT
        case 0: return 0  // SKF_AD_PROTOCOL (unused here)
        default: return nil
        }
      }
      guard at >= 0, at + size <= frame.count else { return nil }
      var v: UInt32 = 0
      for i in 0..<size { v = v << 8 | UInt32(frame[at + i]) }
      return v
    }
    var steps = 0
    while pc < program.count, steps < 10_000 {
      steps += 1
      let ins = program[pc]
      pc += 1
      let k = ins.k
      let cls = ins.code & 0x07
      switch cls {
      case 0x00, 0x01:  // LD, LDX
        let size: Int
        switch ins.code & 0x18 { case 0x00: size = 4 case 0x08: size = 2 default: size = 1 }
        let mode = ins.code & 0xe0
        var value: UInt32
        switch mode {
        case 0x00: value = k  // IMM
        case 0x20: guard let v = load(Int(Int32(bitPattern: k)), size) else { return 0 }; value = v  // ABS
        case 0x40: guard let v = load(Int(x) + Int(k), size) else { return 0 }; value = v  // IND
        case 0x60: value = mem[Int(k) & 15]  // MEM
        case 0x80: value = UInt32(frame.count)  // LEN
        case 0xa0: guard let v = load(Int(k), 1) else { return 0 }; value = (v & 0xf) * 4  // MSH
        default: return 0
        }
        if cls == 0x00 { a = value } else { x = value }
      case 0x02: mem[Int(k) & 15] = a  // ST
      case 0x03: mem[Int(k) & 15] = x  // STX
      case 0x04:  // ALU
        let src = ins.code & 0x08 != 0 ? x : k
        switch ins.code & 0xf0 {
        case 0x00: a = a &+ src
        case 0x10: a = a &- src
        case 0x20: a = a &* src
        case 0x30: if src == 0 { return 0 }; a /= src
        case 0x40: a |= src
        case 0x50: a &= src
        case 0x60: a = src >= 32 ? 0 : a << src
        case 0x70: a = src >= 32 ? 0 : a >> src
        case 0x80: a = 0 &- a
        case 0x90: if src == 0 { return 0 }; a %= src
        case 0xa0: a ^= src
        default: return 0
        }
      case 0x05:  // JMP
        let src = ins.code & 0x08 != 0 ? x : k
        let taken: Bool
        switch ins.code & 0xf0 {
        case 0x00: pc += Int(k); continue
        case 0x10: taken = a == src
        case 0x20: taken = a > src
        case 0x30: taken = a >= src
        case 0x40: taken = a & src != 0
        default: return 0
        }
        pc += Int(taken ? ins.jt : ins.jf)
      case 0x06:  // RET
        switch ins.code & 0x18 { case 0x10: return a default: return k }
      case 0x07:  // MISC
        if ins.code & 0xf8 == 0 { x = a } else { a = x }
      default: return 0
      }
    }
    return 0
  }

  /// Parses `tcpdump -ddd` output: a count line, then `code jt jf k` per line.
  static func parseDDD(_ text: String) -> [BPFInstruction] {
    let lines = text.split(separator: "\n").dropFirst()
    return lines.compactMap { line in
      let f = line.split(separator: " ").compactMap { UInt32($0) }
      guard f.count == 4 else { return nil }
      return BPFInstruction(code: UInt16(f[0]), jt: UInt8(f[1]), jf: UInt8(f[2]), k: f[3])
    }
  }
}
