import Foundation
import Testing

@testable import PcapKit

/// A byte source over memory that counts what it hands out, so tests can assert every byte is read once.
final class CountingSource: ByteSource {
  let bytes: [UInt8]
  var position = 0
  var calls = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }
  func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    calls += 1
    let n = min(count, bytes.count - position)
    if n > 0 { buffer.replaceSubrange(index..<(index + n), with: bytes[position..<(position + n)]) }
    position += n
    return n
  }
}

/// Linear work and bounded buffers on adversarial inputs, measured by counting (records, scan steps, bytes read,
/// buffer size), never by wall time.
@Suite("Hostile work bounds")
struct HostileWorkTests {
  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
  static let shb: [UInt8] = [0x0A, 0x0D, 0x0D, 0x0A] + le32(28) + le32(0x1A2B_3C4D) + [1, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8) + le32(28)
  static let idb: [UInt8] = le32(1) + le32(20) + [1, 0, 0, 0] + le32(0) + le32(20)
  static let pcapHeader: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
  static let size = 256 << 10

  @Test("strict reader: a 4 GiB claim grows no buffer beyond the bytes present")
  func claimAllocatesNothing() throws {
    for claim: UInt32 in [0xFFFF_FFFC, 0x7FFF_FFFC, 16 << 20] {
      let bytes = Self.shb + Self.idb + Self.le32(6) + Self.le32(claim) + [UInt8](repeating: 0, count: 64)
      var options = ReaderOptions()
      options.maxBlockSize = Int(UInt32.max)  // even with the cap lifted, nothing is allocated for bytes that never arrive
      var reader = try CaptureReader(source: CountingSource(bytes), options: options)
      var failure: CaptureError?
      do {
        while try reader.next() != nil {}
      } catch {
        failure = error
      }
      #expect(failure?.code == .truncated)
      #expect(reader.buf.count <= 4 * bytes.count + options.chunkSize, "buffer grew to \(reader.buf.count) for a claim of \(claim)")
      #expect(reader.buf.count < 64 << 20)
    }
  }

  @Test("strict reader: 256 KiB of minimal blocks is one pass, one record per 12 bytes")
  func minimalBlocks() throws {
    var bytes = Self.shb
    let block = Self.le32(0x0BAD_F00D) + Self.le32(12) + Self.le32(12)
    while bytes.count + 12 <= Self.size { bytes += block }
    let source = CountingSource(bytes)
    var reader = try CaptureReader(source: source)
    var records = 0
    while try reader.next() != nil { records += 1 }
    #expect(records == 1 + (bytes.count - 28) / 12)
    #expect(source.position == bytes.count)
    #expect(source.calls <= bytes.count / reader.options.chunkSize + 24)  // the buffer starts small and doubles
  }

  @Test("lenient reader: garbage, zeros and near-miss headers cost at most two scan steps per byte")
  func lenientScanIsLinear() throws {
    var rng = SeededRandom(seed: 7)
    let garbage = (0..<Self.size).map { _ in UInt8.random(in: 0...255, using: &rng) }
    // Near misses: every 16 bytes a pcap header that fits the last good record but whose successor does not.
    var nearMiss: [UInt8] = []
    while nearMiss.count < Self.size { nearMiss += Self.le32(1_700_000_000) + Self.le32(0) + Self.le32(8) + Self.le32(8) }
    let good = Self.le32(1_700_000_000) + Self.le32(0) + Self.le32(4) + Self.le32(4) + [1, 2, 3, 4]
    let cases: [(String, [UInt8])] = [
      ("pcap + garbage", Self.pcapHeader + good + garbage),
      ("pcap + near misses", Self.pcapHeader + good + [0xFF] + nearMiss),
      ("pcap + zeros", Self.pcapHeader + good + [UInt8](repeating: 0, count: Self.size)),
      ("pcapng + garbage", Self.shb + Self.idb + garbage),
      ("pcapng + zeros", Self.shb + Self.idb + [UInt8](repeating: 0, count: Self.size)),
    ]
    for (name, bytes) in cases {
      var options = ReaderOptions()
      options.chunkSize = 1 << 16
      let source = CountingSource(bytes)
      var reader = try LenientCaptureReader(source: source, options: options)
      var records = 0
      while try reader.next() != nil { records += 1 }
      #expect(reader.scanSteps <= 2 * bytes.count, "\(name): \(reader.scanSteps) scan steps for \(bytes.count) bytes")
      #expect(source.position == bytes.count, "\(name): read \(source.position) of \(bytes.count) bytes")
      #expect(reader.reader.buf.count <= 2 * (options.maxBlockSize + 64) + options.chunkSize, "\(name): buffer \(reader.reader.buf.count)")
      #expect(records <= bytes.count / 12 + 2, "\(name)")
    }
  }

  @Test("lenient reader: blocks with intact framing but bad content are skipped whole, without scanning")
  func intactFramingSkipsExactly() throws {
    // EPBs naming interface 5 (there is only one): each is reported and skipped as one region.
    var bytes = Self.shb + Self.idb
    let bad = Self.le32(6) + Self.le32(36) + Self.le32(5) + Self.le32(0) + Self.le32(0) + Self.le32(4) + Self.le32(4) + [1, 2, 3, 4] + Self.le32(36)
    for _ in 0..<1000 { bytes += bad }
    var reader = try LenientCaptureReader(bytes: bytes)
    while try reader.next() != nil {}
    #expect(reader.scanSteps == 0)
    #expect(reader.damageCount == 1000)
    #expect(reader.damage.allSatisfy { $0.length == 36 && $0.reason.code == .unknownInterface })
  }
}
