public import PcapKit

/// Stops a running ``CaptureRunner`` from any thread (a daemon's control path, a test).
public struct CaptureStopHandle: Sendable {
  let descriptor: Int32

  /// Asks the capture to stop: it closes the current file properly (statistics, rename, announcement) and
  /// ``CaptureRunner/run()`` returns ``CaptureEnd/requested``.
  public func requestStop() { SystemCalls.writeByte(descriptor, 1) }
}

/// The capture loop: polls the sources, feeds their frames to the spool, rotates on time, honours the stop
/// conditions and SIGTERM/SIGINT/SIGHUP, and publishes status.
///
/// ``run()`` blocks the calling thread until the capture ends — call it on a thread dedicated to the capture.
/// It waits in `poll(2)` on every source's descriptor, a signal pipe and a stop pipe, with a timeout of at most
/// 250 ms (shorter before an interval boundary or a stop time), so rotation and stop happen on time even when no
/// frame arrives. On any ending the current file is closed properly: its Interface Statistics Blocks written,
/// flushed to disk, renamed into the spool and announced.
public final class CaptureRunner {
  /// The sources, in interface order.
  public let sources: [any PacketSource]
  /// The output.
  public let spool: CaptureSpool
  /// The stop conditions.
  public let stopConditions: StopConditions
  /// Called with every frame after it is written (live analysis); nil for none.
  public var onFrame: ((CapturedFrame) -> Void)?
  /// Called with the status about once a second.
  public var onStatus: ((CaptureStatus) -> Void)?
  /// Called once the signal handlers are in place, just before the first poll (a "ready" message).
  public var onStart: (() -> Void)?
  /// Called when a source ends (its ``PacketSource/drain(_:)`` returned false: an interface removed, a serial line
  /// hung up) with the source's index; the capture goes on with the others and ends with
  /// ``CaptureEnd/sourcesEnded`` when none is left.
  public var onSourceEnd: ((Int) -> Void)?
  /// Stops the run from another thread.
  public let stopHandle: CaptureStopHandle

  let handleSignals: Bool
  let wakeRead: Int32
  let wakeWrite: Int32
  var continuations: [AsyncStream<CaptureStatus>.Continuation] = []
  let startMonotonic: Int64

  /// A runner.
  /// - Parameters:
  ///   - sources: the sources; their interfaces must be the spool's, in the same order.
  ///   - spool: the output, already open.
  ///   - stop: the stop conditions.
  ///   - handleSignals: catch SIGTERM, SIGINT and SIGHUP to end the capture cleanly (the default handlers are
  ///     restored when ``run()`` returns).
  /// - Throws: `CaptureError/Code/invalidArgument` when the interfaces do not match; `CaptureError/Code/ioError`
  ///   when the stop pipe cannot be created.
  public init(sources: [any PacketSource], spool: CaptureSpool, stop: StopConditions = StopConditions(),
              handleSignals: Bool = true) throws(CaptureError) {
    guard sources.map(\.interface) == spool.interfaces else {
      throw CaptureError(.invalidArgument, offset: nil, "the spool's interfaces are not the sources' interfaces")
    }
    guard let (r, w) = SystemCalls.makePipe() else { throw CaptureError(.ioError, offset: nil, "cannot create a pipe") }
    self.sources = sources
    self.spool = spool
    self.stopConditions = stop
    self.handleSignals = handleSignals
    self.wakeRead = r
    self.wakeWrite = w
    self.stopHandle = CaptureStopHandle(descriptor: w)
    self.startMonotonic = SystemCalls.monotonicNanoseconds()
  }

  deinit {
    SystemCalls.closeDescriptor(wakeRead)
    SystemCalls.closeDescriptor(wakeWrite)
  }

  /// A stream of status values (about one a second), finished when the run ends.
  public func makeStatusStream() -> AsyncStream<CaptureStatus> {
    let (stream, continuation) = AsyncStream<CaptureStatus>.makeStream(bufferingPolicy: .bufferingNewest(8))
    continuations.append(continuation)
    return stream
  }

  /// The status now.
  public func status() -> CaptureStatus {
    var s = CaptureStatus(elapsedSeconds: Double(SystemCalls.monotonicNanoseconds() - startMonotonic) / 1e9,
                          written: UInt64(spool.totalPackets), filesCompleted: spool.completed.count)
    for source in sources {
      let st = source.status()
      s.received += st.counters.filterAccepted ?? 0
      s.kernelDrops += st.counters.osDropped ?? 0
      s.filtered += st.discarded
      if let f = st.fill { s.ringFill = max(s.ringFill ?? 0, f) }
    }
    return s
  }

  func counters() -> [InterfaceCounters] { sources.map { $0.status().counters } }

  /// Captures until a stop condition, a signal, a stop request, a disk-guard limit or the end of every source;
  /// closes the last file properly in every case, then closes the sources.
  /// - Returns: why the capture ended.
  /// - Throws: `CaptureError` when a source or the spool fails (the current file is still closed if possible).
  public func run() throws(CaptureError) -> CaptureEnd {
    var signalFD: Int32 = -1
    if handleSignals {
      signalFD = SystemCalls.installStopSignals()
      if signalFD < 0 { throw CaptureError(.ioError, offset: nil, "cannot install the signal handlers") }
    }
    defer {
      if handleSignals { SystemCalls.restoreStopSignals() }
      for c in continuations { c.finish() }
      for s in sources { s.close() }
    }
    onStart?()
    do {
      let end = try loop(signalFD: signalFD)
      switch end {
      case .signal, .requested: try settle()
      default: break
      }
      try spool.close(now: SystemClock.now(), counters: counters)
      publish()
      return end
    } catch {
      _ = try? spool.close(now: SystemClock.now(), counters: counters)
      throw error
    }
  }

  func publish() {
    guard onStatus != nil || !continuations.isEmpty else { return }
    let s = status()
    onStatus?(s)
    for c in continuations { c.yield(s) }
  }

  func loop(signalFD: Int32) throws(CaptureError) -> CaptureEnd {
    let start = spool.captureStart
    var stopAt: CaptureTimestamp? = stopConditions.until
    if let d = stopConditions.durationSeconds {
      let t = start.adding(nanoseconds: Int128(d * 1e9))
      stopAt = stopAt.map { min($0, t) } ?? t
    }
    var descriptors = sources.map(\.descriptor)
    descriptors.append(wakeRead)
    if signalFD >= 0 { descriptors.append(signalFD) }
    var alive = [Bool](repeating: true, count: sources.count)
    var nextStatus = SystemCalls.monotonicNanoseconds() + 1_000_000_000
    var end: CaptureEnd?
    let limit = stopConditions.packets
    publish()
    while true {
      let now = SystemClock.now()
      if let stopAt, now >= stopAt {
        // Frames captured before the stop time may still sit in a ring block not yet handed over: take them.
        for (i, s) in sources.enumerated() where alive[i] { end = try drain(s, index: i, limit: limit, before: stopAt).end ?? end }
        return end ?? (stopConditions.until == stopAt ? .until : .duration)
      }
      var timeout: Int128 = 250_000_000
      for deadline in [spool.nextDeadline, stopAt].compactMap({ $0 }) {
        timeout = min(timeout, max(0, deadline.nanosecondsSinceEpoch - now.nanosecondsSinceEpoch))
      }
      let (ready, error) = SystemCalls.pollInput(descriptors, timeoutMilliseconds: Int32((timeout + 999_999) / 1_000_000))
      if error != 0 { throw CaptureError(.ioError, offset: nil, "poll failed: \(SystemCalls.errorText(error))") }
      if signalFD >= 0, ready[descriptors.count - 1], let sig = SystemCalls.drainByte(signalFD) {
        return .signal(Int32(sig))
      }
      if ready[sources.count] {
        _ = SystemCalls.drainByte(wakeRead)
        return .requested
      }
      // Every source is drained on each pass (not only the readable ones): TPACKET_V3 blocks retire on a timer
      // that does not always wake poll, and draining an idle ring costs one status load.
      for (i, s) in sources.enumerated() where alive[i] {
        let result = try drain(s, index: i, limit: limit, before: nil)
        if let e = result.end { return e }
        alive[i] = result.alive
        if !result.alive { onSourceEnd?(i) }
      }
      if !alive.contains(true) { return .sourcesEnded }
      if !(try spool.tick(now: SystemClock.now(), counters: counters)) { return .diskGuard(spool.stopMessage ?? "disk guard") }
      let mono = SystemCalls.monotonicNanoseconds()
      if mono >= nextStatus {
        nextStatus = mono + 1_000_000_000
        publish()
      }
    }
  }

  /// How long a stop by signal or request keeps draining, so frames already captured but still in a ring block
  /// that the kernel has not handed over yet (it does within its retire timeout) are written: 300 ms.
  public var settleNanoseconds: Int64 = 300_000_000

  /// Drains every source until ``settleNanoseconds`` have passed.
  func settle() throws(CaptureError) {
    let until = SystemCalls.monotonicNanoseconds() + settleNanoseconds
    while true {
      for (i, s) in sources.enumerated() {
        if try drain(s, index: i, limit: stopConditions.packets, before: nil).end != nil { return }
      }
      let left = until - SystemCalls.monotonicNanoseconds()
      if left <= 0 { return }
      _ = SystemCalls.pollInput(sources.map(\.descriptor), timeoutMilliseconds: Int32(min(left / 1_000_000 + 1, 50)))
    }
  }

  /// Drains one source into the spool; an ending if one was reached.
  func drain(_ source: any PacketSource, index: Int, limit: Int?, before: CaptureTimestamp?) throws(CaptureError) -> (end: CaptureEnd?, alive: Bool) {
    var end: CaptureEnd?
    let spool = self.spool
    let onFrame = self.onFrame
    let counters = self.counters
    let alive = try source.drain { (frame: CapturedFrame) throws(CaptureError) -> Bool in
      if let before, frame.timestamp >= before { return true }  // after the stop time: not kept
      var f = frame
      f.interface = index
      guard try spool.write(f, counters: counters) else {
        end = .diskGuard(spool.stopMessage ?? "disk guard")
        return false
      }
      onFrame?(f)
      if let limit, spool.totalPackets >= limit {
        end = .packets
        return false
      }
      return true
    }
    return (end, alive)
  }
}

@available(*, unavailable)
extension CaptureRunner: Sendable {}
