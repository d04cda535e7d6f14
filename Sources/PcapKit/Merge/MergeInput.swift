/// One input of a merge: a capture path and a clock correction.
public struct MergeInput: Hashable, Sendable {
  /// The capture file; `"-"` reads standard input (which is then opened at once and kept open).
  public var path: String
  /// Nanoseconds added to every timestamp of this input (negative to move it earlier): for capture machines whose
  /// clocks disagree.
  public var timeOffsetNanoseconds: Int128

  /// Creates an input.
  /// - Parameters:
  ///   - path: the capture file, or `"-"`.
  ///   - timeOffsetNanoseconds: the clock correction.
  public init(path: String, timeOffsetNanoseconds: Int128 = 0) {
    self.path = path
    self.timeOffsetNanoseconds = timeOffsetNanoseconds
  }

  /// Parses a signed decimal number of seconds (`-3`, `1.5`, `+0.000000001`) into nanoseconds, exactly.
  /// - Parameter text: at most 9 fraction digits and 12 integer digits.
  /// - Returns: nil when the text is not such a number.
  public static func parseSeconds(_ text: String) -> Int128? {
    var chars = Substring(text)
    var negative = false
    if let f = chars.first, f == "-" || f == "+" {
      negative = f == "-"
      chars = chars.dropFirst()
    }
    let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let whole = parts.first, whole.count <= 12 else { return nil }
    let fraction = parts.count == 2 ? parts[1] : ""
    guard fraction.count <= 9, !(whole.isEmpty && fraction.isEmpty),
      whole.allSatisfy({ $0.isASCII && $0.isNumber }), fraction.allSatisfy({ $0.isASCII && $0.isNumber })
    else { return nil }
    var value: Int128 = 0
    for c in whole { value = value * 10 + Int128(c.asciiValue! - 48) }
    var nanos: Int128 = 0
    for c in fraction { nanos = nanos * 10 + Int128(c.asciiValue! - 48) }
    for _ in fraction.count..<9 { nanos *= 10 }
    let total = value * 1_000_000_000 + nanos
    return negative ? -total : total
  }
}

/// How a merge runs.
public struct MergeOptions: Sendable {
  /// Concatenate the inputs in the order given instead of merging by timestamp (`mergecap -a`).
  public var concatenate = false
  /// Give interfaces with identical descriptions (link type, snap length, resolution, offset and options) one
  /// output interface instead of one per input interface.
  public var mergeIdenticalInterfaces = false
  /// Packets buffered per input to put an input that is not itself in time order back in order (0: no buffering;
  /// disorder is then only detected and reported in ``MergeReport/latePackets``).
  public var reorderWindow = 0
  /// Options for each reader; the chunk size is reduced automatically when there are many inputs
  /// (see ``bufferBudget``).
  public var readerOptions = ReaderOptions()
  /// Bytes of read buffers shared out among the inputs (each gets between 64 KiB and the reader's chunk size).
  public var bufferBudget = 8 << 20
  /// When set, opens each input instead of the merge opening its path: return a byte source (e.g. one that counts
  /// the bytes read, for a progress display), or nil to let the merge open the path itself. Called once per input,
  /// when it is opened to be read through; the first pass that learns each input's first timestamp opens the path
  /// itself, so a counting source sees each input's bytes once.
  public var openSource: (@Sendable (_ path: String) throws(CaptureError) -> (any ByteSource)?)?

  /// Default options: chronological merge, one output interface per input interface, no reorder buffering.
  public init() {}
}

/// What a merge did.
public struct MergeReport: Hashable, Sendable {
  /// Packets delivered per input.
  public var packets: [Int]
  /// Per input: packets that came out of time order in the output, because the input itself was out of order by
  /// more than the reorder window (0 when the input was in order or the window repaired it).
  public var latePackets: [Int]
  /// Per input: packets whose timestamp was earlier than the previous packet of the same input (disorder seen,
  /// whether repaired or not).
  public var disorderedPackets: [Int]
  /// The most inputs open at the same time.
  public var maxOpenInputs = 0

  init(inputs: Int) {
    packets = Array(repeating: 0, count: inputs)
    latePackets = Array(repeating: 0, count: inputs)
    disorderedPackets = Array(repeating: 0, count: inputs)
  }

  /// Total packets delivered.
  public var totalPackets: Int { packets.reduce(0, +) }
}
