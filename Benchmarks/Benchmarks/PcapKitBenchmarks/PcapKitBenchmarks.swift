// Capture reading, packet views, link-layer walk, filter and merge.
//
// Every benchmark's iteration processes a whole synthetic capture of `BenchmarkMode.packets` packets (30% BACnet/IP,
// the rest noise), so `mallocCountTotal` per iteration divided by the packet count is the allocations per packet:
// the hot loops must stay at a small constant per capture (reader buffers, writer buffers), never one per packet.
import Benchmark
import BenchmarkInputs
import PcapKit

/// Inputs, built once per process.
struct Inputs: Sendable {
  let directory = TemporaryDirectory()
  let pcap: [UInt8]
  let pcapng: [UInt8]
  let pcapPath: String
  let pcapngPath: String
  let pcapGzipPath: String
  let pcapngGzipPath: String
  let splitPaths: [String]
  /// Every frame of `pcap`, as views into one array.
  let frames: [ArraySlice<UInt8>]

  init() {
    let n = BenchmarkMode.packets
    pcap = SyntheticCapture.bytes(format: .pcap, packets: n, seed: 1)
    pcapng = SyntheticCapture.bytes(format: .pcapng, packets: n, seed: 1)
    pcapPath = directory.write(pcap, to: "in.pcap")
    pcapngPath = directory.write(pcapng, to: "in.pcapng")
    pcapGzipPath = directory.write(Gzip.compress(pcap), to: "in.pcap.gz")
    pcapngGzipPath = directory.write(Gzip.compress(pcapng), to: "in.pcapng.gz")
    let parts = SyntheticCapture.split(packets: n, parts: 8, seed: 1)
    let directory = self.directory
    splitPaths = parts.enumerated().map { directory.write($0.element, to: "part-\($0.offset).pcapng") }
    var frames: [ArraySlice<UInt8>] = []
    var reader = try! CaptureReader(bytes: pcap)
    while let p = try! reader.nextPacket() { frames.append(p.data) }
    self.frames = frames
  }
}

/// Reads every packet of `reader`, touching its length and timestamp.
@inline(never)
func drain(_ reader: inout CaptureReader) throws -> Int {
  var total = 0
  while let p = try reader.nextPacket() {
    total &+= p.capturedLength &+ Int(truncatingIfNeeded: p.timestamp.seconds)
  }
  return total
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    scalingFactor: .one,
    maxDuration: .milliseconds(BenchmarkMode.maxMilliseconds),
    maxIterations: BenchmarkMode.maxIterations
  )
  let inputs = Inputs()
  let devNull = "/dev/null"

  Benchmark("Read pcap in memory") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(bytes: inputs.pcap)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Read pcap file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapPath)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Read pcap file 64KiB chunks") { benchmark in
    var options = ReaderOptions()
    options.chunkSize = 64 << 10
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapPath, options: options)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Read pcapng file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapngPath)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Read pcapng file all records") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapngPath)
      var n = 0
      while let record = try reader.next() {
        if case .packet(let p) = record { n &+= p.capturedLength }
      }
      blackHole(n)
    }
  }

  Benchmark("Read pcap gzip file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapGzipPath)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Read pcapng gzip file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapngGzipPath)
      blackHole(try drain(&reader))
    }
  }

  Benchmark("Packet view iteration") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(bytes: inputs.pcap)
      var sum = 0
      while let p = try reader.nextPacket() {
        let data = p.data
        var i = data.startIndex
        while i < data.endIndex {
          sum &+= Int(data[i])
          i += 64
        }
        sum &+= p.originalLength &+ p.interfaceID &+ Int(p.linkType.rawValue)
      }
      blackHole(sum)
    }
  }

  Benchmark("Link-layer walk") { benchmark in
    for _ in benchmark.scaledIterations {
      var n = 0
      for frame in inputs.frames {
        let layers = PacketLayers(linkType: .ethernet, frame: frame)
        n &+= Int(layers.destinationPort ?? 0) &+ layers.payload.count
      }
      blackHole(n)
    }
  }

  Benchmark("Port filter verdicts") { benchmark in
    let filter = PortFilter()
    for _ in benchmark.scaledIterations {
      var kept = 0
      for frame in inputs.frames where filter.verdict(linkType: .ethernet, frame: frame).keeps { kept += 1 }
      blackHole(kept)
    }
  }

  Benchmark("Filter pcap file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapPath)
      let writer = RecordWriter(sink: try FileSink(path: devNull))
      var filter = CaptureFilter()
      try filter.run(reader: &reader, to: writer)
      try writer.flush()
      blackHole(filter.account)
    }
  }

  Benchmark("Filter pcapng file") { benchmark in
    for _ in benchmark.scaledIterations {
      var reader = try CaptureReader(path: inputs.pcapngPath)
      let writer = RecordWriter(sink: try FileSink(path: devNull))
      var filter = CaptureFilter()
      try filter.run(reader: &reader, to: writer)
      try writer.flush()
      blackHole(filter.account)
    }
  }

  Benchmark("Merge 8 pcapng files") { benchmark in
    let mergeInputs = inputs.splitPaths.map { MergeInput(path: $0) }
    for _ in benchmark.scaledIterations {
      var merge = CaptureMerge(inputs: mergeInputs)
      var writer = MergeWriter(sink: try FileSink(path: devNull), inputs: mergeInputs)
      try merge.run(into: &writer)
      blackHole(merge.report.totalPackets)
    }
  }

  Benchmark("Merge 8 pcapng files record by record") { benchmark in
    let mergeInputs = inputs.splitPaths.map { MergeInput(path: $0) }
    for _ in benchmark.scaledIterations {
      var merge = CaptureMerge(inputs: mergeInputs)
      var writer = MergeWriter(sink: try FileSink(path: devNull), inputs: mergeInputs)
      var n = 0
      while let record = try merge.next() {
        try writer.write(record)
        n += 1
      }
      try writer.finish()
      blackHole(n)
    }
  }
}
