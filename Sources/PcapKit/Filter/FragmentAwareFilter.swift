/// Identifies the fragments of one IP datagram (RFC 791 section 2.3; RFC 8200 section 4.5).
struct FragmentKey: Hashable, Sendable {
  var source: IPAddress
  var destination: IPAddress
  var proto: UInt8
  var identification: UInt32

  init?(_ layers: PacketLayers) {
    guard let fragment = layers.fragment, let source = layers.source, let destination = layers.destination,
      let proto = layers.ipProtocol
    else { return nil }
    self.source = source
    self.destination = destination
    self.proto = proto.rawValue
    self.identification = fragment.identification
  }
}

/// The port predicate made stateful for IP fragments, with order-preserving output.
///
/// A later fragment of a datagram carries no ports; it is kept when the datagram's first fragment matched. The
/// filter remembers the verdicts of recent first fragments (``fragmentMemory`` datagrams). A later fragment that
/// arrives *before* its first fragment is held back for up to ``window`` packets: if the first fragment then
/// matches, the held fragment is kept and output keeps the input order (every kept item behind a held fragment
/// waits with it); otherwise it is dropped as ``FilterReason/unmatchedFragment``.
///
/// The filter is independent of I/O: `Held` is whatever the caller needs to write an item later (a copy of the
/// record). The protocol per input item, in order:
///
/// ```swift
/// switch filter.submit(layers) {            // for a packet; submitOther() for any other record
/// case .keep: write(record)                 // nothing held: write it now, no copy
/// case .drop: break
/// case .hold: filter.hold(copy(record), byteCount: record.count)
/// }
/// while let item = filter.popReady() { write(item) }
/// // at the end of input:
/// filter.finish(); while let item = filter.popReady() { write(item) }
/// ```
public struct FragmentAwareFilter<Held> {
  /// What to do with a submitted item.
  public enum Decision: Hashable, Sendable {
    /// Write it now.
    case keep(FilterReason)
    /// Discard it.
    case drop(FilterReason)
    /// Pass it to ``FragmentAwareFilter/hold(_:byteCount:)``: its fate or its turn is not known yet.
    case hold
  }

  enum State { case keep, drop, pending(FragmentKey) }

  struct Entry {
    var item: Held?
    var state: State
    var byteCount: Int
  }

  /// The predicate applied to every packet.
  public let predicate: PortFilter
  /// The most items held back at once (pending fragments and the kept items queued behind them).
  public let window: Int
  /// The most bytes held back at once.
  public let maxHeldBytes: Int
  /// How many first-fragment verdicts are remembered.
  public let fragmentMemory: Int
  /// Packets counted by reason so far (held packets are counted once decided).
  public private(set) var account = FilterAccount()

  var verdicts: [FragmentKey: Bool] = [:]
  var verdictOrder: [FragmentKey] = []
  var verdictNext = 0
  var queue: [Entry] = []
  var head = 0
  var heldBytes = 0
  var pendingCount = 0
  var nextState: State? = nil

  /// Creates a filter.
  /// - Parameters:
  ///   - predicate: the port predicate.
  ///   - window: most items held while waiting for a first fragment (default 1,024).
  ///   - maxHeldBytes: most bytes held (default 8 MiB).
  ///   - fragmentMemory: first-fragment verdicts remembered (default 4,096 datagrams).
  public init(predicate: PortFilter, window: Int = 1024, maxHeldBytes: Int = 8 << 20, fragmentMemory: Int = 4096) {
    self.predicate = predicate
    self.window = max(window, 1)
    self.maxHeldBytes = max(maxHeldBytes, 1)
    self.fragmentMemory = max(fragmentMemory, 1)
  }

  /// True while items are held back; while it is, every kept item must be held too (to keep the order).
  public var isHolding: Bool { head < queue.count }

  /// Decides on one packet, in input order.
  /// - Parameter layers: the packet's walk.
  /// - Returns: ``Decision/keep(_:)``, ``Decision/drop(_:)``, or ``Decision/hold`` (then call ``hold(_:byteCount:)``
  ///   with the packet before submitting anything else).
  public mutating func submit(_ layers: PacketLayers) -> Decision {
    var reason = predicate.verdict(for: layers)
    if let fragment = layers.fragment, let key = FragmentKey(layers) {
      if fragment.isFirst {
        let matched = reason == .portMatch
        remember(key, matched: matched)
        resolvePending(key, keep: matched)
      } else if reason == .unmatchedFragment {
        switch verdicts[key] {
        case true?: reason = .fragmentOfMatch
        case false?: break
        case nil:
          nextState = .pending(key)
          return .hold
        }
      }
    }
    if !reason.keeps {
      account.add(reason)
      return .drop(reason)
    }
    account.add(reason)
    if isHolding {
      nextState = .keep
      return .hold
    }
    return .keep(reason)
  }

  /// Counts a packet already decided by ``PortFilter/quickVerdict(linkType:frame:)`` (an unfragmented datagram,
  /// so no fragment state is involved). Call only while ``isHolding`` is false.
  /// - Parameter reason: the verdict.
  @inline(__always)
  public mutating func count(_ reason: FilterReason) {
    account.add(reason)
  }

  /// Decides on a record that is not a packet (section header, interface description, statistics, …): such
  /// records are always kept.
  /// - Returns: true to write it now; false to pass it to ``hold(_:byteCount:)``.
  public mutating func submitOther() -> Bool {
    account.otherRecords += 1
    if isHolding {
      nextState = .keep
      return false
    }
    return true
  }

  /// Holds the item just submitted (after ``Decision/hold`` or a `false` from ``submitOther()``).
  /// - Parameters:
  ///   - item: what the caller needs to write it later (a copy: the reader's buffer moves on).
  ///   - byteCount: its size, for the ``maxHeldBytes`` bound.
  public mutating func hold(_ item: Held, byteCount: Int) {
    guard let state = nextState else { preconditionFailure("hold(_:byteCount:) without a submission asking for it") }
    nextState = nil
    if case .pending = state { pendingCount += 1 }
    queue.append(Entry(item: item, state: state, byteCount: byteCount))
    heldBytes += byteCount
    while queue.count - head > window || heldBytes > maxHeldBytes, pendingCount > 0 {
      expireOldestPending()
    }
  }

  /// The next item ready to write, in input order; nil when nothing is ready.
  public mutating func popReady() -> Held? {
    while head < queue.count {
      switch queue[head].state {
      case .pending: return nil
      case .drop:
        release()
      case .keep:
        let item = queue[head].item
        release()
        return item
      }
    }
    return nil
  }

  /// Ends the input: every fragment still waiting for its first fragment is dropped. Drain with ``popReady()``.
  public mutating func finish() {
    while pendingCount > 0 { expireOldestPending() }
  }

  mutating func release() {
    heldBytes -= queue[head].byteCount
    queue[head].item = nil
    head += 1
    if head == queue.count {
      queue.removeAll(keepingCapacity: true)
      head = 0
    } else if head >= 1024 && head * 2 >= queue.count {
      queue.removeFirst(head)
      head = 0
    }
  }

  mutating func remember(_ key: FragmentKey, matched: Bool) {
    if verdicts.updateValue(matched, forKey: key) != nil { return }
    if verdictOrder.count < fragmentMemory {
      verdictOrder.append(key)
    } else {
      verdicts[verdictOrder[verdictNext]] = nil
      verdictOrder[verdictNext] = key
      verdictNext = (verdictNext + 1) % fragmentMemory
    }
  }

  mutating func resolvePending(_ key: FragmentKey, keep: Bool) {
    guard pendingCount > 0 else { return }
    for i in head..<queue.count {
      if case .pending(let k) = queue[i].state, k == key {
        queue[i].state = keep ? .keep : .drop
        account.add(keep ? .fragmentOfMatch : .unmatchedFragment)
        pendingCount -= 1
      }
    }
  }

  mutating func expireOldestPending() {
    for i in head..<queue.count {
      if case .pending = queue[i].state {
        queue[i].state = .drop
        account.add(.unmatchedFragment)
        pendingCount -= 1
        return
      }
    }
  }
}
