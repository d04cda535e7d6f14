// Writes a synthetic capture (the benchmark inputs, at any size) to a file, streaming:
//   bench-gen --format pcap|pcapng --packets N [--seed S] [--split K] [--mstp] --out FILE
// With --split K, FILE "x.pcapng" becomes x-0.pcapng … x-(K-1).pcapng (packets interleaved in time).
// compare.sh uses it when ../shared/tools/gen_capture.py is not available.
import BenchmarkInputs

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

var format = SyntheticFormat.pcap
var packets = 1000
var seed: UInt64 = 1
var split = 1
var out: String?
var mstp = false
var args = CommandLine.arguments.dropFirst().makeIterator()
/// Writes `text` to standard error.
func complain(_ text: String) {
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
func usage() -> Never {
  complain("usage: bench-gen --format pcap|pcapng --packets N [--seed S] [--split K] [--mstp] --out FILE\n")
  exit(64)
}
/// The argument after an option, converted, or a usage error.
@MainActor func value<T>(_ convert: (String) -> T?) -> T {
  guard let text = args.next(), let v = convert(text) else { usage() }
  return v
}
while let a = args.next() {
  switch a {
  case "--format": format = value(SyntheticFormat.init(rawValue:))
  case "--packets": packets = value { Int($0) }
  case "--seed": seed = value { UInt64($0) }
  case "--split": split = value { Int($0) }
  case "--out": out = value { $0 }
  case "--mstp": mstp = true
  default: usage()
  }
}
guard let out, packets >= 0, split >= 1 else { usage() }

func open(_ path: String) -> UnsafeMutablePointer<FILE> {
  guard let f = fopen(path, "wb") else {
    complain("bench-gen: cannot create \(path)\n")
    exit(73)
  }
  return f
}
func put(_ bytes: inout [UInt8], _ f: UnsafeMutablePointer<FILE>) {
  let n = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
  if n != bytes.count {
    complain("bench-gen: write failed\n")
    exit(73)
  }
  bytes.removeAll(keepingCapacity: true)
}

if mstp {
  var bytes = SyntheticMSTP.capture(frames: packets, seed: seed)
  let f = open(out)
  put(&bytes, f)
  fclose(f)
} else if split == 1 {
  var g = SyntheticCapture(format: format, seed: seed)
  let f = open(out)
  var buffer = g.header()
  for _ in 0..<packets {
    g.appendNext(to: &buffer)
    if buffer.count >= 1 << 20 { put(&buffer, f) }
  }
  put(&buffer, f)
  fclose(f)
} else {
  var g = SyntheticCapture(format: format, seed: seed)
  var pick = SplitMix64(seed: seed ^ 0x5B11)
  let dot = out.lastIndex(of: ".") ?? out.endIndex
  let files = (0..<split).map { open("\(out[..<dot])-\($0)\(out[dot...])") }
  var buffers = [[UInt8]](repeating: g.header(), count: split)
  for _ in 0..<packets {
    let (frame, t) = g.nextFrame()
    let k = pick.below(split)
    g.appendRecord(frame, micros: t, to: &buffers[k])
    if buffers[k].count >= 1 << 20 { put(&buffers[k], files[k]) }
  }
  for k in 0..<split {
    put(&buffers[k], files[k])
    fclose(files[k])
  }
}
