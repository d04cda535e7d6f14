/// One record delivered by a ``CaptureMerge``.
public struct MergedRecord {
  /// Index of the input (in the order given) the record comes from.
  public var input: Int
  /// The record. Packets arrive in chronological order; other records (section headers, interface descriptions,
  /// name resolution, …) arrive as their input is read, always before the packets that follow them in that input.
  public var record: CaptureRecord
  /// The input's section number at this record (0-based; each pcapng Section Header Block starts a new one).
  /// Together with ``input`` and a packet's interface ID it identifies the packet's interface.
  public var section: Int
  /// For a packet: its timestamp with the input's time offset applied (the merge order). Nil for other records.
  public var timestamp: CaptureTimestamp?
}

/// A k-way chronological merge of capture files, as a pull sequence: ``next()`` returns the records of every
/// input with their packets in timestamp order.
///
/// * Timestamps compare exactly (any resolution, any `if_tsoffset`); ties keep the input order (a packet of input
///   0 before one of input 1 with the same timestamp), and packets of one input keep their file order.
/// * Each input is read once, streaming, through a ``CaptureReader``; memory does not grow with file size. Read
///   buffers share ``MergeOptions/bufferBudget``.
/// * Inputs are opened lazily: a first pass reads only each file's first timestamp, and a file is opened for the
///   merge when the output reaches that time and closed at its end. Captures that follow each other in time (a
///   rotating capture's files) are therefore never open together, so hundreds of inputs need few descriptors.
/// * An input that is not itself in time order is detected (``MergeReport/disorderedPackets``). With
///   ``MergeOptions/reorderWindow`` > 0 each input is read ahead by that many packets and put back in order;
///   packets displaced further than the window come out late and are counted in ``MergeReport/latePackets``.
/// * With ``MergeOptions/concatenate`` the inputs are simply delivered one after another.
///
/// ```swift
/// var merge = CaptureMerge(inputs: [MergeInput(path: "a.pcapng"), MergeInput(path: "b.pcap")])
/// var writer = MergeWriter(sink: try FileSink(path: "ab.pcapng"), format: .pcapng, inputs: merge.inputs)
/// while let record = try merge.next() { try writer.write(record) }
/// try writer.finish()
/// ```
public struct CaptureMerge {
  typealias Ahead = (time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet)

  struct Source {
    let input: MergeInput
    var opened = false
    var exhausted = false
    /// True while `readers[i]` holds an open reader (checked instead of comparing the optional reader with nil,
    /// which would copy it).
    var isReading = false
    /// Section number of the records being read (incremented at each section record).
    var section = -1
    var firstTime: CaptureTimestamp?
    var headTime: CaptureTimestamp?
    var headSection = 0
    var lastReadTime: CaptureTimestamp?
    var readSequence = 0
    /// Read-ahead packets (detached copies), a min-heap on (time, sequence), when a reorder window is set.
    var ahead: [Ahead] = []

    init(input: MergeInput) { self.input = input }
  }

  /// The inputs, in the order given.
  public let inputs: [MergeInput]
  /// The options in force.
  public let options: MergeOptions
  /// What the merge has done so far.
  public private(set) var report: MergeReport

  /// Per input: the timestamp resolution of its first packet (known after ``prepare()``; nil for inputs without
  /// packets). A classic pcap output should use nanoseconds when any of them is finer than microseconds.
  public private(set) var firstResolutions: [TimestampResolution?]

  /// Per input: its capture format and whether it was compressed, known once the input has been opened (after
  /// ``prepare()`` for every input that could be opened), so a caller need not open the files again to learn them.
  public private(set) var inputFormats: [(format: CaptureFormat, isCompressed: Bool)?]

  var sources: [Source]
  /// Input i's time offset in nanoseconds.
  let offsets: [Int128]
  /// Input i's reader while it is open (kept apart from `sources` so it is always mutated in place).
  var readers: [CaptureReader?]
  /// Input i's next packet (a view into its reader's buffer, or a detached copy with a reorder window).
  var heads: [Packet?]
  var started = false
  /// Input indices with a head packet, a min-heap on (head time, index); `heapTimes[i]` is input i's head time
  /// (kept only once resolutions are mixed; before that `heapTicks` and `heapResolutionValue` say it).
  var heap: [Int] = []
  var heapTimes: [CaptureTimestamp]
  /// `heapTimes[i].ticks`, compared directly while every head time has the resolution `heapResolution` (raw
  /// `if_tsresol` value; `hasHeapResolution` once set).
  var heapTicks: [Int128]
  var heapResolution: UInt8 = 0
  var heapResolutionValue = TimestampResolution.microseconds
  var hasHeapResolution = false
  /// Set for good once two head times of different resolutions met: the heap then compares exactly across them.
  var mixedResolutions = false
  /// Inputs not opened yet, sorted by first timestamp (then index); `nextToOpen` indexes it.
  var waiting: [Int] = []
  var nextToOpen = 0
  var pendingOthers: [MergedRecord] = []
  var pendingHead = 0
  var lastEmitted: Int?
  var lastEmittedTime: CaptureTimestamp?
  var openCount = 0
  var concatenateIndex = 0

  /// Prepares a merge; nothing is opened until the first ``next()``.
  /// - Parameters:
  ///   - inputs: the captures, in order (the order breaks timestamp ties and sets the order for concatenation).
  ///   - options: merge settings.
  public init(inputs: [MergeInput], options: MergeOptions = MergeOptions()) {
    self.inputs = inputs
    self.options = options
    self.report = MergeReport(inputs: inputs.count)
    self.sources = inputs.map { Source(input: $0) }
    self.offsets = inputs.map(\.timeOffsetNanoseconds)
    self.readers = Array(repeating: nil, count: inputs.count)
    self.firstResolutions = Array(repeating: nil, count: inputs.count)
    self.inputFormats = Array(repeating: nil, count: inputs.count)
    self.heads = Array(repeating: nil, count: inputs.count)
    self.heapTimes = Array(repeating: CaptureTimestamp(nanosecondsSinceEpoch: 0), count: inputs.count)
    self.heapTicks = Array(repeating: 0, count: inputs.count)
  }

  var readerOptions: ReaderOptions {
    var o = options.readerOptions
    let share = options.bufferBudget / max(1, min(inputs.count, 64))
    o.chunkSize = max(64 << 10, min(o.chunkSize, share))
    return o
  }

  /// The next record, or nil when every input is exhausted.
  /// - Throws: the ``CaptureError`` of an input that cannot be opened or is damaged; the error's message names the
  ///   input. Records before the damage have been delivered.
  public mutating func next() throws(CaptureError) -> MergedRecord? {
    if !started { try start() }
    if hasPendingOthers { return popOther() }
    if options.concatenate { return try nextConcatenated() }
    if let last = lastEmitted {
      lastEmitted = nil
      try advance(last)
      if sources[last].headTime != nil { heapPush(last) }
      if hasPendingOthers { return popOther() }
    }
    // Open every waiting input that could hold the next packet.
    while nextToOpen < waiting.count {
      let i = waiting[nextToOpen]
      if let top = heap.first, let first = sources[i].firstTime, first > heapTime(top) { break }
      nextToOpen += 1
      try open(i)
      try advance(i)
      if sources[i].headTime != nil { heapPush(i) }
    }
    if hasPendingOthers { return popOther() }
    guard let top = heapPop() else { return nil }
    return emit(top)
  }

  /// Runs the whole merge into `writer` (then calls ``MergeWriter/finish()``): the same records as a loop over
  /// ``next()``, with packets handed to the writer without building a ``MergedRecord`` each.
  /// - Throws: an input's ``CaptureError`` (named as in ``next()``) or the writer's; ``writerFailed`` tells which.
  public mutating func run(into writer: inout MergeWriter) throws(CaptureError) {
    if !started { try start() }
    try runLoop(&writer)
  }

  /// True when ``run(into:)`` stopped because the writer (not an input) failed.
  public private(set) var writerFailed = false

  mutating func runLoop(_ writer: inout MergeWriter) throws(CaptureError) {
    while true {
      if !options.concatenate && !hasPendingOthers, let last = lastEmitted {
        lastEmitted = nil
        try advance(last)
        let hasHead = sources[last].headTime != nil
        let top: Int?
        if !hasPendingOthers && nextToOpen >= waiting.count {
          // Push and pop fused: no heap work at all while one input keeps supplying the earliest packet.
          top = hasHead ? heapPushPop(last) : heapPop()
        } else {
          if hasHead { heapPush(last) }
          top = nil
        }
        if let top {
          guard let time = sources[top].headTime, let packet = heads[top].take() else { continue }
          sources[top].headTime = nil
          lastEmitted = top
          report.packets[top] += 1
          if let lastTime = lastEmittedTime, time < lastTime { report.latePackets[top] += 1 } else { lastEmittedTime = time }
          do {
            try writer.writePacket(packet, input: top, section: sources[top].headSection, timestamp: time)
          } catch {
            writerFailed = true
            throw error
          }
          continue
        }
      }
      guard let record = try next() else { break }
      do {
        try writer.write(record)
      } catch {
        writerFailed = true
        throw error
      }
    }
    do {
      try writer.finish()
    } catch {
      writerFailed = true
      throw error
    }
  }

  mutating func emit(_ i: Int) -> MergedRecord? {
    guard let time = sources[i].headTime, let packet = heads[i].take() else { return nil }
    sources[i].headTime = nil
    lastEmitted = i
    report.packets[i] += 1
    if let last = lastEmittedTime, time < last { report.latePackets[i] += 1 } else { lastEmittedTime = time }
    return MergedRecord(input: i, record: .packet(packet), section: sources[i].headSection, timestamp: time)
  }

  mutating func nextConcatenated() throws(CaptureError) -> MergedRecord? {
    while concatenateIndex < sources.count {
      let i = concatenateIndex
      if !sources[i].opened { try open(i) }
      if lastEmitted == i || heads[i] == nil {
        lastEmitted = nil
        try advance(i)
        if let r = popOther() { return r }
      }
      if heads[i] != nil {
        let r = emit(i)
        lastEmittedTime = nil  // concatenation makes no ordering claim
        return r
      }
      concatenateIndex += 1
    }
    return nil
  }

  @inline(__always)
  var hasPendingOthers: Bool { pendingHead < pendingOthers.count }

  mutating func popOther() -> MergedRecord? {
    guard pendingHead < pendingOthers.count else { return nil }
    let r = pendingOthers[pendingHead]
    pendingHead += 1
    if pendingHead == pendingOthers.count {
      pendingOthers.removeAll(keepingCapacity: true)
      pendingHead = 0
    }
    return r
  }

  /// Runs the first pass now (it otherwise runs at the first ``next()``): each input's first packet is read, one
  /// file open at a time, to learn when the input starts (and ``firstResolutions``).
  /// - Throws: the ``CaptureError`` of an input that cannot be opened or read.
  public mutating func prepare() throws(CaptureError) {
    if !started { try start() }
  }

  /// First pass: each input's first packet timestamp, one file open at a time (standard input is opened for good).
  mutating func start() throws(CaptureError) {
    started = true
    if options.concatenate { return }
    var order: [Int] = []
    var scanOptions = readerOptions
    scanOptions.chunkSize = 64 << 10
    scanOptions.packetTally = nil  // the first pass's packet is counted when the input is read for good
    for i in sources.indices {
      if sources[i].input.path == "-" {
        try open(i)
        try advance(i)
        if sources[i].headTime != nil { heapPush(i) }
        firstResolutions[i] = heads[i]?.timestamp.resolution
        continue
      }
      var reader = try openReader(i, scanOptions, scanning: true)
      let first: Packet?
      do {
        first = try reader.nextPacket()
      } catch {
        throw named(error, i)
      }
      if let first {
        sources[i].firstTime = adjusted(first.timestamp, i)
        firstResolutions[i] = first.timestamp.resolution
        order.append(i)
      } else {
        // No packets: still deliver its section and interface records, in input order.
        try open(i)
        try advance(i)
      }
    }
    order.sort { a, b in
      let ta = sources[a].firstTime!, tb = sources[b].firstTime!
      return ta < tb || (ta == tb && a < b)
    }
    waiting = order
  }

  /// Opens input i (through ``MergeOptions/openSource`` unless `scanning`: the first pass's read stays uncounted).
  mutating func openReader(_ i: Int, _ readerOptions: ReaderOptions, scanning: Bool = false) throws(CaptureError) -> CaptureReader {
    do {
      let path = sources[i].input.path
      let reader: CaptureReader
      if !scanning, let source = try options.openSource?(path) {
        reader = try CaptureReader(source: source, options: readerOptions)
      } else {
        reader = try CaptureReader(path: path, options: readerOptions)
      }
      inputFormats[i] = (reader.format, reader.isCompressed)
      return reader
    } catch {
      throw named(error, i)
    }
  }

  mutating func open(_ i: Int) throws(CaptureError) {
    readers[i] = try openReader(i, readerOptions)
    sources[i].opened = true
    sources[i].isReading = true
    openCount += 1
    report.maxOpenInputs = max(report.maxOpenInputs, openCount)
  }

  mutating func close(_ i: Int) {
    if sources[i].isReading { openCount -= 1 }
    sources[i].isReading = false
    readers[i] = nil
    sources[i].exhausted = true
  }

  func named(_ error: CaptureError, _ i: Int) -> CaptureError {
    var e = error
    let path = sources[i].input.path
    e.message = "\(path == "-" ? "standard input" : path): \(error.message)"
    return e
  }

  @inline(__always)
  func adjusted(_ t: CaptureTimestamp, _ i: Int) -> CaptureTimestamp {
    let offset = offsets[i]
    return offset == 0 ? t : t.adding(nanoseconds: offset)
  }

  /// Reads input i's next packet into its head (delivering other records on the way to `pendingOthers`).
  mutating func advance(_ i: Int) throws(CaptureError) {
    // heads[i] is already empty here (taken by emit, or never filled).
    sources[i].headTime = nil
    let window = options.concatenate ? 0 : options.reorderWindow
    if window == 0 {
      try readHead(i)
      return
    }
    while sources[i].ahead.count < window, let (packet, section) = try readPacket(i) {
      let time = adjusted(packet.timestamp, i)
      noteRead(time, i)
      aheadPush(i, (time, sources[i].readSequence, section, CaptureMerge.detached(packet)))
      sources[i].readSequence += 1
    }
    guard let first = aheadPop(i) else { return }
    heads[i] = first.packet
    sources[i].headTime = first.time
    sources[i].headSection = first.section
  }

  mutating func noteRead(_ time: CaptureTimestamp, _ i: Int) {
    if let last = sources[i].lastReadTime, time < last {
      report.disorderedPackets[i] += 1
    } else {
      sources[i].lastReadTime = time
    }
  }

  /// Reads input i's next packet into `heads[i]`: an Enhanced Packet Block straight from the reader's fast path,
  /// anything else through ``readPacket(_:)`` (other records met on the way go to `pendingOthers`).
  mutating func readHead(_ i: Int) throws(CaptureError) {
    guard sources[i].isReading else { return }
    let fast: Packet?
    do {
      fast = try readers[i]?.nextEnhancedPacketIfAny()
    } catch {
      close(i)
      throw named(error, i)
    }
    let p: Packet
    if let f = fast {
      p = f
    } else if let (q, _) = try readPacket(i) {
      p = q
    } else {
      return
    }
    let time = adjusted(p.timestamp, i)
    noteRead(time, i)
    heads[i] = consume p
    sources[i].headTime = time
    sources[i].headSection = max(0, sources[i].section)
  }

  /// The input's next packet and its section number; other records met on the way go to `pendingOthers`.
  mutating func readPacket(_ i: Int) throws(CaptureError) -> (Packet, Int)? {
    guard sources[i].isReading else { return nil }
    while true {
      let record: CaptureRecord?
      do {
        record = try readers[i]?.next()
      } catch {
        close(i)
        throw named(error, i)
      }
      guard let record else {
        close(i)
        return nil
      }
      if case .packet(let p) = record { return (p, max(0, sources[i].section)) }
      if case .section = record { sources[i].section += 1 }
      let section = max(0, sources[i].section)
      pendingOthers.append(MergedRecord(input: i, record: record, section: section, timestamp: nil))
    }
  }

  /// A packet whose bytes live in their own storage (not the reader's buffer), for read-ahead.
  static func detached(_ p: Packet) -> Packet {
    // The captured bytes and options are offsets into `rawRecord`, so copying it detaches them all.
    var q = p
    q.rawRecord = Array(p.rawRecord)[...]
    return q
  }

  // MARK: heap of inputs, keyed by (head time, input index)

  @inline(__always)
  func before(_ a: Int, _ b: Int) -> Bool {
    if !mixedResolutions {
      // Every head time so far has the same resolution: the tick counts order them exactly.
      let ta = heapTicks[a], tb = heapTicks[b]
      return ta < tb || (ta == tb && a < b)
    }
    let c = CaptureTimestamp.compare(heapTimes[a], heapTimes[b])
    return c < 0 || (c == 0 && a < b)
  }

  mutating func heapPush(_ i: Int) {
    let t = sources[i].headTime!
    heapTicks[i] = t.ticks
    noteHeapResolution(t.resolution)
    if mixedResolutions { heapTimes[i] = t }
    heap.append(i)
    var c = heap.count - 1
    while c > 0 {
      let p = (c - 1) / 2
      guard before(heap[c], heap[p]) else { break }
      heap.swapAt(c, p)
      c = p
    }
  }

  @inline(__always)
  mutating func noteHeapResolution(_ r: TimestampResolution) {
    if !hasHeapResolution {
      heapResolution = r.rawValue
      heapResolutionValue = r
      hasHeapResolution = true
    } else if r.rawValue != heapResolution && !mixedResolutions {
      // From now on compare exactly: give every input already in the heap its full timestamp.
      mixedResolutions = true
      for j in heap { heapTimes[j] = CaptureTimestamp(ticks: heapTicks[j], resolution: heapResolutionValue) }
    }
  }

  /// Input i's head time as held by the heap.
  func heapTime(_ i: Int) -> CaptureTimestamp {
    mixedResolutions ? heapTimes[i] : CaptureTimestamp(ticks: heapTicks[i], resolution: heapResolutionValue)
  }

  /// `heapPush(i)` followed by `heapPop()`, with at most one sift.
  mutating func heapPushPop(_ i: Int) -> Int {
    let t = sources[i].headTime!
    heapTicks[i] = t.ticks
    noteHeapResolution(t.resolution)
    if mixedResolutions { heapTimes[i] = t }
    guard let top = heap.first, before(top, i) else { return i }
    heap[0] = i
    siftDown()
    return top
  }

  mutating func heapPop() -> Int? {
    guard let top = heap.first else { return nil }
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      siftDown()
    }
    return top
  }

  /// Restores the heap order after `heap[0]` was replaced.
  @inline(__always)
  mutating func siftDown() {
    let n = heap.count
    let moving = heap[0]
    var p = 0
    while true {
      let l = 2 * p + 1, r = l + 1
      guard l < n else { break }
      var m = l
      if r < n && before(heap[r], heap[l]) { m = r }
      guard before(heap[m], moving) else { break }
      heap[p] = heap[m]
      p = m
    }
    heap[p] = moving
  }

  // MARK: per-input read-ahead heap, keyed by (time, read sequence)

  static func aheadBefore(_ x: Ahead, _ y: Ahead) -> Bool {
    let c = CaptureTimestamp.compare(x.time, y.time)
    return c < 0 || (c == 0 && x.sequence < y.sequence)
  }

  mutating func aheadPush(_ i: Int, _ item: Ahead) {
    sources[i].ahead.append(item)
    var c = sources[i].ahead.count - 1
    while c > 0 {
      let p = (c - 1) / 2
      guard CaptureMerge.aheadBefore(sources[i].ahead[c], sources[i].ahead[p]) else { break }
      sources[i].ahead.swapAt(c, p)
      c = p
    }
  }

  mutating func aheadPop(_ i: Int) -> Ahead? {
    guard let top = sources[i].ahead.first else { return nil }
    let last = sources[i].ahead.removeLast()
    if !sources[i].ahead.isEmpty {
      sources[i].ahead[0] = last
      var p = 0
      let n = sources[i].ahead.count
      while true {
        let l = 2 * p + 1, r = l + 1
        var m = p
        if l < n && CaptureMerge.aheadBefore(sources[i].ahead[l], sources[i].ahead[m]) { m = l }
        if r < n && CaptureMerge.aheadBefore(sources[i].ahead[r], sources[i].ahead[m]) { m = r }
        if m == p { break }
        sources[i].ahead.swapAt(p, m)
        p = m
      }
    }
    return top
  }
}

@available(*, unavailable)
extension CaptureMerge: Sendable {}
