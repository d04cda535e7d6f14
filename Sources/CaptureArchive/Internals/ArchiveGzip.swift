// Gzip for the archive engine: inflating the first bytes of a gzip member (format sniffing) and writing gzip
// (--scrub-metadata). Safe Swift over ``ZlibStream`` (Internals/Zlib.swift), which holds the zlib calls.
import PcapKit
import _CaptureInternals

/// Inflates the beginning of a gzip member until `wanted` bytes came out, the member ended, or it is broken.
/// Memory is bounded: output stops growing once `wanted` bytes (plus at most one 512-byte step) are there.
struct GzipPrefixInflater: ~Copyable {
  enum State: Equatable {
    /// More input is needed to produce the wanted bytes.
    case needInput
    /// Enough output (or the whole member) was produced.
    case done
    /// zlib reported corrupt data or could not start.
    case failed
  }

  private let stream: ZlibStream
  private(set) var state: State
  private(set) var output: [UInt8] = []
  let wanted: Int

  init(wanted: Int) {
    self.wanted = wanted
    // A gzip wrapper only (not zlib, not raw deflate).
    stream = ZlibStream(.inflateGzip)
    state = stream.isReady ? .needInput : .failed
  }

  /// Feeds compressed bytes; returns the new state.
  mutating func feed(_ input: ArraySlice<UInt8>) -> State {
    var pending = Array(input)
    var out = [UInt8](repeating: 0, count: 512)
    while state == .needInput && !pending.isEmpty {
      let before = pending.count
      let step = stream.step(input: &pending, from: 0, count: before, output: &out, at: 0, count: out.count)
      let produced = step.produced
      let left = before - step.consumed
      output += out[0..<produced]
      pending.removeFirst(step.consumed)
      if output.count >= wanted || step.status == .streamEnd {
        state = .done
      } else if step.status != .ok && step.status != .bufferError {
        state = .failed
      } else if produced == 0 && left == before {
        state = .failed  // no progress with input and output room: never loop
      }
    }
    return state
  }
}

/// Compresses a stream into one gzip member whose header carries no file name, comment or time (zlib's default
/// header: MTIME 0, OS 3), so a re-compressed capture says nothing about where it came from.
final class GzipDeflater {
  private let stream: ZlibStream
  private var finished = false

  /// Starts a member at compression level 6 (gzip's default).
  init?() {
    stream = ZlibStream(.deflateGzip)
    guard stream.isReady else { return nil }
  }

  /// Compresses `input` (and, with `finish`, ends the member); returns the compressed bytes produced.
  func compress(_ input: ArraySlice<UInt8>, finish: Bool) -> [UInt8]? {
    guard !finished else { return input.isEmpty ? [] : nil }
    var pending = Array(input)
    var result: [UInt8] = []
    var out = [UInt8](repeating: 0, count: 64 << 10)
    while true {
      let before = pending.count
      let step = stream.step(
        input: &pending, from: 0, count: before, output: &out, at: 0, count: out.count,
        flush: finish ? .finish : .none)
      let produced = step.produced
      let left = before - step.consumed
      result += out[0..<produced]
      pending.removeFirst(step.consumed)
      if step.status == .streamEnd {
        finished = true
        return result
      }
      guard step.status == .ok || step.status == .bufferError else { return nil }
      // Without finish: done once all input is taken and the output buffer was not filled.
      if !finish && pending.isEmpty && produced < out.count { return result }
      if produced == 0 && left == before && step.status == .bufferError { return nil }
    }
  }
}
