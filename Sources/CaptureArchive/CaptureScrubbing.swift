import PcapKit
import _CaptureInternals

/// Produces the `--scrub-metadata` form of a whole capture file: ``MetadataScrubber`` for pcapng, and for gzip
/// files a fresh gzip member whose header carries no original file name, comment or time.
enum CaptureScrubbing {
  /// Writes the scrubbed form of the file at `path` (of `kind`; the output has the same kind) into `sink`.
  ///
  /// - Returns: what was removed; an empty report means the file has nothing to scrub (classic pcap, or a
  ///   gzip-compressed pcap whose header is already bare), and then the bytes written must not be used.
  static func scrub(fileAt path: String, kind: CaptureFileKind, into sink: inout some ByteSink) throws(CaptureError)
    -> ScrubReport
  {
    switch kind {
    case .pcapng:
      var reader = try CaptureReader(path: path)
      return try MetadataScrubber.scrub(&reader, into: &sink)
    case .pcapngGzip:
      let header = try gzipHeaderFields(path)
      guard var gzip = GzipSink(wrapping: sink) else {
        throw CaptureError(.ioError, offset: nil, "gzip compression could not start")
      }
      var reader = try CaptureReader(path: path)
      var report = try MetadataScrubber.scrub(&reader, into: &gzip)
      try gzip.finish()
      sink = gzip.inner
      report.removedGzipFields = header.fields
      report.removedText += header.text
      return report
    case .pcapGzip:
      let header = try gzipHeaderFields(path)
      var report = ScrubReport()
      guard !header.fields.isEmpty else { return report }
      guard var gzip = GzipSink(wrapping: sink) else {
        throw CaptureError(.ioError, offset: nil, "gzip compression could not start")
      }
      let source = try GzipSource(wrapping: try FileSource(path: path))
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = try source.read(into: &buffer, at: 0, count: buffer.count)
        if n == 0 { break }
        try gzip.write(buffer[0..<n])
      }
      try gzip.finish()
      sink = gzip.inner
      report.removedGzipFields = header.fields
      report.removedText = header.text
      return report
    case .pcapngZstd, .pcapngLz4:
      // There is no encoder for these here: refuse rather than keep the metadata the user asked to remove.
      throw CaptureError(.invalidArgument, offset: nil,
                         "metadata cannot be scrubbed inside a \(kind) file: decompress it first")
    default:
      return ScrubReport()
    }
  }

  /// The descriptive fields of the first gzip member's header (RFC 1952 §2.3): name, comment, time, extra field.
  static func gzipHeaderFields(_ path: String) throws(CaptureError) -> (fields: [String], text: [String]) {
    let source = try FileSource(path: path)
    var head = [UInt8](repeating: 0, count: 1 << 16)
    var filled = 0
    while filled < head.count {
      let n = try source.read(into: &head, at: filled, count: head.count - filled)
      if n == 0 { break }
      filled += n
    }
    let b = head[0..<filled]
    guard b.count >= 10, b[0] == 0x1F, b[1] == 0x8B else { return ([], []) }
    let flags = b[3]
    var fields: [String] = []
    var text: [String] = []
    if b[4] != 0 || b[5] != 0 || b[6] != 0 || b[7] != 0 { fields.append("gzip time") }
    var i = 10
    if flags & 0x04 != 0, i + 2 <= b.count {
      fields.append("gzip extra field")
      i += 2 + Int(b[i]) + Int(b[i + 1]) << 8
    }
    for (bit, name) in [(UInt8(0x08), "gzip file name"), (0x10, "gzip comment")] where flags & bit != 0 {
      fields.append(name)
      guard i < b.count else { break }
      let end = b[i...].firstIndex(of: 0) ?? b.endIndex
      text.append(String(decoding: b[i..<end].prefix(256), as: UTF8.self))
      i = end + 1
    }
    return (fields, text)
  }
}
