internal import Synchronization

/// A decompressor a ``CaptureReader`` puts in front of its input when the input starts with the decompressor's
/// magic number, the way it does for gzip.
///
/// PcapKit itself knows gzip only (it depends on the toolchain and zlib alone). Other formats plug in here: the
/// `CaptureCompression` library registers zstd and lz4 (``register(_:)``), after which every reader — files,
/// pipes, the lenient reader of `repair` — reads `.pcap.zst` and `.pcapng.lz4` like plain captures. An input
/// whose magic names a known compression nobody registered is refused with a message saying so.
public struct InputDecompressor: Sendable {
  /// The format's name, e.g. `"zstd"`.
  public var name: String
  /// The bytes every compressed input starts with.
  public var magic: [UInt8]
  /// Makes the decompressing source: `inner` is the compressed input, `prefix` the bytes already read from it
  /// (starting with ``magic``), to be decompressed first.
  public var make: @Sendable (_ inner: any ByteSource, _ prefix: [UInt8]) throws(CaptureError) -> any ByteSource

  /// Creates a decompressor description.
  public init(
    name: String, magic: [UInt8],
    make: @escaping @Sendable (_ inner: any ByteSource, _ prefix: [UInt8]) throws(CaptureError) -> any ByteSource
  ) {
    self.name = name
    self.magic = magic
    self.make = make
  }

  private static let table = Mutex<[InputDecompressor]>([])

  /// Makes `decompressor` available to every reader created afterwards (a second one for the same magic replaces
  /// the first).
  public static func register(_ decompressor: InputDecompressor) {
    table.withLock { list in
      list.removeAll { $0.magic == decompressor.magic }
      list.append(decompressor)
    }
  }

  /// Compressions recognised by their magic even when not registered: (name, magic).
  static let known: [(name: String, magic: [UInt8])] = [
    ("zstd", [0x28, 0xB5, 0x2F, 0xFD]), ("lz4", [0x04, 0x22, 0x4D, 0x18]),
  ]

  /// The registered decompressor whose magic starts `prefix` (nil when none is registered for it).
  public static func matching(_ prefix: ArraySlice<UInt8>) -> InputDecompressor? {
    table.withLock { list in list.first { prefix.starts(with: $0.magic) } }
  }

  /// The name of a known compression whose magic starts `prefix` (registered or not).
  static func knownName(_ prefix: ArraySlice<UInt8>) -> String? {
    known.first { prefix.starts(with: $0.magic) }?.name
  }
}
