import Foundation
import Testing

@testable import PcapKit

/// The result of reading everything: records until the end or the first error.
struct ReadResult {
  var records: [CaptureRecord] = []
  var error: CaptureError?
  var warnings: [CaptureError] = []
  var packets: [Packet] { records.compactMap { if case .packet(let p) = $0 { p } else { nil } } }
  var blockNames: [String] { records.map { $0.raw.type.description } }
}

/// Reads `bytes` to the end (or the first error), with small chunks to exercise refilling when asked.
func readAll(_ bytes: [UInt8], maxReadSize: Int = 0, options: ReaderOptions = .init()) -> ReadResult {
  var result = ReadResult()
  do {
    var reader = try CaptureReader(source: MemorySource(bytes, maxReadSize: maxReadSize), options: options)
    while let r = try reader.next() { result.records.append(r) }
    result.warnings = reader.warnings
  } catch {
    result.error = error
  }
  return result
}

/// Reads a file to the end (or the first error).
func readAll(path: String) -> ReadResult {
  var result = ReadResult()
  do {
    var reader = try CaptureReader(path: path)
    while let r = try reader.next() { result.records.append(r) }
    result.warnings = reader.warnings
  } catch {
    result.error = error
  }
  return result
}

/// The bytes of a file (decompressed through PcapKit's gzip source when it starts with the gzip magic).
func fileBytes(_ url: URL) throws -> [UInt8] {
  let raw = [UInt8](try Data(contentsOf: url))
  guard CaptureFormat.isGzip(raw) else { return raw }
  let gz = try GzipSource(wrapping: MemorySource(raw))
  var out: [UInt8] = []
  var buf = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = try gz.read(into: &buf, at: 0, count: buf.count)
    if n == 0 { break }
    out += buf[0..<n]
  }
  return out
}

/// Hand-builds pcapng blocks in either byte order.
struct NG {
  var order: ByteOrder = .little

  func u16(_ v: UInt16) -> [UInt8] {
    order == .little ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)]
  }
  func u32(_ v: UInt32) -> [UInt8] {
    let b = [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    return order == .little ? b.reversed() : b
  }
  func u64(_ v: UInt64) -> [UInt8] {
    order == .little ? u32(UInt32(v & 0xFFFF_FFFF)) + u32(UInt32(v >> 32)) : u32(UInt32(v >> 32)) + u32(UInt32(v & 0xFFFF_FFFF))
  }
  func padded(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }

  /// One option TLV (padded).
  func opt(_ code: UInt16, _ value: [UInt8]) -> [UInt8] { u16(code) + u16(UInt16(value.count)) + padded(value) }
  /// `opt_endofopt`.
  var end: [UInt8] { [0, 0, 0, 0] }

  /// A block with a correct (or overridden) length and trailer.
  func block(_ type: UInt32, _ body: [UInt8], length: UInt32? = nil, trailer: UInt32? = nil) -> [UInt8] {
    let len = length ?? UInt32(12 + body.count)
    return u32(type) + u32(len) + body + u32(trailer ?? len)
  }

  func shb(_ options: [UInt8] = [], major: UInt16 = 1, minor: UInt16 = 0) -> [UInt8] {
    block(0x0A0D_0D0A, u32(0x1A2B_3C4D) + u16(major) + u16(minor) + u64(UInt64.max) + options)
  }
  func idb(link: UInt16 = 1, snap: UInt32 = 0, _ options: [UInt8] = []) -> [UInt8] {
    block(1, u16(link) + u16(0) + u32(snap) + options)
  }
  func epb(iface: UInt32 = 0, ts: UInt64 = 0, _ data: [UInt8], orig: UInt32? = nil, caplen: UInt32? = nil,
           _ options: [UInt8] = []) -> [UInt8] {
    block(6, u32(iface) + u32(UInt32(ts >> 32)) + u32(UInt32(ts & 0xFFFF_FFFF)) + u32(caplen ?? UInt32(data.count))
            + u32(orig ?? UInt32(data.count)) + padded(data) + options)
  }
  func spb(orig: UInt32, _ data: [UInt8]) -> [UInt8] { block(3, u32(orig) + padded(data)) }
}

/// Hand-builds classic pcap.
struct PcapBytes {
  var order: ByteOrder = .little
  var ng: NG { NG(order: order) }
  func header(magic: UInt32 = 0xA1B2_C3D4, major: UInt16 = 2, snap: UInt32 = 65535, linkWord: UInt32 = 1) -> [UInt8] {
    ng.u32(magic) + ng.u16(major) + ng.u16(4) + ng.u32(0) + ng.u32(0) + ng.u32(snap) + ng.u32(linkWord)
  }
  func record(sec: UInt32, frac: UInt32, _ data: [UInt8], orig: UInt32? = nil, caplen: UInt32? = nil) -> [UInt8] {
    ng.u32(sec) + ng.u32(frac) + ng.u32(caplen ?? UInt32(data.count)) + ng.u32(orig ?? UInt32(data.count)) + data
  }
}
