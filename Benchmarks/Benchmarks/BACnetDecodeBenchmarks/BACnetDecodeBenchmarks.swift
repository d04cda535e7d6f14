// BACnet decoding: BVLC → NPDU → APDU (with service parameters) and MS/TP frames.
//
// Every iteration decodes the same `BenchmarkMode.messages` messages, so `mallocCountTotal` per iteration divided
// by that count is the allocations per message.
import BACnetDecode
import Benchmark
import BenchmarkInputs

/// Decoder inputs, built once per process: views into contiguous arrays.
struct DecoderInputs: Sendable {
  /// BACnet/IP UDP payloads (BVLC onwards).
  let bvll: [ArraySlice<UInt8>]
  /// The NPDUs inside `bvll` (after the 4-byte BVLC header, or 10 for Forwarded-NPDU); empty for BVLC-only
  /// messages, which are left out.
  let npdus: [ArraySlice<UInt8>]
  /// The APDUs of local (non-routed) NPDUs.
  let apdus: [ArraySlice<UInt8>]
  /// MS/TP frames with preamble.
  let mstp: [ArraySlice<UInt8>]

  init() {
    let n = BenchmarkMode.messages
    let payloads = SyntheticCapture.bacnetPayloads(count: n, seed: 1)
    bvll = payloads.map { $0[...] }
    npdus = payloads.compactMap { p in
      let header = p[1] == 0x04 ? 10 : 4
      return p.count > header && (p[1] == 0x0A || p[1] == 0x0B || p[1] == 0x04) ? p[header...] : nil
    }
    // Local NPDUs without network-layer addresses: version, control (0x00 or 0x04), then the APDU.
    apdus = npdus.compactMap { n in
      let c = n[n.startIndex + 1]
      return c & 0xF8 == 0 ? n[(n.startIndex + 2)...] : nil
    }
    mstp = SyntheticMSTP.frames(count: n, seed: 1).map { $0[...] }
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    scalingFactor: .one,
    maxDuration: .milliseconds(BenchmarkMode.maxMilliseconds),
    maxIterations: BenchmarkMode.maxIterations
  )
  let inputs = DecoderInputs()

  Benchmark("Decode BVLL") { benchmark in
    for _ in benchmark.scaledIterations {
      var k = 0
      for p in inputs.bvll { k &+= BACnetDecoder.decodeBVLL(p).diagnostics.count &+ 1 }
      blackHole(k)
    }
  }

  Benchmark("Decode NPDU") { benchmark in
    for _ in benchmark.scaledIterations {
      var k = 0
      for p in inputs.npdus { k &+= BACnetDecoder.decodeNPDU(p).diagnostics.count &+ 1 }
      blackHole(k)
    }
  }

  Benchmark("Decode APDU") { benchmark in
    for _ in benchmark.scaledIterations {
      var k = 0
      for p in inputs.apdus { k &+= BACnetDecoder.decodeAPDU(p).1.count &+ 1 }
      blackHole(k)
    }
  }

  Benchmark("Decode MSTP") { benchmark in
    for _ in benchmark.scaledIterations {
      var k = 0
      for f in inputs.mstp { blackHole(BACnetDecoder.decodeMSTP(f)); k &+= 1 }
      blackHole(k)
    }
  }
}
