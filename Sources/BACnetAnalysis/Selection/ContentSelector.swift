public import BACnetDecode
import PcapKit

/// Selects decoded packets by BACnet content, keeping a confirmed request and its replies together, in input
/// order.
///
/// **Matching.** A packet satisfies an option when its decode does (`ContentCriteria.facets(of:reassembled:)`;
/// ``addresses`` against its link addresses). Options are combined with AND, the values of one option with OR.
///
/// **Transactions.** A Confirmed-Request, its segments, the SegmentACKs and the reply (SimpleACK, ComplexACK and its
/// segments, Error, Reject or Abort), matched by client and server address and invoke ID, form one transaction: it
/// is kept or dropped as a whole, and it is kept when *each* option is satisfied by *some* packet of it (so
/// `--object analog-input,1 --pdu-type error` keeps the ReadProperty of that object together with its Error).
/// Every other packet is judged alone. A request is held back until its transaction is decided: as soon as the
/// options are all satisfied (then the rest of the transaction follows without waiting), when the reply arrives,
/// or when ``window`` packets are held (then it is decided on what was seen). A reply whose request was not seen
/// (before the capture began, or more than ``transactionMemory`` transactions ago) is judged alone.
///
/// **IP fragments.** A fragment held for reassembly by the ``BACnetPipeline`` shares the fate of the packet that
/// completes its datagram.
///
/// Like `FragmentAwareFilter` the selector is independent of I/O: `Held` is whatever the caller needs to emit an
/// item later.
///
/// ```swift
/// var selector = ContentSelector<CaptureRecord>(criteria: criteria)
/// switch selector.submit(decoded) {        // submitOther() for records that are not packets
/// case .keep: write(record)
/// case .drop: break
/// case .hold: selector.hold(record)
/// }
/// while let r = selector.popReady() { write(r) }
/// // at the end: selector.finish(), then drain popReady()
/// ```
public struct ContentSelector<Held> {
  /// What to do with a submitted item.
  public enum Decision: Hashable, Sendable {
    /// Emit it now.
    case keep
    /// Discard it.
    case drop
    /// Pass it to ``ContentSelector/hold(_:)``.
    case hold
  }

  /// A transaction, a reassembled datagram or a lone packet whose verdict may still be open.
  final class Group {
    var facets: ContentFacets
    var verdict: Bool?
    /// Set when this group's fate is another's (held fragments of a datagram follow the packet completing it).
    var target: Group?
    var key: TransactionKey?
    var datagram: IPReassembler.Key?
    init(_ facets: ContentFacets, verdict: Bool? = nil) {
      self.facets = facets
      self.verdict = verdict
    }
    var root: Group {
      var g = self
      var hops = 0
      while let t = g.target, hops < 64 {
        g = t
        hops += 1
      }
      return g
    }
  }

  struct Entry {
    var item: Held?
    var group: Group?
    var keep: Bool
    /// False for a packet kept only because its transaction matched; nil for a non-packet record.
    var own: Bool?
    /// A packet without BACnet (counted under ``ContentAccount/notBACnet`` when dropped).
    var notBACnet = false
  }

  /// The BACnet criteria.
  public let criteria: ContentCriteria
  /// The addresses (`--address`, any of them).
  public let addresses: [AddressSelector]
  /// The options that must all be satisfied.
  public let required: ContentFacets
  /// Most items held back at once.
  public let window: Int
  /// Open transactions remembered (the oldest is closed beyond this).
  public let transactionMemory: Int
  /// Packets kept and dropped so far.
  public private(set) var account = ContentAccount()

  var open: [TransactionKey: Group] = [:]
  /// Open transactions in opening order, with their group (a key may be reopened: only its current group counts).
  var openOrder: [(TransactionKey, Group?)] = []
  var openHead = 0
  var closed: [TransactionKey: Bool] = [:]
  var closedOrder: [TransactionKey] = []
  var closedNext = 0
  var datagrams: [IPReassembler.Key: Group] = [:]
  var queue: [Entry] = []
  var head = 0
  var pendingHold: Entry?

  /// Creates a selector.
  /// - Parameters:
  ///   - criteria: the BACnet criteria.
  ///   - addresses: addresses, any of which a packet must be to or from (none: no address option).
  ///   - window: most items held back while a transaction or a datagram is open (default 4,096).
  ///   - transactionMemory: open and closed transactions remembered (default 4,096 each).
  public init(criteria: ContentCriteria, addresses: [AddressSelector] = [], window: Int = 4096,
              transactionMemory: Int = 4096) {
    self.criteria = criteria
    self.addresses = addresses
    var r = criteria.required
    if !addresses.isEmpty { r.insert(.address) }
    self.required = r
    self.window = max(window, 1)
    self.transactionMemory = max(transactionMemory, 1)
  }

  /// True while items are held back; while it is, every item must be held (to keep the order).
  public var isHolding: Bool { head < queue.count }

  /// The options `d` satisfies on its own.
  public func facets(of d: borrowing DecodedPacket) -> ContentFacets {
    var f = criteria.facets(of: d.messageBox?.value, reassembled: d.reassembledBox?.value)
    if !addresses.isEmpty, addresses.contains(where: { $0.matches(d) }) { f.insert(.address) }
    return f
  }

  /// Decides on one decoded packet, in input order.
  /// - Returns: ``Decision/keep``, ``Decision/drop``, or ``Decision/hold`` (then call ``hold(_:)`` before the next
  ///   submission).
  public mutating func submit(_ d: borrowing DecodedPacket) -> Decision {
    let own = facets(of: d)
    let satisfied = own.isSuperset(of: required)
    if d.fragment == .held {
      guard let key = Self.datagramKey(d) else { return decided(false, own: false) }
      let g = datagrams[key] ?? Group(own)
      g.datagram = key
      datagrams[key] = g
      return pending(g, own: satisfied)
    }
    guard d.isBACnet else { return decided(false, own: false, countAs: .notBACnet) }
    var group: Group? = nil
    var verdict: Bool? = satisfied ? true : nil
    switch TransactionRole(d) {
    case .request(let key)?:
      // A new request (not a later segment) with the key of an open transaction starts a new one: the old one
      // (unanswered, or a retry's first attempt) is decided on what it has.
      let continues = d.messageBox?.value.apdu.map { $0.isSegmented && ($0.sequenceNumber ?? 0) != 0 } ?? false
      if !continues, let old = open[key] { close(key, old) }
      let g = open[key] ?? openTransaction(key)
      g.facets.formUnion(own)
      if g.verdict == nil, g.facets.isSuperset(of: required) { g.verdict = true }
      group = g
    case .continuation(let key)?, .reply(let key)?:
      if let g = open[key] {
        g.facets.formUnion(own)
        if g.verdict == nil, g.facets.isSuperset(of: required) { g.verdict = true }
        if case .reply? = TransactionRole(d) { close(key, g) }
        group = g
      } else if let v = closed[key] {
        verdict = v || satisfied
      } else {
        verdict = satisfied
      }
    case nil:
      verdict = satisfied
    }
    if case .reassembled? = d.fragment, let key = Self.datagramKey(d), let dg = datagrams.removeValue(forKey: key) {
      if let group { dg.target = group } else { dg.verdict = verdict ?? false }
    }
    sweepOpen()
    if let group { return pending(group, own: satisfied) }
    return decided(verdict ?? false, own: satisfied)
  }

  /// Counts a record that is not a packet (always kept).
  /// - Returns: true to emit it now; false to pass it to ``hold(_:)``.
  public mutating func submitOther() -> Bool {
    account.otherRecords += 1
    if isHolding {
      pendingHold = Entry(item: nil, group: nil, keep: true, own: nil)
      return false
    }
    return true
  }

  /// Holds the item just submitted (after ``Decision/hold`` or a `false` from ``submitOther()``).
  public mutating func hold(_ item: Held) {
    guard var e = pendingHold else { return }
    pendingHold = nil
    e.item = item
    queue.append(e)
    while queue.count - head > window, expireOldest() {}
  }

  /// The next item ready, in input order; nil when none is.
  public mutating func popReady() -> Held? {
    while head < queue.count {
      var keep = queue[head].keep
      if let g = queue[head].group {
        guard let v = g.root.verdict else { return nil }
        keep = v
      }
      let e = queue[head]
      release()
      if let own = e.own {
        if e.notBACnet { account.countDrop(.notBACnet) } else { account.count(keep: keep, own: own) }
      }
      if keep { return e.item }
    }
    return nil
  }

  /// Ends the input: every open transaction and datagram is decided on what was seen. Drain with ``popReady()``.
  public mutating func finish() {
    for i in head..<queue.count {
      if let g = queue[i].group?.root, g.verdict == nil { g.verdict = g.facets.isSuperset(of: required) }
    }
    open.removeAll()
    datagrams.removeAll()
  }

  // MARK: - Internals

  mutating func decided(_ keep: Bool, own: Bool, countAs reason: ContentAccount.DropReason = .mismatch) -> Decision {
    if isHolding {
      pendingHold = Entry(item: nil, group: nil, keep: keep, own: own, notBACnet: reason == .notBACnet)
      return .hold
    }
    if keep {
      account.count(keep: true, own: own)
      return .keep
    }
    account.countDrop(reason)
    return .drop
  }

  mutating func pending(_ g: Group, own: Bool) -> Decision {
    if !isHolding, let v = g.root.verdict { return decided(v, own: own) }
    pendingHold = Entry(item: nil, group: g, keep: false, own: own)
    return .hold
  }

  mutating func openTransaction(_ key: TransactionKey) -> Group {
    let g = Group([])
    g.key = key
    open[key] = g
    openOrder.append((key, g))
    return g
  }

  mutating func close(_ key: TransactionKey, _ g: Group) {
    if g.verdict == nil { g.verdict = g.facets.isSuperset(of: required) }
    open[key] = nil
    remember(key, g.verdict ?? false)
  }

  mutating func remember(_ key: TransactionKey, _ verdict: Bool) {
    if closed.updateValue(verdict, forKey: key) != nil { return }
    if closedOrder.count < transactionMemory {
      closedOrder.append(key)
    } else {
      closed[closedOrder[closedNext]] = nil
      closedOrder[closedNext] = key
      closedNext = (closedNext + 1) % transactionMemory
    }
  }

  /// Closes the oldest open transactions beyond ``transactionMemory`` (a request never answered).
  mutating func sweepOpen() {
    while openOrder.count - openHead > transactionMemory {
      let (key, g) = openOrder[openHead]
      openOrder[openHead].1 = nil
      openHead += 1
      if let g, open[key] === g { close(key, g) }
    }
    if openHead >= 1024, openHead * 2 >= openOrder.count {
      openOrder.removeFirst(openHead)
      openHead = 0
    }
  }

  /// Decides the group of the oldest undecided held item on what it has. False when nothing was undecided.
  mutating func expireOldest() -> Bool {
    for i in head..<queue.count {
      guard let g = queue[i].group?.root, g.verdict == nil else { continue }
      g.verdict = g.facets.isSuperset(of: required)
      if let key = g.key, open[key] === g { close(key, g) }
      if let key = g.datagram, datagrams[key] === g { datagrams[key] = nil }
      return true
    }
    return false
  }

  mutating func release() {
    queue[head].item = nil
    queue[head].group = nil
    head += 1
    if head == queue.count {
      queue.removeAll(keepingCapacity: true)
      head = 0
    } else if head >= 1024 && head * 2 >= queue.count {
      queue.removeFirst(head)
      head = 0
    }
  }

  static func datagramKey(_ d: borrowing DecodedPacket) -> IPReassembler.Key? {
    guard let f = d.link.layers.fragment, let s = d.link.layers.source, let t = d.link.layers.destination else {
      return nil
    }
    return IPReassembler.Key(source: s, destination: t, proto: 17, identification: f.identification)
  }
}

@available(*, unavailable)
extension ContentSelector: Sendable {}

/// Packets kept and dropped by a ``ContentSelector``.
public struct ContentAccount: Hashable, Sendable, CustomStringConvertible {
  /// Why a packet was dropped.
  public enum DropReason: Hashable, Sendable {
    /// It carries no BACnet.
    case notBACnet
    /// Its content (or its transaction's) does not satisfy the options.
    case mismatch
  }
  /// Packets kept because they satisfy every option themselves.
  public var matched = 0
  /// Packets kept because their transaction does (a reply, a segment, a SegmentACK, a held IP fragment).
  public var withTransaction = 0
  /// Packets dropped that carry no BACnet.
  public var notBACnet = 0
  /// Packets dropped whose content does not satisfy the options.
  public var mismatched = 0
  /// Records that are not packets (all kept).
  public var otherRecords = 0

  /// An empty account.
  public init() {}

  /// Packets read.
  public var read: Int { kept + dropped }
  /// Packets kept.
  public var kept: Int { matched + withTransaction }
  /// Packets dropped.
  public var dropped: Int { notBACnet + mismatched }

  mutating func count(keep: Bool, own: Bool) {
    if keep {
      if own { matched += 1 } else { withTransaction += 1 }
    } else {
      mismatched += 1
    }
  }

  mutating func countDrop(_ r: DropReason) {
    if r == .notBACnet { notBACnet += 1 } else { mismatched += 1 }
  }

  /// `read 100, kept 12 (matched 8, with-transaction 4), dropped 88 (content 80, not-bacnet 8)`.
  public var description: String {
    "read \(read), kept \(kept) (matched \(matched), with-transaction \(withTransaction)), dropped \(dropped) "
      + "(content \(mismatched), not-bacnet \(notBACnet))"
  }
}
