import Foundation
import OptigoTestSupport
import PcapKit
import Testing

/// `CaptureStatistics`: the figures capinfos reports, whole-capture and record by record (a daemon's live status).
@Suite struct CaptureStatisticsTests {
  static let captures = sharedFiles("formats") + sharedFiles("bacnet") + sharedFiles("conformance")

  /// The figures read record by record through `next()`, as a live writer would feed them.
  static func fedRecordByRecord(_ path: String) throws -> CaptureStatistics {
    var reader = try CaptureReader(path: path)
    var statistics = CaptureStatistics()
    statistics.noteSource(of: reader)
    while let record = try reader.next() { statistics.add(record) }
    statistics.bytesRead = reader.offset
    return statistics
  }

  @Test("read(_:) and feeding records one at a time give the same figures", arguments: captures)
  func streamingEqualsWhole(_ url: URL) throws {
    var reader: CaptureReader
    do { reader = try CaptureReader(path: url.path) } catch { return }  // unreadable captures: nothing to compare
    var whole = CaptureStatistics()
    let failed: Bool
    do { try whole.read(&reader); failed = false } catch { failed = true }
    guard !failed else { return }
    let fed = try Self.fedRecordByRecord(url.path)
    let name = url.lastPathComponent
    #expect(whole.packets == fed.packets && whole.records == fed.records, "\(name)")
    #expect(whole.originalSize == fed.originalSize && whole.capturedSize == fed.capturedSize, "\(name)")
    #expect(whole.firstTimestamp == fed.firstTimestamp && whole.lastTimestamp == fed.lastTimestamp, "\(name)")
    #expect(whole.interfaces == fed.interfaces && whole.sections == fed.sections, "\(name)")
    #expect(whole.bytesRead == fed.bytesRead && whole.isStrictlyOrdered == fed.isStrictlyOrdered, "\(name)")
    #expect(whole.linkTypeCounts.map(\.packets) == fed.linkTypeCounts.map(\.packets), "\(name)")
    #expect(whole.linkTypeCounts.map(\.packets).reduce(0, +) == whole.packets, "\(name)")
    #expect(whole.interfaces.map(\.packets).reduce(0, +) <= whole.packets, "\(name)")
  }

  @Test("packet count and data size agree with capinfos", arguments: captures)
  func agreesWithCapinfos(_ url: URL) throws {
    guard let capinfos = tool("capinfos") else {
      print("note: capinfos not installed; comparison skipped")
      return
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: capinfos)
    process.arguments = ["-T", "-M", "-r", "-c", "-d", url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, let line = output.split(separator: "\n").first else { return }
    let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
    var reader = try CaptureReader(path: url.path)
    var statistics = CaptureStatistics()
    try statistics.read(&reader)
    #expect(statistics.packets == Int(columns[1]), "\(url.lastPathComponent)")
    #expect(statistics.originalSize == Int(columns[2]), "\(url.lastPathComponent)")
  }

  @Test("an empty capture: no packets, no duration, no rates; one link type from the interface")
  func emptyCapture() throws {
    // Classic pcap header only: microsecond magic, version 2.4, snaplen 65535, Ethernet.
    let header: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
    var reader = try CaptureReader(bytes: header)
    var statistics = CaptureStatistics()
    try statistics.read(&reader)
    #expect(statistics.packets == 0 && statistics.sections == 1 && statistics.interfaces.count == 1)
    #expect(statistics.durationNanoseconds == 0 && statistics.perSecond(100) == nil)
    #expect(statistics.encapsulation == .ethernet && statistics.bytesRead == 24)
  }
}
