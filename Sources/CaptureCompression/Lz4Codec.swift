// The LZ4 frame decoder over liblz4 (Debian liblz4-dev). Unsafe code is confined to this file.
internal import CLz4
import PcapKit

@safe final class Lz4Codec: DecompressionCodec {
  static let name = "lz4"
  let context: OpaquePointer

  init() throws(CaptureError) {
    var ctx: OpaquePointer?
    let rc = unsafe LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
    guard LZ4F_isError(rc) == 0, let ctx = unsafe ctx else {
      throw CaptureError(.badCompressedData, offset: nil, "lz4 initialisation failed")
    }
    unsafe context = ctx
  }

  deinit { _ = unsafe LZ4F_freeDecompressionContext(context) }

  func step(input: [UInt8], _ inputStart: Int, _ inputEnd: Int, output: inout [UInt8], _ outputStart: Int,
            _ outputCount: Int) throws(CaptureError) -> (consumed: Int, produced: Int, frameEnded: Bool) {
    precondition(inputStart >= 0 && inputStart <= inputEnd && inputEnd <= input.count)
    precondition(outputStart >= 0 && outputCount >= 0 && outputStart + outputCount <= output.count)
    let result: (Int, Int, Int) = unsafe input.withUnsafeBytes { inRaw in
      unsafe output.withUnsafeMutableBytes { outRaw in
        var srcSize = inputEnd - inputStart
        var dstSize = outputCount
        let rc = unsafe LZ4F_decompress(
          context, outRaw.baseAddress.map { unsafe $0 + outputStart }, &dstSize,
          inRaw.baseAddress.map { unsafe $0 + inputStart }, &srcSize, nil)
        return (rc, srcSize, dstSize)
      }
    }
    let (rc, consumed, produced) = result
    if LZ4F_isError(rc) != 0 {
      throw CaptureError(.badCompressedData, offset: nil, unsafe String(cString: LZ4F_getErrorName(rc)))
    }
    return (consumed, produced, rc == 0)
  }
}
