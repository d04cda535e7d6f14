import BACnetDecode
import Foundation
import Glibc
import PcapKit
import Testing

/// `optigo-pcap capture --mstp` end to end on a pseudo-terminal: the test writes MS/TP frames into the master
/// side while the command captures the slave side into a spool.
/// Whether pseudo-terminals can be opened here (not in a container without /dev/ptmx or devpts).
let pseudoTerminalsAvailable: Bool = {
  var m: Int32 = -1, s: Int32 = -1
  guard openpty(&m, &s, nil, nil, nil) == 0 else { return false }
  close(m)
  close(s)
  return true
}()

@Suite(.serialized) struct CaptureMSTPCommandTests {
  static func frame(_ type: UInt8, dst: UInt8, src: UInt8, data: [UInt8] = []) -> [UInt8] {
    MSTPFrame.encode(type: MSTPFrameType(rawValue: type), destination: dst, source: src, data: data) ?? []
  }

  @Test(.enabled(if: pseudoTerminalsAvailable, "no pseudo-terminals (/dev/ptmx) on this machine"))
  func capturesAPtyIntoTheSpool() throws {
    let exe = try #require(optigoPcap, "optigo-pcap is not built")
    var master: Int32 = -1, slave: Int32 = -1
    try #require(openpty(&master, &slave, nil, nil, nil) == 0)
    defer { close(master); close(slave) }
    let name = String(cString: ttyname(slave))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mstp-cli-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    var badHeader = Self.frame(0, dst: 4, src: 3)
    badHeader[7] ^= 0xFF
    let iAm: [UInt8] = [0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x00, 0xC4, 0x02, 0x00, 0x00, 0x03, 0x22, 0x01, 0xE0, 0x91, 0x00, 0x21, 0x0F]
    var frames: [[UInt8]] = []
    for _ in 0..<10 {
      frames += [Self.frame(0, dst: 4, src: 3), Self.frame(6, dst: 255, src: 4, data: iAm), Self.frame(0, dst: 3, src: 4)]
    }
    frames.insert(badHeader, at: 5)
    let m = master, s = slave
    let sent = frames
    let writer = Thread {
      // Wait until the command has put the line in raw mode, then play the frames 20 ms apart.
      var t = termios()
      for _ in 0..<1000 {
        if tcgetattr(s, &t) == 0, t.c_lflag & tcflag_t(ICANON) == 0 { break }
        usleep(10_000)
      }
      for f in sent {
        _ = f.withUnsafeBytes { write(m, $0.baseAddress, $0.count) }
        usleep(20_000)
      }
    }
    writer.start()
    let r = try run(exe, ["capture", "--mstp", name, "--baud", "19200", "-w", dir.path, "--duration", "5", "--summarize"])
    #expect(r.status == 0, "\(r.stderr)")
    let announced = r.stdout.split(separator: "\n").map(String.init)
    #expect(announced.count == 1)
    var reader = try CaptureReader(path: try #require(announced.first))
    var got: [[UInt8]] = []
    var comments: [String] = []
    while let p = try reader.nextPacket() {
      #expect(p.linkType == .bacnetMSTP)
      got.append(Array(p.data))
      comments += p.comments
    }
    #expect(got == sent)
    #expect(comments == ["MS/TP bad header CRC"])
    #expect(r.stderr.contains("MS/TP at 19200 baud: \(sent.reduce(0) { $0 + $1.count }) octets; 30 frames, 1 bad header CRC, 0 bad data CRC, 0 truncated"), "\(r.stderr)")
    #expect(r.stderr.contains("MS/TP: 31 frames; token 3→4→3"), "\(r.stderr)")
    #expect(r.stderr.contains("CRC errors: header 1"), "\(r.stderr)")
    #expect(r.stderr.contains("the driver has no low-latency mode"), "a pty has none: the user is told about latency_timer")
  }

  @Test func usageAndDeviceErrors() throws {
    let exe = try #require(optigoPcap, "optigo-pcap is not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mstp-cli-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = try run(exe, ["capture", "--mstp", "/dev/optigo-no-such-tty", "-w", dir.path, "--duration", "1"])
    #expect(missing.status == 66, "\(missing.stderr)")
    #expect(missing.stderr.contains("cannot open /dev/optigo-no-such-tty"))
    let notATty = try run(exe, ["capture", "--mstp", "/dev/null", "-w", dir.path, "--duration", "1"])
    #expect(notATty.status == 66, "\(notATty.stderr)")
    let badRate = try run(exe, ["capture", "--mstp", "/dev/null", "--baud", "fast", "-w", dir.path])
    #expect(badRate.status == 64, "\(badRate.stderr)")
  }
}
