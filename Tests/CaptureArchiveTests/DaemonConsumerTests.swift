import CaptureArchive
import Foundation
import OptigoTestSupport
import PcapKit
import Testing

/// A "daemon-like" consumer in a package of its own, depending on this package by path and importing only
/// PcapKit and CaptureArchive: it writes a capture, spools it under its content name, and the test checks the
/// name and the bytes. Proves the two products are enough for a capture daemon (and that nothing they need is
/// internal). The consumer package builds the two libraries from scratch: about a minute on a loaded 2-core
/// machine. Skips when the Swift toolchain is not installed.
@Suite struct DaemonConsumerTests {
  static let manifest = """
    // swift-tools-version: 6.2
    import PackageDescription

    let package = Package(
      name: "daemon-consumer",
      dependencies: [.package(path: "\(packageRoot.path)")],
      targets: [
        .executableTarget(
          name: "daemon-consumer",
          dependencies: [
            .product(name: "PcapKit", package: "\(packageRoot.lastPathComponent)"),
            .product(name: "CaptureArchive", package: "\(packageRoot.lastPathComponent)"),
          ])
      ]
    )
    """

  /// Writes one pcapng capture with three packets into `incoming/`, then spools it into `spool/` under the
  /// SHA-256 of its bytes, with a journal; prints the new path.
  static let consumer = """
    import CaptureArchive
    import PcapKit

    let work = CommandLine.arguments[1]
    let incoming = work + "/incoming/site-a-2026-12-03.pcapng"
    let sink = try FileSink(path: incoming)
    var writer = PcapNGWriter(sink: sink, byteOrder: .little)
    try writer.writeSectionHeader()
    let interface = try writer.writeInterfaceDescription(linkType: .ethernet, resolution: .nanoseconds)
    for i in 0..<3 {
      let frame = [UInt8](repeating: UInt8(i), count: 60)
      try writer.writeEnhancedPacket(
        interfaceID: interface, timestamp: CaptureTimestamp(seconds: 1_764_720_000 + Int64(i), nanoseconds: 5),
        data: frame[...])
    }
    try sink.close()

    var spooled: [String] = []
    var archiver = CaptureArchiver(
      configuration: ArchiveConfiguration(naming: .content, outputDirectory: work + "/spool"),
      digest: SHA256Digest.factory
    ) { event in
      if case .completed(_, let to, _, _) = event { spooled.append(to) }
    }
    let summary = try archiver.run(inputs: [incoming], journalPath: work + "/journal.jsonl")
    if summary.completed == 1, summary.failed == 0, spooled.count == 1 {
      print(spooled[0])
    } else {
      print("unexpected summary: \\(summary)")
    }
    """

  /// The `swift` driver, nil when the toolchain is absent.
  static var swift: String? {
    let candidates = [ProcessInfo.processInfo.environment["SWIFT_EXEC_DRIVER"], "/opt/swift/usr/bin/swift", tool("swift")]
    return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  @Test("a package importing only PcapKit and CaptureArchive spools a capture under its SHA-256 name")
  func daemonLikeConsumer() throws {
    guard let swift = Self.swift else {
      print("note: the Swift toolchain is not installed; the consumer package test is skipped")
      return
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("daemon-consumer-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: work) }
    let package = work.appendingPathComponent("package")
    try FileManager.default.createDirectory(
      at: package.appendingPathComponent("Sources/daemon-consumer"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: work.appendingPathComponent("incoming"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: work.appendingPathComponent("spool"), withIntermediateDirectories: true)
    try Self.manifest.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    try Self.consumer.write(
      to: package.appendingPathComponent("Sources/daemon-consumer/main.swift"), atomically: true, encoding: .utf8)
    // The root's pins, so the consumer resolves the same (already cached) swift-argument-parser without asking
    // the network for anything newer.
    let pins = packageRoot.appendingPathComponent("Package.resolved")
    if FileManager.default.fileExists(atPath: pins.path) {
      try FileManager.default.copyItem(at: pins, to: package.appendingPathComponent("Package.resolved"))
    }

    let started = Date()
    let build = try run(swift, ["build", "--package-path", package.path, "-j", "2"])
    #expect(build.status == 0, "consumer build failed:\n\(build.output)")
    guard build.status == 0 else { return }
    print("note: the consumer package built in \(Int(Date().timeIntervalSince(started))) s")
    let binary = package.appendingPathComponent(".build/debug/daemon-consumer").path
    let result = try run(binary, [work.path])
    #expect(result.status == 0, "\(result.output)")
    let spooled = result.output.split(separator: "\n").last.map(String.init) ?? ""

    // The name is the SHA-256 of the bytes (checked against sha256sum where installed) and the content is intact.
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: spooled)))
    let hex = SHA256Digest.hash(bytes).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    #expect(spooled == work.appendingPathComponent("spool/\(hex).pcapng").path)
    if let sha256sum = tool("sha256sum") {
      #expect(try run(sha256sum, [spooled]).output.hasPrefix(hex))
    }
    var reader = try CaptureReader(path: spooled)
    var statistics = CaptureStatistics()
    try statistics.read(&reader)
    #expect(statistics.packets == 3 && statistics.originalSize == 180)
    #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("incoming/site-a-2026-12-03.pcapng").path))
    let journal = try String(contentsOf: work.appendingPathComponent("journal.jsonl"), encoding: .utf8)
    #expect(journal.contains("\"op\":\"intent\"") && journal.contains("\"op\":\"done\""))
  }

  /// Runs a program to completion; (status, standard output and error together).
  func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
