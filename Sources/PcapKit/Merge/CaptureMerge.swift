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
/// let merge = CaptureMerge(inputs: [MergeInput(path: "a.pcapng"), MergeInput(path: "b.pcap")])
/// let writer = try MergeWriter(sink: FileSink(path: "ab.pcapng"), format: .pcapng)
/// while let record = try merge.next() { try writer.write(record) }
/// ```
public final class CaptureMerge {
  final class Source {
    let index: Int
    let input: MergeInput
    var reader: CaptureReader?
    var opened = false
    var exhausted = false
    var firstTime: CaptureTimestamp?
    var head: Packet?
    var headTime: CaptureTimestamp?
    var headSection = 0
    var lastReadTime: CaptureTimestamp?
    var readSequence = 0
    /// Read-ahead packets (detached copies), a min-heap on (time, sequence), when a reorder window is set.
    var ahead: [(time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet)] = []

    init(index: Int, input: MergeInput) {
      self.index = index
      self.input = input
    }
  }

  /// The inputs, in the order given.
  public let inputs: [MergeInput]
  /// The options in force.
  public let options: MergeOptions
  /// What the merge has done so far.
  public private(set) var report: MergeReport

  var sources: [Source]
  var started = false
  var heap: [Int] = []
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
    self.sources = inputs.indices.map { Source(index: $0, input: inputs[$0]) }
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
  public func next() throws(CaptureError) -> MergedRecord? {
    if !started { try start() }
    if let r = popOther() { return r }
    if options.concatenate { return try nextConcatenated() }
    if let last = lastEmitted {
      lastEmitted = nil
      try advance(sources[last])
      if sources[last].headTime != nil { heapPush(last) }
      if let r = popOther() { return r }
    }
    // Open every waiting input that could hold the next packet.
    while nextToOpen < waiting.count {
      let s = sources[waiting[nextToOpen]]
      if let top = heap.first, let first = s.firstTime, let topTime = sources[top].headTime, first > topTime { break }
      nextToOpen += 1
      try open(s)
      try advance(s)
      if s.headTime != nil { heapPush(s.index) }
    }
    if let r = popOther() { return r }
    guard let top = heapPop() else { return nil }
    return emit(sources[top])
  }

  func emit(_ s: Source) -> MergedRecord? {
    guard let packet = s.head, let time = s.headTime else { return nil }
    s.head = nil
    s.headTime = nil
    lastEmitted = s.index
    report.packets[s.index] += 1
    if let last = lastEmittedTime, time < last { report.latePackets[s.index] += 1 } else { lastEmittedTime = time }
    return MergedRecord(input: s.index, record: .packet(packet), section: s.headSection, timestamp: time)
  }

  func nextConcatenated() throws(CaptureError) -> MergedRecord? {
    while concatenateIndex < sources.count {
      let s = sources[concatenateIndex]
      if !s.opened { try open(s) }
      if lastEmitted == s.index || s.head == nil {
        lastEmitted = nil
        try advance(s)
        if let r = popOther() { return r }
      }
      if s.head != nil {
        let r = emit(s)
        lastEmittedTime = nil  // concatenation makes no ordering claim
        return r
      }
      concatenateIndex += 1
    }
    return nil
  }

  func popOther() -> MergedRecord? {
    guard pendingHead < pendingOthers.count else { return nil }
    let r = pendingOthers[pendingHead]
    pendingHead += 1
    if pendingHead == pendingOthers.count {
      pendingOthers.removeAll(keepingCapacity: true)
      pendingHead = 0
    }
    return r
  }

  /// First pass: each input's first packet timestamp, one file open at a time (standard input is opened for good).
  func start() throws(CaptureError) {
    started = true
    if options.concatenate { return }
    var order: [Int] = []
    for s in sources {
      if s.input.path == "-" {
        try open(s)
        try advance(s)
        if s.headTime != nil { heapPush(s.index) }
        continue
      }
      var reader = try openReader(s)
      let first: Packet?
      do {
        first = try reader.nextPacket()
      } catch {
        throw named(error, s)
      }
      if let first {
        s.firstTime = adjusted(first.timestamp, s)
        order.append(s.index)
      } else {
        // No packets: still deliver its section and interface records, in input order.
        try open(s)
        try advance(s)
      }
    }
    order.sort { a, b in
      let ta = sources[a].firstTime!, tb = sources[b].firstTime!
      return ta < tb || (ta == tb && a < b)
    }
    waiting = order
  }

  func openReader(_ s: Source) throws(CaptureError) -> CaptureReader {
    do {
      return try CaptureReader(path: s.input.path, options: readerOptions)
    } catch {
      throw named(error, s)
    }
  }

  func open(_ s: Source) throws(CaptureError) {
    s.reader = try openReader(s)
    s.opened = true
    openCount += 1
    report.maxOpenInputs = max(report.maxOpenInputs, openCount)
  }

  func close(_ s: Source) {
    if s.reader != nil { openCount -= 1 }
    s.reader = nil
    s.exhausted = true
  }

  func named(_ error: CaptureError, _ s: Source) -> CaptureError {
    var e = error
    e.message = "\(s.input.path == "-" ? "standard input" : s.input.path): \(error.message)"
    return e
  }

  @inline(__always)
  func adjusted(_ t: CaptureTimestamp, _ s: Source) -> CaptureTimestamp {
    s.input.timeOffsetNanoseconds == 0 ? t : t.adding(nanoseconds: s.input.timeOffsetNanoseconds)
  }

  /// Reads the input's next packet into `head` (delivering other records on the way to `pendingOthers`).
  func advance(_ s: Source) throws(CaptureError) {
    s.head = nil
    s.headTime = nil
    let window = options.concatenate ? 0 : options.reorderWindow
    if window == 0 {
      guard let (packet, section) = try readPacket(s) else { return }
      let time = adjusted(packet.timestamp, s)
      noteRead(time, s)
      s.head = packet
      s.headTime = time
      s.headSection = section
      return
    }
    while s.ahead.count < window, let (packet, section) = try readPacket(s) {
      let time = adjusted(packet.timestamp, s)
      noteRead(time, s)
      aheadPush(s, (time, s.readSequence, section, CaptureMerge.detached(packet)))
      s.readSequence += 1
    }
    guard let first = aheadPop(s) else { return }
    s.head = first.packet
    s.headTime = first.time
    s.headSection = first.section
  }

  func noteRead(_ time: CaptureTimestamp, _ s: Source) {
    if let last = s.lastReadTime, time < last {
      report.disorderedPackets[s.index] += 1
    } else {
      s.lastReadTime = time
    }
  }

  func readPacket(_ s: Source) throws(CaptureError) -> (Packet, Int)? {
    guard !s.exhausted, s.reader != nil else { return nil }
    while true {
      let record: CaptureRecord?
      do {
        record = try s.reader!.next()
      } catch {
        close(s)
        throw named(error, s)
      }
      guard let record else {
        close(s)
        return nil
      }
      let section = max(0, s.reader!.sectionCount - 1)
      if case .packet(let p) = record { return (p, section) }
      pendingOthers.append(MergedRecord(input: s.index, record: record, section: section, timestamp: nil))
    }
  }

  /// A packet whose bytes live in their own storage (not the reader's buffer), for read-ahead.
  static func detached(_ p: Packet) -> Packet {
    var q = p
    let raw = Array(p.rawRecord)
    let base = p.rawRecord.startIndex
    q.rawRecord = raw[...]
    if p.data.startIndex >= base, p.data.endIndex <= p.rawRecord.endIndex {
      q.data = raw[(p.data.startIndex - base)..<(p.data.endIndex - base)]
    } else {
      q.data = Array(p.data)[...]
    }
    let o = p.options.bytes
    if o.isEmpty {
      q.options = .empty
    } else if o.startIndex >= base, o.endIndex <= p.rawRecord.endIndex {
      q.options = OptionList(bytes: raw[(o.startIndex - base)..<(o.endIndex - base)], byteOrder: p.options.byteOrder,
                             baseOffset: p.options.baseOffset)
    } else {
      q.options = OptionList(bytes: Array(o)[...], byteOrder: p.options.byteOrder, baseOffset: p.options.baseOffset)
    }
    return q
  }

  // MARK: heap of inputs, keyed by (head time, input index)

  @inline(__always)
  func before(_ a: Int, _ b: Int) -> Bool {
    let c = CaptureTimestamp.compare(sources[a].headTime!, sources[b].headTime!)
    return c < 0 || (c == 0 && a < b)
  }

  func heapPush(_ i: Int) {
    heap.append(i)
    var c = heap.count - 1
    while c > 0 {
      let p = (c - 1) / 2
      guard before(heap[c], heap[p]) else { break }
      heap.swapAt(c, p)
      c = p
    }
  }

  func heapPop() -> Int? {
    guard let top = heap.first else { return nil }
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var p = 0
      while true {
        let l = 2 * p + 1, r = l + 1
        var m = p
        if l < heap.count && before(heap[l], heap[m]) { m = l }
        if r < heap.count && before(heap[r], heap[m]) { m = r }
        if m == p { break }
        heap.swapAt(p, m)
        p = m
      }
    }
    return top
  }

  // MARK: per-input read-ahead heap, keyed by (time, read sequence)

  func aheadBefore(_ x: (time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet),
                   _ y: (time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet)) -> Bool {
    let c = CaptureTimestamp.compare(x.time, y.time)
    return c < 0 || (c == 0 && x.sequence < y.sequence)
  }

  func aheadPush(_ s: Source, _ item: (time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet)) {
    s.ahead.append(item)
    var c = s.ahead.count - 1
    while c > 0 {
      let p = (c - 1) / 2
      guard aheadBefore(s.ahead[c], s.ahead[p]) else { break }
      s.ahead.swapAt(c, p)
      c = p
    }
  }

  func aheadPop(_ s: Source) -> (time: CaptureTimestamp, sequence: Int, section: Int, packet: Packet)? {
    guard let top = s.ahead.first else { return nil }
    let last = s.ahead.removeLast()
    if !s.ahead.isEmpty {
      s.ahead[0] = last
      var p = 0
      while true {
        let l = 2 * p + 1, r = l + 1
        var m = p
        if l < s.ahead.count && aheadBefore(s.ahead[l], s.ahead[m]) { m = l }
        if r < s.ahead.count && aheadBefore(s.ahead[r], s.ahead[m]) { m = r }
        if m == p { break }
        s.ahead.swapAt(p, m)
        p = m
      }
    }
    return top
  }
}

@available(*, unavailable)
extension CaptureMerge: Sendable {}
