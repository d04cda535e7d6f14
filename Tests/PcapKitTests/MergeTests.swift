import Foundation
import Testing
@testable import PcapKit

/// Small captures written to a temporary folder for the merge tests.
enum MergeFixtures {
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-merge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// A classic pcap whose packets carry their own label as data and have the given timestamps (µs).
  static func pcap(_ dir: URL, _ name: String, _ micros: [Int64], label: UInt8, linkType: LinkType = .ethernet) throws -> String {
    var w = PcapWriter(sink: MemorySink())
    try w.writeHeader(linkType: linkType)
    for (k, t) in micros.enumerated() {
      try w.writePacket(timestamp: CaptureTimestamp(seconds: 1_700_000_000 + t / 1_000_000, nanoseconds: t % 1_000_000 * 1000),
                        data: [label, UInt8(k)] + [UInt8](repeating: 0, count: 58))
    }
    let path = dir.appendingPathComponent(name).path
    try Data(w.sink.bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// A pcapng with two interfaces (Ethernet, raw IP); packet k goes to interface k % 2.
  static func pcapng(_ dir: URL, _ name: String, _ micros: [Int64], label: UInt8) throws -> String {
    var w = PcapNGWriter(sink: MemorySink())
    try w.writeSectionHeader()
    try w.writeInterfaceDescription(linkType: .ethernet, resolution: .nanoseconds)
    try w.writeInterfaceDescription(linkType: .raw)
    for (k, t) in micros.enumerated() {
      try w.writeEnhancedPacket(
        interfaceID: k % 2, timestamp: CaptureTimestamp(seconds: 1_700_000_000 + t / 1_000_000, nanoseconds: t % 1_000_000 * 1000),
        data: [label, UInt8(k)] + [UInt8](repeating: 0, count: 58)[...],
        options: k == 0 ? [PcapNGOption(code: .comment, value: Array("first".utf8)[...])] : [])
    }
    let path = dir.appendingPathComponent(name).path
    try Data(w.sink.bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// (label, index, nanoseconds) of every packet a merge delivers, and the merge itself.
  static func run(_ inputs: [MergeInput], _ options: MergeOptions = MergeOptions()) throws -> ([(UInt8, UInt8, Int128)], CaptureMerge) {
    var merge = CaptureMerge(inputs: inputs, options: options)
    var out: [(UInt8, UInt8, Int128)] = []
    while let r = try merge.next() {
      if case .packet(let p) = r.record { out.append((p.data.first!, p.data.dropFirst().first!, r.timestamp!.nanosecondsSinceEpoch)) }
    }
    return (out, merge)
  }
}

@Suite struct MergeTests {
  typealias M = MergeFixtures

  @Test("chronological order; ties keep input order; each input keeps its own order")
  func order() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 10, 20, 30], label: 0xA)
    let b = try M.pcapng(dir, "b.pcapng", [5, 10, 10, 40], label: 0xB)
    let (packets, merge) = try M.run([MergeInput(path: a), MergeInput(path: b)])
    #expect(packets.map { "\(String($0.0, radix: 16))\($0.1)" } == ["a0", "b0", "a1", "b1", "b2", "a2", "a3", "b3"])
    #expect(packets.map(\.2) == packets.map(\.2).sorted())
    #expect(merge.report.packets == [4, 4] && merge.report.disorderedPackets == [0, 0])
  }

  @Test("inputs are opened only when the timeline reaches them: 300 consecutive files, few open at once")
  func manyInputs() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    var inputs: [MergeInput] = []
    for k in 0..<300 {
      // File k covers [k*100, k*100+50] µs; listed in reverse so the order comes from the timestamps.
      inputs.insert(MergeInput(path: try M.pcap(dir, "f\(k).pcap", [Int64(k) * 100, Int64(k) * 100 + 50], label: UInt8(k % 256))), at: 0)
    }
    let (packets, merge) = try M.run(inputs)
    #expect(packets.count == 600)
    #expect(packets.map(\.2) == packets.map(\.2).sorted())
    #expect(merge.report.maxOpenInputs <= 2)
  }

  @Test("an input out of time order: detected; repaired within the reorder window, reported beyond it")
  func disorder() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 30, 10, 20, 40, 50], label: 0xA)  // 10 and 20 arrive after 30
    let b = try M.pcap(dir, "b.pcap", [15, 35], label: 0xB)
    let (plain, m1) = try M.run([MergeInput(path: a), MergeInput(path: b)])
    #expect(plain.count == 8)
    #expect(m1.report.disorderedPackets == [2, 0])
    #expect(m1.report.latePackets[0] > 0)
    var options = MergeOptions()
    options.reorderWindow = 4
    let (fixed, m2) = try M.run([MergeInput(path: a), MergeInput(path: b)], options)
    #expect(fixed.map(\.2) == fixed.map(\.2).sorted())
    #expect(fixed.count == 8)
    #expect(m2.report.latePackets == [0, 0] && m2.report.disorderedPackets == [2, 0])
  }

  @Test("time offsets shift an input exactly; concatenation keeps the input order")
  func offsetAndConcatenate() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 100], label: 0xA)
    let b = try M.pcap(dir, "b.pcap", [50, 150], label: 0xB)
    let (shifted, _) = try M.run([MergeInput(path: a), MergeInput(path: b, timeOffsetNanoseconds: -1_000_000_000)])
    #expect(shifted.map(\.0) == [0xB, 0xB, 0xA, 0xA])
    #expect(shifted[0].2 == Int128(1_699_999_999) * 1_000_000_000 + 50_000)
    var options = MergeOptions()
    options.concatenate = true
    let (concatenated, _) = try M.run([MergeInput(path: b), MergeInput(path: a)], options)
    #expect(concatenated.map(\.0) == [0xB, 0xB, 0xA, 0xA])
  }

  @Test("seconds parse exactly", arguments: [
    ("1", Int128(1_000_000_000)), ("-2.5", -2_500_000_000), ("+0.000000001", 1), (".5", 500_000_000), ("3.", 3_000_000_000),
  ])
  func seconds(_ text: String, _ ns: Int128) {
    #expect(MergeInput.parseSeconds(text) == ns)
  }

  @Test("bad seconds are refused", arguments: ["", "-", "1.2.3", "abc", "0.0000000001", "1e3", "."])
  func badSeconds(_ text: String) {
    #expect(MergeInput.parseSeconds(text) == nil)
  }

  @Test("MergeWriter: one output interface per input interface; identical ones merged on request; comments kept")
  func writerInterfaces() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcapng(dir, "a.pcapng", [0, 10, 20], label: 0xA)
    let b = try M.pcapng(dir, "b.pcapng", [5, 15], label: 0xB)
    let c = try M.pcap(dir, "c.pcap", [7], label: 0xC)
    for mergeIdentical in [false, true] {
      let inputs = [MergeInput(path: a), MergeInput(path: b), MergeInput(path: c)]
      var merge = CaptureMerge(inputs: inputs)
      let path = dir.appendingPathComponent("out-\(mergeIdentical).pcapng").path
      let sink = try FileSink(path: path)
      var writer = MergeWriter(sink: sink, format: .pcapng, inputs: inputs, mergeIdenticalInterfaces: mergeIdentical)
      while let r = try merge.next() { try writer.write(r) }
      try writer.finish()
      try sink.close()
      #expect(writer.interfacesWritten == (mergeIdentical ? 3 : 5))
      var reader = try CaptureReader(path: path)
      var seen: [(UInt8, LinkType, Int, [String])] = []
      while let p = try reader.nextPacket() { seen.append((p.data.first!, p.linkType, p.interfaceID, p.comments)) }
      #expect(seen.map(\.0) == [0xA, 0xB, 0xC, 0xA, 0xB, 0xA])
      #expect(seen.map(\.1) == [.ethernet, .ethernet, .ethernet, .raw, .raw, .ethernet])
      #expect(seen[0].3 == ["first"] && seen[1].3 == ["first"] && seen[2].3.isEmpty)
      if mergeIdentical { #expect(seen.map(\.2) == [0, 0, 2, 1, 1, 0]) } else { #expect(seen.map(\.2) == [0, 2, 4, 1, 3, 0]) }
    }
  }

  @Test("MergeWriter pcap output refuses a second link type")
  func pcapOutput() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 10], label: 0xA)
    let b = try M.pcap(dir, "b.pcap", [5], label: 0xB, linkType: .raw)
    let inputs = [MergeInput(path: a), MergeInput(path: b)]
    var merge = CaptureMerge(inputs: inputs)
    var writer = MergeWriter(sink: try FileSink(path: dir.appendingPathComponent("o.pcap").path), format: .pcap, inputs: inputs)
    let e = #expect(throws: CaptureError.self) {
      while let r = try merge.next() { try writer.write(r) }
    }
    #expect(e?.code == .incompatibleContent)
  }

  @Test("a damaged input is reported with its name")
  func damaged() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 10, 20], label: 0xA)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: a))
    let cut = dir.appendingPathComponent("cut.pcap").path
    try bytes.prefix(bytes.count - 5).write(to: URL(fileURLWithPath: cut))
    let e = #expect(throws: CaptureError.self) { _ = try M.run([MergeInput(path: a), MergeInput(path: cut)]) }
    #expect(e?.code == .truncated)
    #expect(e?.message.contains("cut.pcap") == true)
  }
}
