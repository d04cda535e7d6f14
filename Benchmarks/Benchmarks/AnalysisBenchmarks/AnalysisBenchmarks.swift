// The analysis path: packet view → link-layer walk → BACnet decode (BACnetPipeline → DecodedPacket) → analyzers
// (SummaryEngine) → report, as `optigo-pcap summarize` runs it.
//
// Every iteration processes the same synthetic capture, so `mallocCountTotal` per iteration divided by its packet
// count is the allocations per packet.
import BACnetAnalysis
import Benchmark
import BenchmarkInputs
import PcapKit

/// Inputs, built once per process.
struct AnalysisInputs: Sendable {
  /// Ethernet capture, 30% BACnet/IP.
  let ip: [UInt8]
  /// MS/TP capture (link type 165).
  let mstp: [UInt8]

  init() {
    ip = SyntheticCapture.bytes(format: .pcap, packets: BenchmarkMode.packets, seed: 1)
    mstp = SyntheticMSTP.capture(frames: BenchmarkMode.packets, seed: 1)
  }
}

/// Runs every packet of `bytes` through a fresh pipeline.
@inline(never)
func decodeAll(_ bytes: [UInt8]) throws -> Int {
  var reader = try CaptureReader(bytes: bytes)
  var pipeline = BACnetPipeline()
  var n = 0
  while let p = try reader.nextPacket() {
    let d = pipeline.decode(p)
    n &+= d.isBACnet ? 1 : 0
  }
  return n
}

/// What `optigo-pcap summarize` does for one capture in memory, up to the report value (text rendering excluded).
@inline(never)
func summarize(_ bytes: [UInt8]) throws -> SummaryReport {
  var reader = try CaptureReader(bytes: bytes)
  var facts = CaptureFacts(file: "bench")
  facts.noteReader(reader)
  var pipeline = BACnetPipeline()
  var engine = SummaryEngine()
  while let p = try reader.nextPacket() {
    facts.observe(p)
    engine.consume(pipeline.decode(p))
  }
  return engine.report(captures: [facts])
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    scalingFactor: .one,
    maxDuration: .milliseconds(BenchmarkMode.maxMilliseconds),
    maxIterations: BenchmarkMode.maxIterations
  )
  let inputs = AnalysisInputs()

  Benchmark("Pipeline BACnet-IP capture") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(try decodeAll(inputs.ip)) }
  }

  Benchmark("Pipeline MSTP capture") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(try decodeAll(inputs.mstp)) }
  }

  Benchmark("Summarize BACnet-IP capture") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(try summarize(inputs.ip)) }
  }

  Benchmark("Summarize MSTP capture") { benchmark in
    for _ in benchmark.scaledIterations { blackHole(try summarize(inputs.mstp)) }
  }

  Benchmark("Summarize report text") { benchmark in
    let report = try summarize(inputs.ip)
    for _ in benchmark.scaledIterations { blackHole(report.text) }
  }
}
