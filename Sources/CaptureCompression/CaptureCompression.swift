public import PcapKit

/// zstd and lz4 (frame format) compressed captures for PcapKit's readers, through the system's libzstd and liblz4.
///
/// Call ``registerDecompressors()`` once; from then on every ``CaptureReader`` (and ``LenientCaptureReader``)
/// recognises `28 B5 2F FD` (zstd) and `04 22 4D 18` (lz4 frame) at the start of its input and reads the capture
/// inside, streaming with bounded memory, as it reads gzip. A separate library so that programs not needing these
/// formats link neither C library.
public enum CaptureCompression {
  /// The zstd decompressor.
  public static let zstd = InputDecompressor(name: "zstd", magic: [0x28, 0xB5, 0x2F, 0xFD]) { inner, prefix throws(CaptureError) in
    DecompressingSource(codec: try ZstdCodec(), wrapping: inner, prefix: prefix)
  }

  /// The lz4 frame-format decompressor.
  public static let lz4 = InputDecompressor(name: "lz4", magic: [0x04, 0x22, 0x4D, 0x18]) { inner, prefix throws(CaptureError) in
    DecompressingSource(codec: try Lz4Codec(), wrapping: inner, prefix: prefix)
  }

  /// Registers ``zstd`` and ``lz4`` with ``InputDecompressor/register(_:)``.
  public static func registerDecompressors() {
    InputDecompressor.register(zstd)
    InputDecompressor.register(lz4)
  }
}
