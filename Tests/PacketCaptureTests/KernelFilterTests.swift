import Foundation
import PcapKit
import Testing

@testable import PacketCapture
import OptigoTestSupport

/// The generated kernel program, run by a BPF interpreter on the sender's fixture frames and on hand-made edge
/// cases, and compared with what tcpdump compiles for the equivalent expression.
@Suite struct KernelFilterTests {
  static let ports = PortSet([47808...47823, 5555...5555])

  /// Every UDP fragment (first or later, any ports) must reach user space; everything else exactly when kept.
  static func kernelShouldAccept(_ frame: (keep: Bool, label: String, bytes: [UInt8])) -> Bool {
    frame.keep || frame.label.hasPrefix("frag")
  }

  @Test func fixtureFramesGetTheExpectedKernelVerdicts() throws {
    let filter = try KernelFilter(ports: Self.ports)
    let frames = try CaptureTestSupport.fixtureFrames()
    try #require(frames.count > 30, "python3 and Tests/CaptureScripts/send_frames.py are needed")
    for f in frames {
      let verdict = BPFInterpreter.run(filter.instructions, f.bytes)
      #expect((verdict > 0) == Self.kernelShouldAccept(f), "\(f.label)")
      if verdict > 0 { #expect(verdict == 262_144) }
    }
  }

  @Test func framesWhoseTagTheKernelStrippedTakeTheUntaggedPath() throws {
    let filter = try KernelFilter(ports: Self.ports)
    for f in try CaptureTestSupport.fixtureFrames() where f.label.hasPrefix("vlan") || f.label == "qinq" {
      var stripped = f.bytes
      let tci = UInt16(stripped[14]) << 8 | UInt16(stripped[15])
      stripped.removeSubrange(12..<16)  // what the packet socket's filter sees after VLAN offload
      let verdict = BPFInterpreter.run(filter.instructions, stripped, vlanPresent: true, vlanTCI: tci)
      #expect((verdict > 0) == f.keep, "\(f.label)")
    }
  }

  static func udp4(src: UInt16, dst: UInt16, ihl: UInt8 = 5, fragment: UInt16 = 0, proto: UInt8 = 17,
                   tags: [UInt16] = []) -> [UInt8] {
    var f = [UInt8](repeating: 2, count: 12)
    for t in tags { f += [UInt8(t >> 8), UInt8(t & 0xff), 0, 1] }
    f += [0x08, 0x00]
    var ip: [UInt8] = [0x40 | ihl, 0, 0, 60, 0, 1, UInt8(fragment >> 8), UInt8(fragment & 0xff), 64, proto, 0, 0,
                       10, 0, 0, 1, 10, 0, 0, 2]
    ip += [UInt8](repeating: 1, count: Int(ihl) * 4 - 20)  // options (NOPs)
    return f + ip + [UInt8(src >> 8), UInt8(src & 0xff), UInt8(dst >> 8), UInt8(dst & 0xff), 0, 16, 0, 0] + [UInt8](repeating: 0, count: 8)
  }

  @Test func rangeEdgesOptionsAndFragmentBits() throws {
    let filter = try KernelFilter(ports: PortSet([47808...47823, 5555...5555, 100...200]), snapLength: 1500)
    func run(_ f: [UInt8]) -> UInt32 { BPFInterpreter.run(filter.instructions, f) }
    for (port, expected) in [(47807, false), (47808, true), (47823, true), (47824, false), (5554, false), (5555, true),
                             (5556, false), (99, false), (100, true), (200, true), (201, false)] as [(UInt16, Bool)] {
      #expect((run(Self.udp4(src: 40000, dst: port)) > 0) == expected, "dst \(port)")
      #expect((run(Self.udp4(src: port, dst: 40000)) > 0) == expected, "src \(port)")
      #expect((run(Self.udp4(src: 40000, dst: port, ihl: 7)) > 0) == expected, "dst \(port) behind IP options")
      #expect((run(Self.udp4(src: 40000, dst: port, tags: [0x8100, 0x8100])) > 0) == expected, "dst \(port) two tags")
    }
    #expect(run(Self.udp4(src: 1, dst: 47808)) == 1500)
    #expect(run(Self.udp4(src: 1, dst: 2, fragment: 0x2000)) > 0, "first fragment (MF) of any UDP datagram")
    #expect(run(Self.udp4(src: 1, dst: 2, fragment: 0x00b9)) > 0, "later fragment")
    #expect(run(Self.udp4(src: 1, dst: 2, fragment: 0x4000)) == 0, "DF alone is not a fragment")
    #expect(run(Self.udp4(src: 1, dst: 47808, proto: 6)) == 0, "TCP")
    #expect(run(Self.udp4(src: 1, dst: 47808, fragment: 0x00b9, proto: 6)) == 0, "TCP fragment")
    #expect(run(Self.udp4(src: 1, dst: 47808, tags: [0x8100, 0x8100, 0x8100])) == 0, "three in-band tags are not walked")
    #expect(run(Array(Self.udp4(src: 1, dst: 47808).prefix(36))) == 0, "truncated before the ports")
  }

  @Test func programSizeAndLimits() throws {
    let one = try KernelFilter(ports: .bacnet)
    #expect(one.instructions.count == 71)
    var many = PortSet()
    for i in 0..<40 { many.insert(UInt16(1000 + 3 * i)...UInt16(1001 + 3 * i)) }
    let big = try KernelFilter(ports: many)
    #expect(big.instructions.count < 256)
    many.insert(9000)
    #expect(throws: CaptureError.self) { try KernelFilter(ports: many) }
    #expect(throws: CaptureError.self) { try KernelFilter(ports: PortSet()) }
    #expect(one.listing.hasPrefix("(000) ldh      [12]"))
    #expect(one.listing.split(separator: "\n").count == one.instructions.count)
  }

  /// tcpdump compiles our libpcap expression (offline: in-band tags only); on every fixture frame — tagged
  /// in-band — it must decide exactly as our program. tcpdump's plain `udp portrange` expression agrees on
  /// unfragmented frames and rejects later fragments (the loss our filter exists to avoid).
  @Test func agreesWithTcpdumpOnTheEquivalentExpression() throws {
    guard let tcpdump = tool("tcpdump") else {
      print("skipped: tcpdump is not installed")
      return
    }
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let empty = dir + "/empty.pcap"
    var w = PcapWriter(sink: try FileSink(path: empty))
    try w.writeHeader(linkType: .ethernet)
    try w.sink.close()
    let filter = try KernelFilter(ports: Self.ports)
    let compiled = try CaptureTestSupport.run(tcpdump, ["-ddd", "-r", empty, filter.expression])
    try #require(compiled.status == 0, "tcpdump -ddd failed: \(compiled.err)")
    let theirs = BPFInterpreter.parseDDD(compiled.out)
    try #require(theirs.count > 10)
    let plain = BPFInterpreter.parseDDD(try CaptureTestSupport.run(
      tcpdump, ["-ddd", "-r", empty, "udp and (portrange 47808-47823 or port 5555)"]).out)
    for f in try CaptureTestSupport.fixtureFrames() {
      let ours = BPFInterpreter.run(filter.instructions, f.bytes) > 0
      #expect(ours == (BPFInterpreter.run(theirs, f.bytes) > 0), "\(f.label)")
      let tagged = f.bytes[12] == 0x81 || f.bytes[12] == 0x88
      let firstFragments: Set<String> = ["frag4-0", "frag4-rev-2", "frag4-other-0", "frag6-0"]
      let laterFragment = f.label.hasPrefix("frag") && !firstFragments.contains(f.label)
      if !tagged && !f.label.hasPrefix("frag") {
        #expect(ours == (BPFInterpreter.run(plain, f.bytes) > 0), "\(f.label)")
      }
      if f.keep && laterFragment && !f.label.hasPrefix("frag6") {
        #expect(BPFInterpreter.run(plain, f.bytes) == 0, "tcpdump's portrange drops the later fragment \(f.label)")
      }
    }
  }
}
