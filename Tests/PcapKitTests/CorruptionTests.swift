import Foundation
import Testing

@testable import PcapKit
import OptigoTestSupport

/// Damaged copies of the fixtures (truncation at and inside every record boundary, byte flips, zeroed ranges, gaps, bogus
/// lengths; seeded): no trap, no hang, the strict reader delivers every packet before the damage, and the lenient
/// reader (what `optigo-pcap repair` writes) recovers every intact packet after it, into a capture that reads
/// cleanly. When `pcapfix` is installed (CI installs it) the same damaged files go through it, and for every damage
/// kind both counts of salvaged packets (an original packet whose timestamp and data, or a prefix of its data for a
/// packet kept truncated, are in the output) are printed and ours must be at least pcapfix's.
///
/// `HOSTILE_CORRUPTION_SCALE` (default 1) multiplies the random variants per source.
@Suite("Corruption")
struct CorruptionTests {
  static let scale = Int(ProcessInfo.processInfo.environment["HOSTILE_CORRUPTION_SCALE"] ?? "") ?? 1

  /// The undamaged sources: the repository's capture fixtures, their pcapng conversions, and a few shared captures
  /// when present (each cut to its first 32 KiB of whole records).
  static func sources() -> [CaptureLayout] {
    var files: [URL] = []
    let fixtures = packageRoot.appendingPathComponent("Fixtures")
    if let e = FileManager.default.enumerator(atPath: fixtures.path) {
      for case let p as String in e where (p.hasSuffix(".pcap") || p.hasSuffix(".pcapng")) && !p.contains("regressions") {
        files.append(fixtures.appendingPathComponent(p))
      }
    }
    files.sort { $0.path < $1.path }
    for name in ["bacnet/bacnet_example.pcap", "bacnet/bacnet_error_reject_abort.pcap", "formats/microsecs_big_endian.pcap",
                 "formats/many_interfaces-1.pcapng", "conformance/le_basic_test010.pcapng"] {
      let u = sharedCaptures.appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: u.path) { files.append(u) }
    }
    var out: [CaptureLayout] = []
    for f in files {
      guard let bytes = try? fileBytes(f), let full = CaptureLayout(name: f.lastPathComponent, bytes: bytes) else { continue }
      let cut = full.records.last(where: { $0.range.upperBound <= 32 << 10 })?.range.upperBound ?? bytes.count
      guard let layout = CaptureLayout(name: f.lastPathComponent, bytes: Array(bytes[..<cut])) else { continue }
      out.append(layout)
      if !layout.isPcapng, let ng = convertedToPcapng(layout.bytes), let l = CaptureLayout(name: layout.name + "→pcapng", bytes: ng) {
        out.append(l)
      }
    }
    return out
  }

  struct Tally {
    var copies = 0
    var intact = 0
    var ours = 0
    var pcapfix = 0
    var pcapfixRuns = 0
    /// Original packets salvaged whole or truncated (see ``salvaged(_:from:)``), by repair and by pcapfix.
    var oursSalvaged = 0
    var pcapfixSalvaged = 0
    var oursTruncated = 0
  }

  /// How many of `layout`'s packets appear in `output`: same timestamp, and the same data or (a packet kept
  /// truncated) a non-empty prefix of it. Each original packet counts once.
  static func salvaged(_ output: [Packet], from layout: CaptureLayout) -> Int {
    var byTicks: [Int128: [Int]] = [:]
    let originals = layout.records.compactMap(\.key)
    for (i, k) in originals.enumerated() { byTicks[k.ticks, default: []].append(i) }
    var matched = Set<Int>()
    for p in output where p.capturedLength > 0 {
      let data = Array(p.data)
      if let i = byTicks[p.timestamp.ticks]?.first(where: { !matched.contains($0) && originals[$0].data.starts(with: data) }) {
        matched.insert(i)
      }
    }
    return matched.count
  }

  @Test("damaged fixtures: strict reader keeps the prefix, lenient reader recovers every intact packet")
  func corruptionCorpus() throws {
    let layouts = Self.sources()
    try #require(!layouts.isEmpty, "no capture fixtures found under Fixtures/")
    let pcapfix = FileManager.default.isExecutableFile(atPath: "/usr/bin/pcapfix") ? "/usr/bin/pcapfix" : nil
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("corruption-\(getpid())")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    var tallies: [String: Tally] = [:]
    var failures: [String] = []
    var options = ReaderOptions()
    options.chunkSize = 1 << 12
    for (si, layout) in layouts.enumerated() {
      // Seeded by the file's name, not its position: adding a fixture elsewhere must not change every later file's
      // damaged copies.
      for copy in damagedCopies(of: layout, seed: Self.seed(layout.name), scale: Self.scale) {
        var t = tallies[copy.kind, default: Tally()]
        t.copies += 1
        let label = "\(layout.name) \(copy.kind) damaged \(copy.damaged)"

        // 1. Strict reader: every packet that ends before the first damaged byte, in order; bounded work.
        let before = layout.records.filter { $0.isPacket && $0.range.upperBound <= copy.firstDamage }.compactMap(\.key)
        var delivered: [PacketKey] = []
        var steps = 0
        if var strict = try? CaptureReader(bytes: copy.bytes, options: options) {
          while steps <= copy.bytes.count + 2, let p = try? strict.nextPacket() {
            delivered.append(PacketKey(ticks: p.timestamp.ticks, data: Array(p.data)))
            steps += 1
          }
        }
        if steps > copy.bytes.count + 1 { failures.append("\(label): strict reader did not stop") }
        if Array(delivered.prefix(before.count)) != before {
          failures.append("\(label): strict reader delivered \(delivered.count) packets, expected the first \(before.count) intact")
        }

        // 2. Lenient reader / repair: every intact packet, and an output that reads cleanly.
        let intact = copy.intactPackets(layout).compactMap(\.key)
        t.intact += intact.count
        var recovered = Set<PacketKey>()
        if var lenient = try? LenientCaptureReader(bytes: copy.bytes, options: options) {
          var sink = MemorySink()
          let summary = try CaptureRepair.run(reader: &lenient, to: &sink)
          #expect(lenient.scanSteps <= copy.bytes.count, "\(label): \(lenient.scanSteps) scan steps")
          if summary.recordsWritten > 0 {
            let check = readAll(sink.bytes)
            if let e = check.error { failures.append("\(label): repaired output does not read cleanly: \(e)") }
            recovered = Set(check.packets.map { PacketKey(ticks: $0.timestamp.ticks, data: Array($0.data)) })
            t.oursSalvaged += Self.salvaged(check.packets, from: layout)
            t.oursTruncated += summary.truncatedPackets
          }
        }
        let missing = intact.filter { !recovered.contains($0) }
        t.ours += intact.count - missing.count
        if !missing.isEmpty {
          failures.append("\(label): repair lost \(missing.count) of \(intact.count) intact packets")
          if let dir = ProcessInfo.processInfo.environment["HOSTILE_CORRUPTION_DUMP"] {
            try? Data(copy.bytes).write(to: URL(fileURLWithPath: dir).appendingPathComponent("lost-\(failures.count)-\(layout.name)"))
          }
        }

        // 3. pcapfix on the same file (informational).
        if let pcapfix {
          let input = tmp.appendingPathComponent("in-\(si)-\(t.copies)" + (layout.isPcapng ? ".pcapng" : ".pcap"))
          let output = tmp.appendingPathComponent("out-\(si)-\(t.copies)")
          try Data(copy.bytes).write(to: input)
          let proc = Process()
          proc.executableURL = URL(fileURLWithPath: pcapfix)
          proc.arguments = ["-d", "-o", output.path, input.path]
          proc.standardOutput = FileHandle.nullDevice
          proc.standardError = FileHandle.nullDevice
          try proc.run()
          proc.waitUntilExit()
          t.pcapfixRuns += 1
          // pcapfix writes nothing when it judges the file fine: then the input is what a user keeps.
          let result = FileManager.default.fileExists(atPath: output.path) ? output : input
          let theirPackets = (try? fileBytes(result)).map { readAll($0).packets } ?? []
          let theirs = Set(theirPackets.map { PacketKey(ticks: $0.timestamp.ticks, data: Array($0.data)) })
          t.pcapfix += intact.filter { theirs.contains($0) }.count
          t.pcapfixSalvaged += Self.salvaged(theirPackets, from: layout)
          try? FileManager.default.removeItem(at: input)
          try? FileManager.default.removeItem(at: output)
        }
        tallies[copy.kind] = t
      }
    }
    var total = Tally()
    print("corruption corpus: \(layouts.count) sources, scale \(Self.scale)")
    for (kind, t) in tallies.sorted(by: { $0.key < $1.key }) {
      print(Self.line(kind, t, pcapfix != nil))
      total.copies += t.copies; total.intact += t.intact; total.ours += t.ours; total.pcapfix += t.pcapfix
      total.oursSalvaged += t.oursSalvaged; total.pcapfixSalvaged += t.pcapfixSalvaged; total.oursTruncated += t.oursTruncated
      if pcapfix != nil && t.oursSalvaged < t.pcapfixSalvaged {
        failures.append("\(kind): repair salvaged \(t.oursSalvaged) packets, pcapfix \(t.pcapfixSalvaged)")
      }
    }
    print(Self.line("all", total, pcapfix != nil))
    for f in failures.prefix(40) { Issue.record("\(f)") }
    #expect(failures.isEmpty, "\(failures.count) failures")
  }

  /// FNV-1a of a name, mixed with the corpus's base seed.
  static func seed(_ name: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return 0xC0FFEE ^ h
  }

  static func line(_ kind: String, _ t: Tally, _ withPcapfix: Bool) -> String {
    func pct(_ a: Int) -> String { t.intact == 0 ? "n/a" : String(format: "%.1f%%", 100 * Double(a) / Double(t.intact)) }
    let theirs = withPcapfix
      ? ", pcapfix \(t.pcapfix) (\(pct(t.pcapfix))); salvaged incl. truncated: repair \(t.oursSalvaged) (\(t.oursTruncated) truncated), pcapfix \(t.pcapfixSalvaged)"
      : ", salvaged incl. truncated \(t.oursSalvaged) (\(t.oursTruncated) truncated); pcapfix not installed"
    return "  \(kind): \(t.copies) damaged files, \(t.intact) intact packets; repair recovered \(t.ours) (\(pct(t.ours)))\(theirs)"
  }
}
