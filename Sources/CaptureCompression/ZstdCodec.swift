// The zstd streaming decoder over libzstd (Debian libzstd-dev). Unsafe code is confined to this file.
internal import CZstd
import PcapKit

@safe final class ZstdCodec: DecompressionCodec {
  static let name = "zstd"
  let stream: OpaquePointer

  init() throws(CaptureError) {
    guard let s = unsafe ZSTD_createDStream() else {
      throw CaptureError(.badCompressedData, offset: nil, "zstd initialisation failed")
    }
    unsafe stream = s
    // Frames may ask for a window of up to 128 MiB (zstd's default limit); larger ones are refused, bounding memory.
    _ = unsafe ZSTD_DCtx_setParameter(s, ZSTD_d_windowLogMax, 27)
  }

  deinit { _ = unsafe ZSTD_freeDStream(stream) }

  func step(input: [UInt8], _ inputStart: Int, _ inputEnd: Int, output: inout [UInt8], _ outputStart: Int,
            _ outputCount: Int) throws(CaptureError) -> (consumed: Int, produced: Int, frameEnded: Bool) {
    precondition(inputStart >= 0 && inputStart <= inputEnd && inputEnd <= input.count)
    precondition(outputStart >= 0 && outputCount >= 0 && outputStart + outputCount <= output.count)
    let result: (Int, Int, Int) = unsafe input.withUnsafeBytes { inRaw in
      unsafe output.withUnsafeMutableBytes { outRaw in
        var inBuf = unsafe ZSTD_inBuffer(
          src: inRaw.baseAddress.map { unsafe $0 + inputStart }, size: inputEnd - inputStart, pos: 0)
        var outBuf = unsafe ZSTD_outBuffer(dst: outRaw.baseAddress.map { unsafe $0 + outputStart }, size: outputCount, pos: 0)
        let rc = unsafe ZSTD_decompressStream(stream, &outBuf, &inBuf)
        return unsafe (rc, inBuf.pos, outBuf.pos)
      }
    }
    let (rc, consumed, produced) = result
    if ZSTD_isError(rc) != 0 {
      throw CaptureError(.badCompressedData, offset: nil, unsafe String(cString: ZSTD_getErrorName(rc)))
    }
    return (consumed, produced, rc == 0)
  }
}
