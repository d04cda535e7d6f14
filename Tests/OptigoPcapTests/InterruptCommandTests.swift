import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Interrupted runs leave nothing behind: `filter`, `merge` and `repair` are stopped mid-run by SIGINT and SIGTERM
/// (the input is a pipe the test keeps open after writing megabytes of a generated capture, so the command is
/// reliably in the middle of its work, whatever the machine's load), and neither the output nor its temporary file
/// may remain; the exit status is 128 + the signal. A closed pipe on standard output ends `list` quietly. Stale
/// temporary files are never taken for captures by `anonymize` or `merge DIR`, and `--clean-stale` removes them.
@Suite("Interrupted runs")
struct InterruptCommandTests {
  /// A classic pcap of `count` Ethernet/IPv4/UDP packets to port 47808 (BACnet Who-Is), 1 ms apart.
  static func generatedCapture(packets count: Int) -> [UInt8] {
    var bytes: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
    let payload: [UInt8] = [0x81, 0x0B, 0x00, 0x0C, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08]
    let udpLength = 8 + payload.count, ipLength = 20 + udpLength
    var frame: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]
    frame += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 255]
    frame += [0xBA, 0xC0, 0xBA, 0xC0, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0] + payload
    func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
    bytes.reserveCapacity(24 + count * (16 + frame.count))
    for i in 0..<count {
      bytes += le32(1_700_000_000 + i / 1000) + le32(i % 1000 * 1000) + le32(frame.count) + le32(frame.count) + frame
    }
    return bytes
  }

  /// Names in `dir`, sorted.
  static func entries(_ dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
  }

  /// Writes all of `bytes` to a descriptor.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var done = 0
    while done < bytes.count {
      let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return false }
      done += n
    }
    return true
  }

  static let large = generatedCapture(packets: 60_000)  // 4.8 MB

  @Test(
    "SIGINT and SIGTERM mid-run: no output, no temporary file, exit 130 / 143",
    .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"),
    .timeLimit(.minutes(5)),
    arguments: ["filter", "merge", "repair"], [SIGINT, SIGTERM])
  func interrupted(command: String, signal: Int32) throws {
    let dir = try FilterMergeSupport.scratch("interrupt")
    defer { try? FileManager.default.removeItem(at: dir) }
    let output = dir.appendingPathComponent("out.pcap").path
    let arguments: [String]
    switch command {
    case "filter": arguments = ["filter", "-", "-w", output]
    case "merge": arguments = ["merge", "-w", output, "-"]
    default: arguments = ["repair", "-", "-w", output]
    }
    Glibc.signal(SIGPIPE, SIG_IGN)  // a command that stops reading must not take this test runner with it
    let input = Pipe()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(optigoPcap))
    process.arguments = arguments
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The writes return once the command has read all but a pipe's worth; the pipe stays open, so it then waits.
    let wrote = Self.writeAll(input.fileHandleForWriting.fileDescriptor, Self.large)
    #expect(wrote, "the command stopped reading early")
    // The command now waits for more input, its temporary output open (poll: it is created after the header).
    var temporary: [String] = []
    for _ in 0..<600 where temporary.isEmpty {
      temporary = Self.entries(dir).filter { $0.hasPrefix(".optigo-tmp-") }
      if temporary.isEmpty { usleep(50_000) }
    }
    #expect(temporary.count == 1, "no temporary output while running: \(Self.entries(dir))")
    #expect(process.isRunning)
    kill(process.processIdentifier, signal)
    for _ in 0..<1200 where process.isRunning { usleep(50_000) }
    if process.isRunning {
      Issue.record("\(command) ignored signal \(signal)")
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 128 + signal)
    #expect(Self.entries(dir).isEmpty, "left behind: \(Self.entries(dir))")
    try input.fileHandleForWriting.close()
  }

  @Test(
    "a closed pipe on standard output ends list quietly (status 141, nothing on standard error)",
    .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"), .timeLimit(.minutes(5)))
  func brokenPipe() throws {
    let dir = try FilterMergeSupport.scratch("pipe")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.pcap")
    try Data(Self.large).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(optigoPcap))
    process.arguments = ["list", input.path]
    let out = Pipe()
    let errFile = dir.appendingPathComponent("err.txt")
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errFile)
    Glibc.signal(SIGPIPE, SIG_IGN)
    try process.run()
    // The listing is megabytes: it cannot all fit in the pipe, so the command is still writing when it closes.
    let head = out.fileHandleForReading.readData(ofLength: 4096)
    #expect(!head.isEmpty)
    try out.fileHandleForReading.close()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 141)
    #expect(try Data(contentsOf: errFile).isEmpty)
  }

  @Test(
    "stale temporary files: anonymize and merge DIR leave them alone, report them; --clean-stale removes them",
    .enabled(if: optigoPcap != nil, "the optigo-pcap executable is not built"))
  func staleTemporaryFiles() throws {
    let dir = try FilterMergeSupport.scratch("stale")
    defer { try? FileManager.default.removeItem(at: dir) }
    let capture = Self.generatedCapture(packets: 10)
    let planted = [".optigo-tmp-4242-abc-out.pcap", ".out.pcap.tmp-4242-1dh6t4vjbedyr"]  // current and older naming
    for name in ["a.pcap"] + planted { try Data(capture).write(to: dir.appendingPathComponent(name)) }
    let twoHoursAgo = Date(timeIntervalSinceNow: -7200)
    for name in planted {
      try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: dir.appendingPathComponent(name).path)
    }
    let binary = try #require(optigoPcap)
    let merged = try FilterMergeSupport.scratch("stale-out")
    defer { try? FileManager.default.removeItem(at: merged) }
    let m = try run(binary, ["merge", "-w", merged.appendingPathComponent("m.pcapng").path, dir.path])
    #expect(m.status == 0, "\(m.stderr)")
    #expect(try FilterMergeSupport.packets(merged.appendingPathComponent("m.pcapng").path).count == 10)  // a.pcap only
    for name in planted { #expect(m.stderr.contains("stale temporary file \(dir.path)/\(name)"), "\(m.stderr)") }

    let a = try run(binary, ["anonymize", dir.path])
    #expect(a.status == 0, "\(a.stderr)")
    let after = Self.entries(dir)
    #expect(after.count == 3 && !after.contains("a.pcap") && planted.allSatisfy(after.contains), "\(after)")
    for name in planted { #expect(a.stderr.contains("stale temporary file \(dir.path)/\(name)"), "\(a.stderr)") }

    let c = try run(binary, ["anonymize", "--clean-stale", "--dry-run", dir.path])
    #expect(c.status == 0 && Self.entries(dir).count == 3)  // a dry run changes nothing
    let clean = try run(binary, ["merge", "--clean-stale", "-w", merged.appendingPathComponent("m2.pcapng").path, dir.path])
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(Self.entries(dir).count == 1 && Self.entries(dir).allSatisfy { !$0.hasPrefix(".") }, "\(Self.entries(dir))")
  }
}
