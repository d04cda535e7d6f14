import Foundation
import Synchronization
import Testing
@testable import PcapKit

/// The hooks a progress display uses: ``ReaderOptions/packetTally`` and ``MergeOptions/openSource``.
@Suite struct ProgressHookTests {
  typealias M = MergeFixtures

  @Test("a packet tally counts every packet a reader delivers, pcap and pcapng, through every reading call")
  func tally() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pcap = try M.pcap(dir, "a.pcap", [0, 1, 2, 3, 4], label: 1)
    let pcapng = try M.pcapng(dir, "b.pcapng", [0, 1, 2], label: 2)
    let tally = PacketTally()
    var options = ReaderOptions()
    options.packetTally = tally
    var reader = try CaptureReader(path: pcap, options: options)
    while try reader.nextPacket() != nil {}
    #expect(tally.count == 5)
    reader = try CaptureReader(path: pcapng, options: options)
    var records = 0
    while try reader.next() != nil { records += 1 }
    #expect(tally.count == 8 && records > 3, "section and interface blocks are not packets")
    reader = try CaptureReader(path: pcap)
    while try reader.nextPacket() != nil {}
    #expect(tally.count == 8, "a reader without a tally counts nothing")
  }

  @Test("a merge opens its inputs through openSource and counts each packet once into the readers' tally")
  func mergeHooks() throws {
    let dir = try M.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = try M.pcap(dir, "a.pcap", [0, 10, 20], label: 0xA)
    let b = try M.pcapng(dir, "b.pcapng", [5, 15], label: 0xB)
    for concatenate in [false, true] {
      let opened = Mutex<[String]>([])
      var options = MergeOptions()
      options.concatenate = concatenate
      let tally = PacketTally()
      options.readerOptions.packetTally = tally
      options.openSource = { path throws(CaptureError) in
        opened.withLock { $0.append(path) }
        return path == b ? nil : try FileSource(path: path)
      }
      let (packets, merge) = try M.run([MergeInput(path: a), MergeInput(path: b)], options)
      #expect(packets.map(\.0) == (concatenate ? [0xA, 0xA, 0xA, 0xB, 0xB] : [0xA, 0xB, 0xA, 0xB, 0xA]))
      #expect(tally.count == 5 && merge.report.totalPackets == 5)
      #expect(opened.withLock { $0 } == [a, b], "each input opened once for reading (the first pass is not counted)")
    }
  }
}
