// The signal side of ``InterruptCleanup``: a fixed table of C-string paths and a handler that only unlinks them and
// calls `_exit` — both async-signal-safe — so a temporary output never outlives an interrupted process. The table
// is allocated once, before any handler is installed; the handler touches nothing else (no allocation, no lock, no
// Swift runtime call beyond reading that table).
#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif
internal import Synchronization

enum SignalCleanup {
  /// Temporary files that can be registered at once; further ones are simply not cleaned up on a signal.
  static let capacity = 64

  /// The registered paths (`strdup` copies, nil = free slot). Written under ``lock``; read by the handler, which
  /// may see a slot just before or just after a change (both are harmless: unlinking a renamed-away name fails).
  nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    unsafe table.initialize(repeating: nil, count: capacity)
    return unsafe table
  }()

  /// Serialises registrations (never taken by the handler).
  static let lock = Mutex<Bool>(false)

  /// Adds `path` to the table; returns its slot, or nil when the table is full.
  static func register(_ path: String) -> Int? {
    lock.withLock { _ in
      let table = unsafe slots
      for i in 0..<capacity where unsafe table[i] == nil {
        guard let copy = unsafe strdup(path) else { return nil }
        unsafe table[i] = copy
        return i
      }
      return nil
    }
  }

  /// Frees a slot (after a rename or a removal).
  static func unregister(_ slot: Int) {
    guard slot >= 0 && slot < capacity else { return }
    lock.withLock { _ in
      let table = unsafe slots
      let copy = unsafe table[slot]
      unsafe table[slot] = nil
      unsafe free(copy)
    }
  }

  /// The registered paths, as Swift strings.
  static func registeredPaths() -> [String] {
    lock.withLock { _ in
      let table = unsafe slots
      var paths: [String] = []
      for i in 0..<capacity {
        if let path = unsafe table[i] { paths.append(unsafe String(cString: path)) }
      }
      return paths
    }
  }

  /// Installs the handler for SIGINT, SIGTERM, SIGHUP (unless they are ignored, as for a background job started
  /// with `nohup`) and SIGPIPE, and unblocks them in the calling thread. Idempotent.
  static func install() {
    lock.withLock { installed in
      if installed { return }
      installed = true
      _ = unsafe slots  // allocate the table before any handler can run
      for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
        var old = sigaction()
        guard unsafe sigaction(signal, nil, &old) == 0 else { continue }
        // SIG_IGN is the handler value 1.
        let ignored = unsafe unsafeBitCast(old.__sigaction_handler.sa_handler, to: Int.self) == 1
        if signal != SIGPIPE && ignored { continue }
        var action = sigaction()
        unsafe action.__sigaction_handler.sa_handler = handler
        unsafe sigemptyset(&action.sa_mask)
        for blocked in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { unsafe sigaddset(&action.sa_mask, blocked) }
        action.sa_flags = 0
        _ = unsafe sigaction(signal, &action, nil)
      }
      // A parent may have spawned us with these signals blocked (the mask is inherited): unblock them, in this
      // thread and so in every thread it starts later.
      var unblock = sigset_t()
      unsafe sigemptyset(&unblock)
      for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { unsafe sigaddset(&unblock, signal) }
      _ = unsafe pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
  }

  /// Unlinks every registered path, then exits with 128 + the signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP,
  /// 141 SIGPIPE), quietly, as a shell reports a job a signal ended.
  static let handler: @convention(c) (Int32) -> Void = { signal in
    let table = unsafe SignalCleanup.slots
    for i in 0..<SignalCleanup.capacity {
      if let path = unsafe table[i] { _ = unsafe unlink(path) }
    }
    _exit(128 + signal)
  }
}
