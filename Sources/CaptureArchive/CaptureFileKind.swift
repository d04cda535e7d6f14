import PcapKit
import _CaptureInternals

/// The container format of a capture file, decided from its first bytes (never from its name).
///
/// Classic pcap is recognised by its four magic numbers in either byte order (microsecond, nanosecond, and the
/// "modified" Kuznetzov variant) with major version 2; pcapng by a Section Header Block whose byte-order magic
/// is `0x1A2B3C4D` in either order. A gzip member (`1F 8B 08`) is inflated just far enough to classify what it holds;
/// so is a zstd or lz4 frame when its `InputDecompressor` is registered (as the `CaptureCompression` library does).
public struct CaptureFileKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The kind's file-name extension without the leading dot, e.g. `pcapng.gz`.
  public var rawValue: String
  /// Creates a kind from its extension.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Classic libpcap format.
  public static let pcap = CaptureFileKind(rawValue: "pcap")
  /// pcapng.
  public static let pcapng = CaptureFileKind(rawValue: "pcapng")
  /// Classic pcap inside gzip.
  public static let pcapGzip = CaptureFileKind(rawValue: "pcap.gz")
  /// pcapng inside gzip.
  public static let pcapngGzip = CaptureFileKind(rawValue: "pcapng.gz")

  /// Classic pcap inside zstd.
  public static let pcapZstd = CaptureFileKind(rawValue: "pcap.zst")
  /// pcapng inside zstd.
  public static let pcapngZstd = CaptureFileKind(rawValue: "pcapng.zst")
  /// Classic pcap inside lz4 (frame format).
  public static let pcapLz4 = CaptureFileKind(rawValue: "pcap.lz4")
  /// pcapng inside lz4 (frame format).
  public static let pcapngLz4 = CaptureFileKind(rawValue: "pcapng.lz4")

  /// The file-name extension with its leading dot, e.g. `.pcapng.gz`.
  public var fileExtension: String { "." + rawValue }
  /// True for the gzip-wrapped kinds.
  public var isGzip: Bool { rawValue.hasSuffix(".gz") }
  /// True for the compressed kinds (gzip, zstd, lz4).
  public var isCompressed: Bool { !rawValue.hasSuffix("pcap") && !rawValue.hasSuffix("pcapng") }
  /// True for pcapng, compressed or not.
  public var isPcapng: Bool { rawValue.hasPrefix("pcapng") }

  /// The kind of a `plain` capture (``pcap`` or ``pcapng``) inside the compression an `InputDecompressor` names.
  static func compressed(_ plain: CaptureFileKind, by compression: String) -> CaptureFileKind {
    let suffix = ["gzip": "gz", "zstd": "zst"][compression] ?? compression
    return CaptureFileKind(rawValue: plain.rawValue + "." + suffix)
  }
  /// The extension, e.g. `pcapng.gz`.
  public var description: String { rawValue }

  /// How many leading bytes ``classify(prefix:)`` looks at in an uncompressed capture.
  public static let prefixLength = 28

  /// Classifies uncompressed bytes (the start of a file, or of a gzip member's content).
  ///
  /// - Parameter prefix: at least the first ``prefixLength`` bytes of the content, or all of it if shorter.
  /// - Returns: ``pcap`` or ``pcapng``, or nil when the bytes are neither.
  public static func classify(prefix: ArraySlice<UInt8>) -> CaptureFileKind? {
    let b = Array(prefix.prefix(prefixLength))
    func u32(_ i: Int, little: Bool) -> UInt32 {
      let v = UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
      return little ? v : v.byteSwapped
    }
    func u16(_ i: Int, little: Bool) -> UInt16 {
      let v = UInt16(b[i]) | UInt16(b[i + 1]) << 8
      return little ? v : v.byteSwapped
    }
    guard b.count >= 12 else { return nil }
    // pcapng: SHB type 0x0A0D0D0A (palindromic), block length, byte-order magic.
    if b[0] == 0x0A, b[1] == 0x0D, b[2] == 0x0D, b[3] == 0x0A {
      for little in [true, false] where u32(8, little: little) == 0x1A2B_3C4D {
        let length = u32(4, little: little)
        guard length >= 28, length % 4 == 0, b.count >= 12 + 2 else { return nil }
        return u16(12, little: little) == 1 ? .pcapng : nil
      }
      return nil
    }
    // Classic pcap: 24-byte header, magic then major version 2.
    guard b.count >= 24 else { return nil }
    let magics: Set<UInt32> = [0xA1B2_C3D4, 0xA1B2_3C4D, 0xA1B2_CD34]
    for little in [true, false] where magics.contains(u32(0, little: little)) {
      return u16(4, little: little) == 2 ? .pcap : nil
    }
    return nil
  }

  /// True when `prefix` starts a gzip member with the deflate method (`1F 8B 08`).
  public static func isGzipMember(_ prefix: ArraySlice<UInt8>) -> Bool {
    prefix.count >= 3 && prefix[prefix.startIndex] == 0x1F && prefix[prefix.startIndex + 1] == 0x8B
      && prefix[prefix.startIndex + 2] == 0x08
  }
}

/// Decides what kind of capture a whole file is by reading only its first bytes.
public struct CaptureSniffer: Sendable {
  /// The file system to read through.
  public var fileSystem: any ArchiveFileSystem
  /// At most this many compressed bytes are fed to zlib to reach the start of a gzip member's content (a gzip
  /// header may carry an arbitrarily long name or comment before the data).
  public var gzipInputLimit: Int

  /// Creates a sniffer.
  public init(fileSystem: any ArchiveFileSystem = PosixFileSystem(), gzipInputLimit: Int = 1 << 20) {
    self.fileSystem = fileSystem
    self.gzipInputLimit = gzipInputLimit
  }

  /// The kind of the file at `path`, or nil when it is not a capture.
  ///
  /// - Throws: ``ArchiveError`` when the file cannot be opened or read.
  public func kind(ofFileAt path: String) throws(ArchiveError) -> CaptureFileKind? {
    let file = try fileSystem.openForReading(path)
    defer { fileSystem.closeQuietly(file) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    var head: [UInt8] = []
    // Fill at least enough for the uncompressed magic (reads may return short counts).
    while head.count < CaptureFileKind.prefixLength {
      let n = try fileSystem.read(file, into: &buffer)
      if n == 0 { break }
      head += buffer[0..<n]
    }
    if let decompressor = InputDecompressor.matching(head[...]) {
      return try decompressedKind(file, head, decompressor)
    }
    guard CaptureFileKind.isGzipMember(head[...]) else { return CaptureFileKind.classify(prefix: head[...]) }
    var inflater = GzipPrefixInflater(wanted: CaptureFileKind.prefixLength)
    var fed = 0
    var chunk = head[...]
    while true {
      fed += chunk.count
      let state = inflater.feed(chunk)
      if state != .needInput { break }
      if fed >= gzipInputLimit { break }
      let n = try fileSystem.read(file, into: &buffer)
      if n == 0 { break }
      chunk = buffer[0..<n]
    }
    switch CaptureFileKind.classify(prefix: inflater.output[...]) {
    case CaptureFileKind.pcap?: return .pcapGzip
    case CaptureFileKind.pcapng?: return .pcapngGzip
    default: return nil
    }
  }

  /// The kind of a file compressed with a registered decompressor: the first ``CaptureFileKind/prefixLength``
  /// decompressed bytes are classified, reading at most ``gzipInputLimit`` compressed bytes. Damaged compressed
  /// data means not a capture.
  func decompressedKind(_ file: OpenFile, _ head: [UInt8], _ decompressor: InputDecompressor) throws(ArchiveError)
    -> CaptureFileKind?
  {
    let rest = LimitedFileSource(fileSystem: fileSystem, file: file, remaining: max(0, gzipInputLimit - head.count))
    var content: [UInt8] = []
    do {
      var source = try decompressor.make(rest, head)
      var buffer = [UInt8](repeating: 0, count: CaptureFileKind.prefixLength)
      while content.count < CaptureFileKind.prefixLength {
        let n = try source.read(into: &buffer, at: 0, count: CaptureFileKind.prefixLength - content.count)
        if n == 0 { break }
        content += buffer[0..<n]
      }
    } catch {
      if let failure = rest.failure { throw failure }
      return nil
    }
    return CaptureFileKind.classify(prefix: content[...]).map { CaptureFileKind.compressed($0, by: decompressor.name) }
  }
}

/// The rest of an open file as a ``ByteSource`` for a decompressor, ending after `remaining` bytes (a class, so
/// the sniffer sees a read failure the decompressor wrapped).
private final class LimitedFileSource: ByteSource {
  let fileSystem: any ArchiveFileSystem
  let file: OpenFile
  var remaining: Int
  /// The read failure, kept to be reported as such rather than as damaged data.
  var failure: ArchiveError?

  init(fileSystem: any ArchiveFileSystem, file: OpenFile, remaining: Int) {
    self.fileSystem = fileSystem
    self.file = file
    self.remaining = remaining
  }

  func read(into buffer: inout [UInt8], at index: Int, count: Int) throws(CaptureError) -> Int {
    guard remaining > 0 else { return 0 }
    var chunk = [UInt8](repeating: 0, count: min(count, remaining, 1 << 16))
    do {
      let n = try fileSystem.read(file, into: &chunk)
      buffer.replaceSubrange(index..<(index + n), with: chunk[0..<n])
      remaining -= n
      return n
    } catch {
      failure = error
      throw CaptureError(.ioError, offset: nil, error.description)
    }
  }
}
