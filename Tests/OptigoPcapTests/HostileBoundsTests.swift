import Foundation
import Testing

/// Peak memory of every command on files that claim enormous blocks or packets: each command runs as a subprocess
/// under GNU time (`/usr/bin/time -f %M`, peak resident set in KiB) and must stay far below what the claim would
/// need, exit with a documented status (never a signal), and leave no partial output behind on failure.
@Suite("Hostile bounds")
struct HostileBoundsTests {
  /// Peak RSS allowed per command, KiB: the reader's 4 MiB chunk, the runtime and the output buffers fit easily;
  /// honouring any of the 4 GiB (or 256 MiB) claims would not.
  static let peakLimitKiB = 64 * 1024

  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }

  static func pcapHeader(snap: UInt32 = 65535, link: UInt32 = 1) -> [UInt8] {
    [0xD4, 0xC3, 0xB2, 0xA1] + le16(2) + le16(4) + le32(0) + le32(0) + le32(snap) + le32(link)
  }
  static func pcapRecord(_ data: [UInt8], claim: UInt32? = nil, sec: UInt32 = 1_700_000_000) -> [UInt8] {
    le32(sec) + le32(0) + le32(claim ?? UInt32(data.count)) + le32(claim ?? UInt32(data.count)) + data
  }
  static func shb(length: UInt32 = 28) -> [UInt8] {
    [0x0A, 0x0D, 0x0D, 0x0A] + le32(length) + le32(0x1A2B_3C4D) + le16(1) + le16(0) + [UInt8](repeating: 0xFF, count: 8) + le32(28)
  }
  static func idb(snap: UInt32 = 0) -> [UInt8] { le32(1) + le32(20) + le16(1) + le16(0) + le32(snap) + le32(20) }
  static func epb(_ data: [UInt8], caplenClaim: UInt32? = nil, lengthClaim: UInt32? = nil) -> [UInt8] {
    let padded = data + [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
    let len = UInt32(32 + padded.count)
    return le32(6) + le32(lengthClaim ?? len) + le32(0) + le32(0) + le32(1000) + le32(caplenClaim ?? UInt32(data.count))
      + le32(UInt32(data.count)) + padded + le32(len)
  }

  /// A BACnet/IP-looking Ethernet frame, so filter and summarize have something to chew on.
  static let frame: [UInt8] = {
    var f: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]
    let payload: [UInt8] = [0x81, 0x0A, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x01, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x01, 0x19, 0x4D]
    let udpLen = UInt16(8 + payload.count), ipLen = UInt16(20) + udpLen
    f += [0x45, 0, UInt8(ipLen >> 8), UInt8(ipLen & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
    f += [0xBA, 0xC0, 0xBA, 0xC0, UInt8(udpLen >> 8), UInt8(udpLen & 0xFF), 0, 0] + payload
    return f
  }()

  /// The hostile inputs: name, bytes, whether the file is a gzip stream.
  static func inputs() -> [(String, [UInt8])] {
    let good = pcapRecord(frame)
    return [
      ("pcap-record-claims-4GiB.pcap", pcapHeader() + good + pcapRecord(Array(frame.prefix(20)), claim: 0xFFFF_FFF0)),
      ("pcap-snaplen-4GiB-record-256MiB.pcap", pcapHeader(snap: 0xFFFF_FFFF) + good + pcapRecord(frame, claim: 256 << 20)),
      ("pcapng-block-claims-4GiB.pcapng", shb() + idb() + epb(frame) + epb(frame, lengthClaim: 0xFFFF_FFFC)),
      ("pcapng-epb-caplen-4GiB.pcapng", shb() + idb() + epb(frame) + epb(frame, caplenClaim: 0xFFFF_FFFF)),
      ("pcapng-shb-claims-4GiB.pcapng", shb(length: 0xFFFF_FFF0) + idb() + epb(frame)),
      ("pcapng-block-256MiB-then-eof.pcapng", shb() + idb() + epb(frame) + epb(frame, lengthClaim: 256 << 20)),
    ]
  }

  /// Runs `optigo-pcap ARGS` under GNU time; returns the exit status and peak RSS in KiB.
  static func measure(_ binary: String, _ args: [String], dir: URL) throws -> (status: Int32, peakKiB: Int, stderr: String) {
    let report = dir.appendingPathComponent("time-\(UUID().uuidString)")
    let r = try run("/usr/bin/time", ["-f", "%M", "-o", report.path, binary] + args)
    let text = try String(contentsOf: report, encoding: .utf8)
    let lines = text.split(separator: "\n")
    // GNU time adds "Command exited with non-zero status N" before the figure.
    let peak = lines.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? -1
    return (r.status, peak, r.stderr)
  }

  @Test("a 4 GiB claim allocates nothing of that size: list, info, filter, merge, repair (and summarize when present)",
        .enabled(if: optigoPcap != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
  func peakMemory() throws {
    let binary = try #require(optigoPcap)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-bounds-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let help = try run(binary, ["--help"]).stdout
    var checked = 0
    var worst = (0, "")
    for (name, bytes) in Self.inputs() {
      let path = dir.appendingPathComponent(name).path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let gz = path + ".gz"
      _ = try run("/bin/sh", ["-c", "gzip -c '\(path)' > '\(gz)'"])
      for input in [path, gz] {
        let out = dir.appendingPathComponent("out-\(checked)").path
        var commands: [[String]] = [
          ["list", input], ["info", input], ["filter", input, "-w", out], ["merge", input, path, "-w", out],
          ["repair", input, "-w", out],
        ]
        if help.contains("\n  summarize ") { commands.append(["summarize", input]) }
        for args in commands {
          let m = try Self.measure(binary, args, dir: dir)
          checked += 1
          if m.peakKiB > worst.0 { worst = (m.peakKiB, args.joined(separator: " ")) }
          #expect(m.peakKiB > 0 && m.peakKiB < Self.peakLimitKiB,
                  "\(args.joined(separator: " ")): peak RSS \(m.peakKiB) KiB (limit \(Self.peakLimitKiB))")
          #expect([0, 65, 66].contains(m.status), "\(args.joined(separator: " ")): exit \(m.status): \(m.stderr)")
          if args[0] != "repair" && m.status != 0 && args.contains("-w") {
            #expect(!FileManager.default.fileExists(atPath: out), "\(args[0]) left a partial output for \(name)")
          }
          try? FileManager.default.removeItem(atPath: out)
        }
      }
    }
    print("hostile bounds: \(checked) runs, highest peak RSS \(worst.0) KiB (\(worst.1))")
    #expect(checked >= 60)
  }
}
