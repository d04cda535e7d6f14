#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
public import PcapKit

/// The octets of one `read(2)` and the `CLOCK_REALTIME` time the read returned.
public struct SerialChunk: Sendable {
  /// The octets read.
  public var bytes: [UInt8]
  /// When the read returned, in nanoseconds since the epoch.
  public var arrivalNs: Int64

  /// A chunk.
  public init(bytes: [UInt8], arrivalNs: Int64) {
    self.bytes = bytes
    self.arrivalNs = arrivalNs
  }
}

/// What the reading thread hands over: chunks in arrival order, and how the line ended, if it did.
struct SerialReaderState: Sendable {
  var chunks: [SerialChunk] = []
  var queuedOctets = 0
  var overflowOctets = 0
  var overflowReads = 0
  var reads = 0
  var ended: String?
}

/// The state shared between the reading thread and its owner (immutable descriptors and a mutex).
final class SerialReaderShared: Sendable {
  let fd: Int32
  let stopRead: Int32, stopWrite: Int32
  let wakeRead: Int32, wakeWrite: Int32
  let maximumQueuedOctets: Int
  let state = Mutex(SerialReaderState())

  init(fd: Int32, stop: (read: Int32, write: Int32), wake: (read: Int32, write: Int32), maximumQueuedOctets: Int) {
    self.fd = fd
    stopRead = stop.read
    stopWrite = stop.write
    wakeRead = wake.read
    wakeWrite = wake.write
    self.maximumQueuedOctets = maximumQueuedOctets
  }

  /// The thread body: poll the line and the stop pipe; time-stamp every read the moment it returns.
  func run() {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      guard let ev = SerialSystemCalls.poll([fd, stopRead], timeoutMs: -1) else {
        end("poll failed: \(SerialSystemCalls.errorText(errno))")
        return
      }
      if ev[1] != 0 { return }
      if ev[0] == 0 { continue }
      let n = SerialSystemCalls.read(fd, into: &buffer)
      let now = SerialSystemCalls.realtimeNs()
      if n > 0 {
        let chunk = SerialChunk(bytes: Array(buffer[0..<n]), arrivalNs: now)
        let wasEmpty = state.withLock { s -> Bool in
          s.reads += 1
          guard s.queuedOctets + n <= maximumQueuedOctets else {
            s.overflowOctets += n
            s.overflowReads += 1
            return false
          }
          let e = s.chunks.isEmpty
          s.chunks.append(chunk)
          s.queuedOctets += n
          return e
        }
        if wasEmpty { SerialSystemCalls.poke(wakeWrite) }
      } else if n == -Int(EAGAIN) || n == -Int(EINTR) {
        continue
      } else {
        end(n == 0 ? "end of file on the line" : "read failed: \(SerialSystemCalls.errorText(Int32(-n)))")
        return
      }
    }
  }

  private func end(_ why: String) {
    state.withLock { $0.ended = why }
    SerialSystemCalls.poke(wakeWrite)
  }
}

/// A dedicated thread reading a serial line with `poll`/`read`, time-stamping each read with `CLOCK_REALTIME`
/// as it returns, and queueing the chunks for the consumer (``take(timeoutMs:)``).
///
/// The thread does nothing but read, so disk writes, rotation and reporting never delay the timestamps. The
/// queue is bounded (``maximumQueuedOctets``); octets beyond it are counted in ``overflowOctets``, never lost
/// silently. A read error or hang-up (the adapter unplugged, a pty's other side closed) ends the thread and is
/// reported by ``endReason``.
public final class SerialReader {
  private let shared: SerialReaderShared
  private var thread: pthread_t?
  /// The most octets queued before new ones are counted as overflow.
  public let maximumQueuedOctets: Int

  /// Starts a reading thread on an open, configured descriptor (not owned: the caller closes it after ``stop()``).
  /// - Throws: `CaptureError.Code.ioError` when the pipes or the thread cannot be created.
  public init(fileDescriptor fd: Int32, maximumQueuedOctets: Int = 16 << 20) throws(CaptureError) {
    guard let stop = SerialSystemCalls.pipe() else {
      throw CaptureError(.ioError, offset: nil, "cannot create a pipe: \(SerialSystemCalls.errorText(errno))")
    }
    guard let wake = SerialSystemCalls.pipe() else {
      SerialSystemCalls.close(stop.read); SerialSystemCalls.close(stop.write)
      throw CaptureError(.ioError, offset: nil, "cannot create a pipe: \(SerialSystemCalls.errorText(errno))")
    }
    self.maximumQueuedOctets = max(1, maximumQueuedOctets)
    shared = SerialReaderShared(fd: fd, stop: stop, wake: wake, maximumQueuedOctets: self.maximumQueuedOctets)
    guard let t = SerialThread.start(shared) else {
      for f in [stop.read, stop.write, wake.read, wake.write] { SerialSystemCalls.close(f) }
      throw CaptureError(.ioError, offset: nil, "cannot start the serial reading thread")
    }
    thread = t
  }

  deinit { stop() }

  /// Waits up to `timeoutMs` for chunks and returns all queued ones (empty on timeout or once the line ended).
  public func take(timeoutMs: Int32) -> [SerialChunk] {
    if thread != nil { SerialSystemCalls.drain(shared.wakeRead) }
    var chunks = grab()
    if chunks.isEmpty, timeoutMs != 0, thread != nil, endReason == nil {
      _ = SerialSystemCalls.poll([shared.wakeRead], timeoutMs: timeoutMs)
      SerialSystemCalls.drain(shared.wakeRead)
      chunks = grab()
    }
    return chunks
  }

  private func grab() -> [SerialChunk] {
    shared.state.withLock { s in
      let c = s.chunks
      s.chunks = []
      s.queuedOctets = 0
      return c
    }
  }

  /// Why the line ended (read error, hang-up), nil while it is open.
  public var endReason: String? { shared.state.withLock { $0.ended } }
  /// Octets read but not queued because the consumer fell behind by ``maximumQueuedOctets``.
  public var overflowOctets: Int { shared.state.withLock { $0.overflowOctets } }
  /// Reads lost to a full queue.
  public var overflowReads: Int { shared.state.withLock { $0.overflowReads } }
  /// Reads that returned data.
  public var reads: Int { shared.state.withLock { $0.reads } }
  /// A descriptor that becomes readable when chunks are queued or the line ended (for the owner's `poll`);
  /// ``take(timeoutMs:)`` empties it.
  public var wakeDescriptor: Int32 { shared.wakeRead }

  /// Stops and joins the thread, then closes the pipes. Chunks still queued stay available to ``take(timeoutMs:)``.
  public func stop() {
    guard let t = thread else { return }
    thread = nil
    SerialSystemCalls.poke(shared.stopWrite)
    SerialThread.join(t)
    for f in [shared.stopRead, shared.stopWrite, shared.wakeRead, shared.wakeWrite] { SerialSystemCalls.close(f) }
  }
}

/// pthread plumbing (the only raw pointers of the reader).
enum SerialThread {
  static func start(_ shared: SerialReaderShared) -> pthread_t? {
    let context = unsafe Unmanaged.passRetained(shared).toOpaque()
    var t = pthread_t()
    let r = unsafe pthread_create(&t, nil, { raw in
      guard let raw = unsafe raw else { return nil }
      let s = unsafe Unmanaged<SerialReaderShared>.fromOpaque(raw).takeRetainedValue()
      s.run()
      return nil
    }, context)
    if r != 0 {
      unsafe Unmanaged<SerialReaderShared>.fromOpaque(context).release()
      return nil
    }
    return t
  }

  static func join(_ t: pthread_t) { _ = pthread_join(t, nil) }
}
