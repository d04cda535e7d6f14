@testable import CaptureArchive
import CaptureCompression
import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// zstd and lz4 (frame format) captures, made by the `zstd` and `lz4` tools (`Scripts/make_compressed_fixtures.sh`), read
/// packet for packet like their plain originals — from a file, from a pipe-like source delivering a few bytes at a
/// time, concatenated frames as one stream — and like tshark reads them.
@Suite("Compressed inputs", .serialized)
struct CompressedInputTests {
  static let fixtures = packageRoot.appendingPathComponent("Fixtures")
  static let cases: [(compressed: String, original: String)] = [
    ("compressed/sample.pcap.zst", "bacnet-ip/sample.pcap"), ("compressed/sample.pcap.lz4", "bacnet-ip/sample.pcap"),
    ("compressed/sample-mstp.pcap.zst", "bacnet-ip/sample-mstp.pcap"),
    ("compressed/sample-mstp.pcap.lz4", "bacnet-ip/sample-mstp.pcap"),
    ("compressed/bacnet.pcapng.zst", "anonymize/bacnet.pcapng"), ("compressed/bacnet.pcapng.lz4", "anonymize/bacnet.pcapng"),
    ("compressed/sample-two-frames.pcap.zst", "bacnet-ip/sample.pcap"),
    ("compressed/sample-two-frames.pcap.lz4", "bacnet-ip/sample.pcap"),
  ]

  /// Every record's raw bytes and kind, in order.
  static func records(_ bytes: [UInt8], maxReadSize: Int = 0) throws -> (raw: [[UInt8]], compression: String?) {
    var reader = try CaptureReader(source: MemorySource(bytes, maxReadSize: maxReadSize))
    var raw: [[UInt8]] = []
    while let r = try reader.next() { raw.append(Array(r.raw.bytes)) }
    return (raw, reader.compression)
  }

  @Test("each fixture reads record for record like its original", arguments: cases.map(\.compressed))
  func matchesOriginal(_ name: String) throws {
    CaptureCompression.registerDecompressors()
    let original = try #require(Self.cases.first { $0.compressed == name }).original
    let plain = try Self.records(fileBytes(Self.fixtures.appendingPathComponent(original)))
    let bytes = try fileBytes(Self.fixtures.appendingPathComponent(name))
    let whole = try Self.records(bytes)
    #expect(whole.raw == plain.raw && whole.raw.count > 3)
    #expect(whole.compression == (name.hasSuffix(".zst") ? "zstd" : "lz4"))
    #expect(try Self.records(bytes, maxReadSize: 7).raw == plain.raw)  // a slow pipe: a few bytes per read
    // From the file itself: the same packets, timestamps and data.
    #expect(try Self.packets(Self.fixtures.appendingPathComponent(name).path)
      == Self.packets(Self.fixtures.appendingPathComponent(original).path))
  }

  @Test("the capture sniffer (anonymize, merge DIR) recognises zstd and lz4 captures by content, like gzip ones")
  func sniffer() throws {
    CaptureCompression.registerDecompressors()
    let kinds: [String: CaptureFileKind] = [
      "compressed/sample.pcap.zst": .pcapZstd, "compressed/sample.pcap.lz4": .pcapLz4,
      "compressed/bacnet.pcapng.zst": .pcapngZstd, "compressed/bacnet.pcapng.lz4": .pcapngLz4,
      "compressed/sample-two-frames.pcap.zst": .pcapZstd,
    ]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sniff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, kind) in kinds {
      let path = Self.fixtures.appendingPathComponent(name).path
      #expect(try CaptureSniffer().kind(ofFileAt: path) == kind, "\(name)")
      #expect(kind.isCompressed && !kind.isGzip && kind.isPcapng == name.contains("pcapng"))
      // Under a name that says nothing, in a directory: taken by content.
      try FileManager.default.copyItem(atPath: path, toPath: dir.appendingPathComponent(
        name.replacingOccurrences(of: "/", with: "-") + ".bin").path)
    }
    // Not captures: compressed text, a compressed stream cut inside its frame header, a damaged frame.
    let text = try fileBytes(Self.fixtures.appendingPathComponent("compressed/sample.pcap.zst"))
    try Data(text.prefix(6)).write(to: dir.appendingPathComponent("cut.zst"))
    var damaged = text
    for i in 12..<min(60, damaged.count) { damaged[i] ^= 0x5A }
    try Data(damaged).write(to: dir.appendingPathComponent("damaged.zst"))
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd") {
      let notes = dir.appendingPathComponent("notes.txt")
      try Data(String(repeating: "not a capture ", count: 50).utf8).write(to: notes)
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
      p.arguments = ["-q", "--rm", notes.path]
      try p.run()
      p.waitUntilExit()
      #expect(try CaptureSniffer().kind(ofFileAt: notes.path + ".zst") == nil)
    }
    #expect(try CaptureSniffer().kind(ofFileAt: dir.appendingPathComponent("cut.zst").path) == nil)
    let listing = try CaptureDirectory(dir.path)
    #expect(Set(listing.captures.map { ($0 as NSString).lastPathComponent })
      == Set(kinds.keys.map { $0.replacingOccurrences(of: "/", with: "-") + ".bin" }))
  }

  @Test("metadata scrubbing refuses a zstd or lz4 pcapng (it cannot re-compress it) instead of keeping the metadata")
  func scrubRefused() throws {
    CaptureCompression.registerDecompressors()
    for (name, kind) in [("compressed/bacnet.pcapng.zst", CaptureFileKind.pcapngZstd), ("compressed/bacnet.pcapng.lz4", .pcapngLz4)] {
      var sink = MemorySink()
      #expect(throws: CaptureError.self) {
        try CaptureScrubbing.scrub(fileAt: Self.fixtures.appendingPathComponent(name).path, kind: kind, into: &sink)
      }
      #expect(sink.bytes.isEmpty)
    }
  }

  /// Every packet's timestamp ticks and data, read from a file.
  static func packets(_ path: String) throws -> [PacketKey] {
    var reader = try CaptureReader(path: path)
    var out: [PacketKey] = []
    while let p = try reader.nextPacket() { out.append(PacketKey(ticks: p.timestamp.ticks, data: Array(p.data))) }
    return out
  }

  @Test("a damaged or cut compressed stream is an error or a truncation, never a trap")
  func damaged() throws {
    CaptureCompression.registerDecompressors()
    for name in ["compressed/sample.pcap.zst", "compressed/sample.pcap.lz4"] {
      let bytes = try fileBytes(Self.fixtures.appendingPathComponent(name))
      for cut in stride(from: 4, to: bytes.count, by: 97) {
        #expect(throws: CaptureError.self) { _ = try Self.records(Array(bytes[..<cut])) }
      }
      var flipped = bytes
      flipped[bytes.count / 2] ^= 0x5A
      flipped[bytes.count / 2 + 1] ^= 0xA5
      _ = try? Self.records(flipped)  // may or may not be detected by the codec; must not trap or hang
    }
  }

  @Test("packets and times agree with tshark", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark")))
  func tshark() throws {
    CaptureCompression.registerDecompressors()
    for (name, _) in Self.cases {
      let url = Self.fixtures.appendingPathComponent(name)
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
      p.arguments = ["-n", "-r", url.path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len"]
      let out = Pipe()
      p.standardOutput = out
      p.standardError = FileHandle.nullDevice
      try p.run()
      let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      p.waitUntilExit()
      var ours: [String] = []
      var reader = try CaptureReader(path: url.path)
      while let packet = try reader.nextPacket() {
        ours.append("\(packet.timestamp.epochString)\t\(packet.capturedLength)\t\(packet.originalLength)")
      }
      let theirs = text.split(separator: "\n").map(String.init)
      #expect(theirs.count == ours.count && !theirs.isEmpty, "\(name)")
      for (a, b) in zip(ours, theirs) {
        let x = a.split(separator: "\t"), y = b.split(separator: "\t")
        #expect(x[1...] == y[1...] && Self.sameTime(String(x[0]), String(y[0])), "\(name): ours \(a), tshark \(b)")
      }
    }
  }

  /// Equal epoch times up to the shorter text's precision (tshark prints nanoseconds).
  static func sameTime(_ a: String, _ b: String) -> Bool {
    let (s, l) = a.count <= b.count ? (a, b) : (b, a)
    return l.hasPrefix(s) && l.dropFirst(s.count).allSatisfy { $0 == "0" || $0 == "." }
  }
}
