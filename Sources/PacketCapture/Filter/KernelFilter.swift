public import PcapKit

/// The classic BPF program attached to the capture socket, generated from a `PortSet`: it accepts a frame when
/// it is UDP over IPv4 or IPv6 with the source or destination port in the set, or any fragment of a UDP datagram
/// (IPv4 with MF set or a non-zero offset, IPv6 with a Fragment header), behind zero, one or two in-band 802.1Q /
/// 802.1ad / 0x9100 tags.
///
/// Why every UDP fragment: a later fragment carries no ports, so only user space can tell whether it belongs to a
/// kept datagram — PcapKit's `FragmentAwareFilter` decides from the datagram's *first* fragment, so the first
/// fragment must reach user space too, whatever its ports (otherwise the later fragments of other datagrams would
/// wait for a first fragment that never comes). `udp portrange` in tcpdump rejects later fragments outright, which
/// loses segmented or large BACnet messages.
///
/// A tag the kernel stripped (hardware VLAN offload, veth) is not in the bytes the filter sees — the frame looks
/// untagged, its IP header at offset 14 — so such frames take the untagged path; the kernel's VLAN-present flag
/// (`SKF_AD_VLAN_TAG_PRESENT`, libpcap's `vlanp`) needs no test of its own because the filter accepts tagged and
/// untagged BACnet alike. The tag is re-inserted in user space from `tp_vlan_tci`.
///
/// Layout (b = 14, 18, 22 for 0, 1, 2 in-band tags; `tcpdump -d`-style listing in ``listing``):
/// ```
///       ldh [12]; tag? -> ldh [16]; tag? -> ldh [20]      ; in-band tags: 0x8100, 0x88a8, 0x9100
///       jeq #0x800 -> IPv4(b); jeq #0x86dd -> IPv6(b); ret #0
/// IPv4: ldb [b+9]; jeq #17 else reject
///       ldh [b+6]; jset #0x3fff -> accept                 ; a fragment (MF or offset) of UDP
///       ldxb 4*([b]&0xf); txa; add #b; tax; ja ports      ; X = UDP header
/// IPv6: ldb [b+6]; jeq #17 -> X = b+40, ports; jeq #44 (Fragment header) else reject
///       ldb [b+40]; jeq #17 -> accept; else reject        ; a fragment of UDP
/// ports: ldh [x+0]; <range tests> -> accept; ldh [x+2]; <range tests> -> accept; ret #0
/// accept: ret #snaplen
/// ```
/// Each range costs two instructions (`jge #low; jgt #high`), a single port one (`jeq`). Programs stay below 256
/// instructions (the reach of a conditional jump): at most 40 separate ranges (71 instructions for one range,
/// 227 for 40).
public struct KernelFilter: Hashable, Sendable {
  /// The program.
  public let instructions: [BPFInstruction]
  /// The port set it was generated from.
  public let ports: PortSet
  /// The snap length returned for accepted frames.
  public let snapLength: UInt32

  /// The most separate port ranges a program may test.
  public static let maximumRanges = 40

  /// Generates the program.
  /// - Parameters:
  ///   - ports: the UDP ports (source or destination) to accept; not empty.
  ///   - snapLength: bytes kept of each accepted frame (default 262,144, as tcpdump).
  /// - Throws: `CaptureError/Code/invalidArgument` for an empty set or more than ``maximumRanges`` ranges.
  public init(ports: PortSet, snapLength: UInt32 = 262_144) throws(CaptureError) {
    let ranges = ports.ranges
    guard !ranges.isEmpty else { throw CaptureError(.invalidArgument, offset: nil, "the port set is empty") }
    guard ranges.count <= KernelFilter.maximumRanges else {
      throw CaptureError(.invalidArgument, offset: nil,
                         "\(ranges.count) separate port ranges; the kernel filter takes at most \(KernelFilter.maximumRanges)")
    }
    self.ports = ports
    self.snapLength = max(snapLength, 1)
    var a = Assembler()
    typealias Op = BPFInstruction.Op
    let tags: [UInt32] = [0x8100, 0x88a8, 0x9100]
    // Ethernet type, behind up to two in-band tags.
    for depth in 0..<3 {
      a.label("type\(depth)")
      a.op(Op.ldh, k: UInt32(12 + 4 * depth))
      if depth < 2 {
        for t in tags { a.jump(Op.jeqK, k: t, true: "type\(depth + 1)", false: nil) }
      }
      a.jump(Op.jeqK, k: 0x0800, true: "ip4_\(depth)", false: nil)
      a.jump(Op.jeqK, k: 0x86dd, true: "ip6_\(depth)", false: "reject")
    }
    for depth in 0..<3 {
      let b = UInt32(14 + 4 * depth)
      a.label("ip4_\(depth)")
      a.op(Op.ldb, k: b + 9)
      a.jump(Op.jeqK, k: 17, true: nil, false: "reject")
      a.op(Op.ldh, k: b + 6)
      a.jump(Op.jsetK, k: 0x3fff, true: "accept", false: nil)
      a.op(Op.ldxMSH, k: b)
      a.op(Op.txa)
      a.op(Op.addK, k: b)
      a.op(Op.tax)
      a.goto("ports")
      a.label("ip6_\(depth)")
      a.op(Op.ldb, k: b + 6)
      a.jump(Op.jeqK, k: 17, true: "udp6_\(depth)", false: nil)
      a.jump(Op.jeqK, k: 44, true: nil, false: "reject")
      a.op(Op.ldb, k: b + 40)
      a.jump(Op.jeqK, k: 17, true: "accept", false: "reject")
      a.label("udp6_\(depth)")
      a.op(Op.ldxImm, k: b + 40)
      a.goto("ports")
    }
    a.label("ports")
    for field in [UInt32(0), 2] {
      a.op(Op.ldhInd, k: field)
      for (n, r) in ranges.enumerated() {
        let next = "next\(field)_\(n)"
        if r.lowerBound == r.upperBound {
          a.jump(Op.jeqK, k: UInt32(r.lowerBound), true: "accept", false: nil)
        } else {
          a.jump(Op.jgeK, k: UInt32(r.lowerBound), true: nil, false: next)
          a.jump(Op.jgtK, k: UInt32(r.upperBound), true: nil, false: "accept")
        }
        a.label(next)
      }
    }
    a.label("reject")
    a.op(Op.retK, k: 0)
    a.label("accept")
    a.op(Op.retK, k: self.snapLength)
    self.instructions = try a.assemble()
  }

  /// The program in `tcpdump -d` style: `(000) ldh [12]` …, for documentation and review.
  public var listing: String {
    typealias Op = BPFInstruction.Op
    var lines: [String] = []
    for (i, ins) in instructions.enumerated() {
      let n = String(i)
      let at = "(" + String(repeating: "0", count: max(0, 3 - n.count)) + n + ") "
      let k = ins.k
      let hex = "0x" + String(k, radix: 16)
      func target(_ d: UInt8) -> Int { i + 1 + Int(d) }
      let text: String
      switch ins.code {
      case Op.ldw: text = "ld       [\(k)]"
      case Op.ldh: text = "ldh      [\(k)]"
      case Op.ldb: text = "ldb      [\(k)]"
      case Op.ldhInd: text = "ldh      [x + \(k)]"
      case Op.ldbInd: text = "ldb      [x + \(k)]"
      case Op.ldxImm: text = "ldx      #\(hex)"
      case Op.ldxMSH: text = "ldxb     4*([\(k)]&0xf)"
      case Op.addK: text = "add      #\(k)"
      case Op.andK: text = "and      #\(hex)"
      case Op.ja: text = "ja       \(i + 1 + Int(k))"
      case Op.jeqK: text = "jeq      #\(hex)           jt \(target(ins.jt))\tjf \(target(ins.jf))"
      case Op.jgtK: text = "jgt      #\(hex)           jt \(target(ins.jt))\tjf \(target(ins.jf))"
      case Op.jgeK: text = "jge      #\(hex)           jt \(target(ins.jt))\tjf \(target(ins.jf))"
      case Op.jsetK: text = "jset     #\(hex)           jt \(target(ins.jt))\tjf \(target(ins.jf))"
      case Op.retK: text = "ret      #\(k)"
      case Op.tax: text = "tax"
      case Op.txa: text = "txa"
      default: text = "0x\(String(ins.code, radix: 16))"
      }
      lines.append(at + text)
    }
    return lines.joined(separator: "\n")
  }

  /// The libpcap expression selecting the same frames (`if_filter`): UDP on the ports or any UDP fragment,
  /// untagged or behind one or two VLAN tags.
  public var expression: String {
    let ports = self.ports.ranges.map { r in
      r.lowerBound == r.upperBound ? "port \(r.lowerBound)" : "portrange \(r.lowerBound)-\(r.upperBound)"
    }.joined(separator: " or ")
    let core = "(udp and (\(ports))) or (ip proto 17 and ip[6:2] & 0x3fff != 0) or (ip6[6] = 44 and ip6[40] = 17)"
    return "\(core) or (vlan and (\(core) or (vlan and (\(core)))))"
  }
}

/// Two-pass assembler for the generator: symbolic labels, relative jumps resolved at the end.
struct Assembler {
  enum Target { case next, label(String) }
  struct Pending {
    var instruction: BPFInstruction
    var jt: String?
    var jf: String?
    var ja: String?
  }
  var code: [Pending] = []
  var labels: [String: Int] = [:]

  mutating func label(_ name: String) { labels[name] = code.count }
  mutating func op(_ code: UInt16, k: UInt32 = 0) { self.code.append(Pending(instruction: BPFInstruction(code: code, k: k))) }
  mutating func jump(_ code: UInt16, k: UInt32, true t: String?, false f: String?) {
    self.code.append(Pending(instruction: BPFInstruction(code: code, k: k), jt: t, jf: f))
  }
  mutating func goto(_ label: String) {
    code.append(Pending(instruction: BPFInstruction(code: BPFInstruction.Op.ja), ja: label))
  }

  func assemble() throws(CaptureError) -> [BPFInstruction] {
    var out: [BPFInstruction] = []
    for (i, p) in code.enumerated() {
      var ins = p.instruction
      func distance(_ label: String?) throws(CaptureError) -> Int {
        guard let label else { return 0 }
        guard let at = labels[label], at > i else {
          throw CaptureError(.invalidArgument, offset: nil, "kernel filter: bad label \(label)")
        }
        return at - i - 1
      }
      if let l = p.ja {
        ins.k = UInt32(try distance(l))
      } else {
        let t = try distance(p.jt), f = try distance(p.jf)
        guard t <= 255, f <= 255 else {
          throw CaptureError(.invalidArgument, offset: nil, "kernel filter: jump too long (too many port ranges)")
        }
        ins.jt = UInt8(t)
        ins.jf = UInt8(f)
      }
      out.append(ins)
    }
    return out
  }
}
