import PcapKit

/// A ``ByteSink`` over a `FileSink` that counts the bytes written (the spool's size rotation and disk guard).
struct CountingSink: ByteSink {
  let file: FileSink
  var count: Int64 = 0

  mutating func write(_ bytes: ArraySlice<UInt8>) throws(CaptureError) {
    try file.write(bytes)
    count += Int64(bytes.count)
  }
}
