import Foundation
import CaptureArchive
import PcapKit
import Testing

@testable import PacketCapture

/// The source-agnostic spool: rotation, statistics, atomic completed files, announcements, ring, disk guard.
@Suite struct CaptureSpoolTests {
  static let interface = CaptureInterface(name: "test0", description: "unit test", linkType: .ethernet,
                                          snapLength: 65535, filter: "udp port 47808")

  static func frame(_ n: Int, at ns: Int128, size: Int = 100) -> CapturedFrame {
    let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ n) }
    return CapturedFrame(timestamp: CaptureTimestamp(nanosecondsSinceEpoch: ns), data: data[...],
                         flags: PacketFlags(rawValue: 1), comment: n == 0 ? "first" : nil)
  }

  static let counters = [InterfaceCounters(received: 10, interfaceDropped: 1, filterAccepted: 8, osDropped: 2)]

  /// Files of a directory, sorted, without hidden temporary files.
  static func files(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted().map { dir + "/" + $0 }
  }

  @Test func sizeRotationNeverExceedsTheLimitAndEveryFileIsComplete() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let limit: Int64 = 4000
    var announced: [CompletedCaptureFile] = []
    let spool = try CaptureSpool(
      configuration: SpoolConfiguration(directory: dir, rotation: RotationPolicy(maximumBytes: limit)),
      interfaces: [Self.interface], announcer: HandlerAnnouncer { file in
        // Announced only once complete: it is in place, readable to the end, with its statistics.
        let records = (try? CaptureTestSupport.records(file.path)) ?? []
        #expect(records.contains { if case .statistics = $0 { true } else { false } })
        announced.append(file)
      }, start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
    for n in 0..<100 {
      #expect(try spool.write(Self.frame(n, at: 1_700_000_000_000_000_000 + Int128(n) * 1000, size: 100 + n % 50)) { Self.counters })
    }
    try spool.close(now: CaptureTimestamp(seconds: 1_700_000_001, nanoseconds: 0)) { Self.counters }
    let files = try Self.files(dir)
    #expect(files.count == announced.count && files.count > 3)
    #expect(Set(files) == Set(announced.map(\.path)))
    var total: [[UInt8]] = []
    for f in files {
      let size = try FileManager.default.attributesOfItem(atPath: f)[.size] as! Int
      #expect(size <= limit, "\(f) is \(size) bytes")
      total += try CaptureTestSupport.packetData(f)
    }
    #expect(total == (0..<100).map { Array(Self.frame($0, at: 0, size: 100 + $0 % 50).data) })
    #expect(announced.map(\.sequence) == Array(1...announced.count))
  }

  @Test func pcapngBlocksCarryInterfaceStatisticsAndFlags() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let start = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 5)
    let spool = try CaptureSpool(configuration: SpoolConfiguration(directory: dir), interfaces: [Self.interface],
                                 announcer: nil, start: start)
    #expect(try spool.write(Self.frame(0, at: 1_700_000_000_100_000_000)) { Self.counters })
    #expect(try spool.write(Self.frame(1, at: 1_700_000_000_200_000_001)) { Self.counters })
    let end = CaptureTimestamp(seconds: 1_700_000_002, nanoseconds: 7)
    try spool.close(now: end) { Self.counters }
    let files = try Self.files(dir)
    try #require(files.count == 1)
    #expect(files[0].hasSuffix("capture-20231114T221320Z-000001.pcapng"))
    let records = try CaptureTestSupport.records(files[0])
    guard case .section(let shb) = records[0], case .interface(let idb) = records[1],
      case .packet(let p0) = records[2], case .packet(let p1) = records[3], case .statistics(let isb) = records[4]
    else {
      Issue.record("unexpected records \(records.count)")
      return
    }
    #expect(shb.userApplication == "optigo-pcap" && (shb.os ?? "").hasPrefix("Linux"))
    #expect(idb.name == "test0" && idb.interfaceDescription == "unit test" && idb.filterString == "udp port 47808")
    #expect(idb.timestampResolution == .nanoseconds && idb.snapLength == 65535)
    #expect(p0.comments == ["first"] && p0.flags?.direction == .inbound)
    #expect(p1.timestamp == CaptureTimestamp(nanosecondsSinceEpoch: 1_700_000_000_200_000_001))
    #expect(isb.interfaceReceived == 10 && isb.interfaceDropped == 1 && isb.filterAccepted == 8)
    #expect(isb.osDropped == 2 && isb.userDelivered == 2)
    #expect(isb.startTime == start && isb.endTime == end && isb.timestamp == end)
    #expect(records.count == 5)
  }

  @Test func intervalFilesStartOnTheClockBoundary() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let base: Int128 = 1_700_000_100 * 1_000_000_000  // 22:15:00 UTC, a quarter hour
    let start = CaptureTimestamp(nanosecondsSinceEpoch: base + 7 * 60 * 1_000_000_000)  // 22:22:00
    let spool = try CaptureSpool(
      configuration: SpoolConfiguration(directory: dir, rotation: RotationPolicy(intervalSeconds: 900)),
      interfaces: [Self.interface], announcer: nil, start: start)
    #expect(spool.nextDeadline == CaptureTimestamp(nanosecondsSinceEpoch: base + 900_000_000_000 + 1_000_000_000))
    let minute: Int128 = 60 * 1_000_000_000
    // Frames at 22:23, 22:29:59.999, 22:30:00.000 (a new file), then nothing until a tick at 22:45:01 (the empty
    // quarter 22:45 starts on time), then a frame at 23:02 (skipping a whole quarter: the file starts at 23:00).
    for t in [base + 8 * minute, base + 15 * minute - 1, base + 15 * minute] {
      #expect(try spool.write(Self.frame(1, at: t)) { Self.counters })
    }
    #expect(try spool.tick(now: CaptureTimestamp(nanosecondsSinceEpoch: base + 30 * minute + 500_000_000)) { Self.counters })
    #expect(spool.completed.count == 1, "not yet: within the grace delay")
    #expect(try spool.tick(now: CaptureTimestamp(nanosecondsSinceEpoch: base + 30 * minute + 1_000_000_000)) { Self.counters })
    #expect(try spool.write(Self.frame(2, at: base + 47 * minute)) { Self.counters })
    try spool.close(now: CaptureTimestamp(nanosecondsSinceEpoch: base + 48 * minute)) { Self.counters }
    let opened = spool.completed.map { $0.opened.nanosecondsSinceEpoch }
    #expect(opened == [start.nanosecondsSinceEpoch, base + 15 * minute, base + 30 * minute, base + 45 * minute])
    #expect(spool.completed.map(\.packets) == [2, 1, 0, 1])
    #expect(spool.completed.map(\.reason) == [.interval, .interval, .interval, .stop])
    let names = try Self.files(dir).map { ($0 as NSString).lastPathComponent }
    #expect(names == ["capture-20231114T222200Z-000001.pcapng", "capture-20231114T223000Z-000002.pcapng",
                      "capture-20231114T224500Z-000003.pcapng", "capture-20231114T230000Z-000004.pcapng"])
  }

  @Test func packetRotationRingAnonymousNamesAndClassicPcap() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let spool = try CaptureSpool(
      configuration: SpoolConfiguration(directory: dir, format: .pcap, naming: .anonymized,
                                        rotation: RotationPolicy(maximumPackets: 3), ringSize: 2),
      interfaces: [Self.interface], announcer: nil, start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
    for n in 0..<10 { #expect(try spool.write(Self.frame(n, at: 1_700_000_000_000_000_000 + Int128(n))) { [] }) }
    try spool.close(now: CaptureTimestamp(seconds: 1_700_000_001, nanoseconds: 0)) { [] }
    #expect(spool.completed.map(\.packets) == [3, 3, 3, 1])
    let files = try Self.files(dir)
    #expect(files.count == 2, "a ring of 2")
    for f in files {
      let name = (f as NSString).lastPathComponent
      #expect(CaptureNamer.isAnonymizedName(name.replacingOccurrences(of: ".pcap", with: ".pcapng"), kind: .pcapng, digestLength: 32) || name.count == 37)
      let r = try CaptureReader(path: f)
      #expect(r.format == .pcap(nanosecond: true, byteOrder: .host, modified: false))
    }
    #expect(Set(files) == Set(spool.completed.suffix(2).map(\.path)))
    #expect(throws: CaptureError.self) {
      try CaptureSpool(configuration: SpoolConfiguration(directory: dir, format: .pcap),
                       interfaces: [Self.interface, Self.interface], announcer: nil,
                       start: CaptureTimestamp(seconds: 0, nanoseconds: 0))
    }
  }

  @Test func hookSeesEachCompletedFileOnce() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let spoolDir = dir + "/spool"
    try FileManager.default.createDirectory(atPath: spoolDir, withIntermediateDirectories: true)
    let log = dir + "/hook.log"
    // The hook records the path and the size it sees; a partial file would show a different size.
    let hook = CommandAnnouncer(command: "echo \"$1 $(stat -c %s \"$1\")\" >> '\(log)'")
    let spool = try CaptureSpool(
      configuration: SpoolConfiguration(directory: spoolDir, rotation: RotationPolicy(maximumPackets: 4)),
      interfaces: [Self.interface], announcer: hook, start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
    for n in 0..<10 { #expect(try spool.write(Self.frame(n, at: 1_700_000_000_000_000_000 + Int128(n))) { [] }) }
    try spool.close(now: CaptureTimestamp(seconds: 1_700_000_001, nanoseconds: 0)) { [] }
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").sorted()
    let expected = try Self.files(spoolDir).map { f in
      "\(f) \(try FileManager.default.attributesOfItem(atPath: f)[.size] as! Int)"
    }.sorted()
    #expect(lines.map(String.init) == expected)
    #expect(lines.count == 3 && hook.failures.isEmpty)
  }

  @Test func diskGuardStopsWithoutDeleting() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Data(repeating: 7, count: 2000).write(to: URL(fileURLWithPath: dir + "/older-upload.pcapng"))
    let spool = try CaptureSpool(
      configuration: SpoolConfiguration(directory: dir, diskGuard: DiskGuard(minimumFreeBytes: nil, maximumSpoolBytes: 6000)),
      interfaces: [Self.interface], announcer: nil, start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
    var written = 0
    for n in 0..<100 {
      guard try spool.write(Self.frame(n, at: 1_700_000_000_000_000_000 + Int128(n)), counters: { [] }) else { break }
      written += 1
    }
    #expect(written > 10 && written < 40)
    #expect(spool.stopMessage?.contains("cap of 6000 bytes") == true)
    try #require(spool.completed.count == 1)
    #expect(spool.completed[0].reason == .diskGuard)
    #expect(FileManager.default.fileExists(atPath: dir + "/older-upload.pcapng"))
    let total = try Self.files(dir).reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as! Int) }
    #expect(total <= 6000)
    #expect(try CaptureTestSupport.packetData(spool.completed[0].path).count == written)
    #expect(throws: CaptureError.self) {
      try CaptureSpool(configuration: SpoolConfiguration(directory: dir + "/missing"), interfaces: [Self.interface],
                       announcer: nil, start: CaptureTimestamp(seconds: 0, nanoseconds: 0))
    }
  }

  /// A test digest (not cryptography: the spool only needs a function of the bytes): FNV-1a 64 over the bytes,
  /// twice with different seeds, as 16 bytes.
  struct TestDigest: ContentDigest {
    var a: UInt64 = 0xcbf2_9ce4_8422_2325
    var b: UInt64 = 0x8422_2325_cbf2_9ce4
    mutating func update(_ bytes: ArraySlice<UInt8>) {
      for x in bytes {
        a = (a ^ UInt64(x)) &* 0x100_0000_01b3
        b = (b ^ UInt64(x)) &* 0x100_0000_01b3 &+ 1
      }
    }
    mutating func finalize() -> [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? a : b) >> (8 * UInt64($0 % 8))) } }
    static func hex(_ bytes: [UInt8]) -> String {
      var d = TestDigest()
      d.update(bytes[...])
      return d.finalize().map { String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }.joined()
    }
  }

  @Test func contentNamesAreTheDigestOfTheCompletedFile() throws {
    let dir = try CaptureTestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var announced: [CompletedCaptureFile] = []
    let configuration = SpoolConfiguration(directory: dir, naming: .content, rotation: RotationPolicy(maximumPackets: 10),
                                           ringSize: 2, contentDigest: { TestDigest() })
    let spool = try CaptureSpool(configuration: configuration, interfaces: [Self.interface],
                                 announcer: HandlerAnnouncer { announced.append($0) },
                                 start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
    for n in 0..<35 {
      #expect(try spool.write(Self.frame(n, at: 1_700_000_000_000_000_000 + Int128(n) * 1000)) { Self.counters })
    }
    try spool.close(now: CaptureTimestamp(seconds: 1_700_000_001, nanoseconds: 0)) { Self.counters }
    #expect(announced.count == 4)
    for file in announced.suffix(2) {
      let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file.path)))
      #expect(file.path == dir + "/" + TestDigest.hex(bytes) + ".pcapng", "named by its content")
      #expect(try CaptureTestSupport.records(file.path).last.map { if case .statistics = $0 { true } else { false } } == true)
    }
    // The ring removed the first two by their final names; nothing pending or temporary is left.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == announced.suffix(2).map { ($0.path as NSString).lastPathComponent }.sorted())
    #expect(throws: CaptureError.self) {
      _ = try CaptureSpool(configuration: SpoolConfiguration(directory: dir, naming: .content), interfaces: [Self.interface],
                           announcer: nil, start: CaptureTimestamp(seconds: 1, nanoseconds: 0))
    }
  }
}
