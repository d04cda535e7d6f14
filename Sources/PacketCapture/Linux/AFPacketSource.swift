public import PcapKit

/// Live BACnet/IP capture on one Linux interface: an AF_PACKET socket whose kernel filter (``KernelFilter``, locked)
/// passes only UDP on the port set and later IP fragments, a TPACKET_V3 ring, VLAN tags re-inserted, and PcapKit's
/// `FragmentAwareFilter` deciding exactly in user space which fragments belong to kept datagrams.
///
/// Needs `CAP_NET_RAW` (not root): without it ``init(_:)`` throws `CaptureError/Code/permissionDenied`.
public final class AFPacketSource: PacketSource {
  /// How to open the source.
  public struct Options: Hashable, Sendable {
    /// The interface name (`eth0`).
    public var interface: String
    /// UDP ports to keep (default: 47808–47823).
    public var ports: PortSet
    /// Bytes kept of each frame (default 262,144).
    public var snapLength: UInt32
    /// Ring block size in bytes (default 1 MiB; a multiple of the page size).
    public var blockSize: Int
    /// Ring blocks (default 16: a 16 MiB ring); fewer are taken if the kernel lacks memory.
    public var blockCount: Int
    /// Block retire timeout in milliseconds (default 250, as dumpcap): a partly filled block is handed over after
    /// at most this long.
    public var retireMilliseconds: Int
    /// Put the interface in promiscuous mode (default true, as dumpcap and tcpdump).
    public var promiscuous: Bool

    /// Options for `interface`.
    public init(interface: String, ports: PortSet = .bacnet, snapLength: UInt32 = 262_144, blockSize: Int = 1 << 20,
                blockCount: Int = 16, retireMilliseconds: Int = 250, promiscuous: Bool = true) {
      self.interface = interface
      self.ports = ports
      self.snapLength = snapLength
      self.blockSize = blockSize
      self.blockCount = blockCount
      self.retireMilliseconds = retireMilliseconds
      self.promiscuous = promiscuous
    }
  }

  /// The interface as written into the capture files.
  public let interface: CaptureInterface
  /// The options in use.
  public let options: Options
  /// The kernel filter attached.
  public let kernelFilter: KernelFilter
  /// Ring blocks actually allocated (fewer than asked when memory was short).
  public var blockCount: Int { socket.ring.blockCount }

  let socket: PacketSocket
  var nextBlock = 0
  var filter: FragmentAwareFilter<HeldFrame>
  /// The filter's predicate, kept apart so the per-packet quick verdict does not copy the generic filter.
  let quick: PortFilter
  /// True while `filter` holds fragments (updated after every call that can change it): while it does, every frame
  /// goes through the filter so frames leave in order.
  var holding = false
  /// The frame being handed over: `buffer[0..<n]`, reused for every frame (never cleared or shrunk).
  var buffer: [UInt8] = []
  var accepted: UInt64 = 0
  var dropped: UInt64 = 0
  var discarded: UInt64 = 0
  let interfaceBase: (rx: UInt64, drop: UInt64)?
  var closed = false
  var holdingSince: Int64?
  var sawSocketError = false
  var goneSince: Int64?

  /// Why the source ended (its interface was removed), nil while it runs.
  public private(set) var endReason: String?

  struct HeldFrame {
    var data: [UInt8]
    var timestamp: CaptureTimestamp
    var originalLength: Int
    var flags: PacketFlags?
  }

  /// Opens the socket and ring (see `PacketSocket` order) and starts receiving.
  /// - Throws: `CaptureError/Code/permissionDenied` without `CAP_NET_RAW`; `CaptureError/Code/invalidArgument`
  ///   for an unknown or non-Ethernet interface or a bad port set; `CaptureError/Code/ioError` otherwise.
  public init(_ options: Options) throws(CaptureError) {
    guard let info = NetworkInterface.named(options.interface) else {
      throw CaptureError(.invalidArgument, offset: nil, "no interface named \(options.interface)")
    }
    guard info.linkType == .ethernet else {
      throw CaptureError(.invalidArgument, offset: nil,
                         "\(options.interface) is not an Ethernet interface (ARPHRD \(info.hardwareType))")
    }
    let program = try KernelFilter(ports: options.ports, snapLength: options.snapLength)
    self.options = options
    self.kernelFilter = program
    self.interface = CaptureInterface(
      name: options.interface, description: "BACnet/IP on \(options.interface), UDP ports \(options.ports)",
      linkType: .ethernet, snapLength: options.snapLength, filter: program.expression)
    self.quick = PortFilter(ports: options.ports, transport: .udp)
    self.filter = FragmentAwareFilter(predicate: quick)
    self.interfaceBase = NetworkInterface.counters(options.interface)
    self.socket = try PacketSocket(
      interface: options.interface, program: program.instructions, blockSize: options.blockSize,
      blockCount: options.blockCount, retireMilliseconds: options.retireMilliseconds, promiscuous: options.promiscuous)
    buffer = [UInt8](repeating: 0, count: min(Int(options.snapLength), 65_536) + 4)
  }

  deinit { close() }

  /// The socket.
  public var descriptor: Int32 { socket.fd }

  /// Walks every block the kernel has handed over, in ring order, and releases each after its frames are written.
  public func drain(_ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
    let ring = socket.ring
    var blocksSeen = 0
    while blocksSeen < ring.blockCount, ring.isReady(nextBlock) {
      let index = nextBlock
      defer {
        ring.release(index)
        nextBlock = (index + 1) % ring.blockCount
      }
      blocksSeen += 1
      let keepGoing = try walk(ring.block(index), deliver)
      if !keepGoing { return true }
    }
    try expireHeld(deliver)
    return checkInterface()
  }

  /// Watches for the interface going away. Taking it down leaves `ENETDOWN` on the socket (poll reports the socket
  /// ready until it is read) — and so does deleting it, which takes it down first, while it still exists. So once
  /// an error was seen the interface's index is looked up on every drain (one `ioctl`): when it no longer exists,
  /// the source keeps draining for the ring's retire timeout plus 100 ms (the kernel still hands over the block
  /// that held the last frames), then ends with ``endReason`` set.
  func checkInterface() -> Bool {
    if socket.takeError() != 0 { sawSocketError = true }
    guard sawSocketError else { return true }
    if let since = goneSince {
      guard SystemCalls.monotonicNanoseconds() - since > Int64(options.retireMilliseconds + 100) * 1_000_000 else {
        return true
      }
      endReason = "interface \(options.interface) was removed"
      return false
    }
    if !socket.interfaceExists() { goneSince = SystemCalls.monotonicNanoseconds() }
    return true
  }

  /// Later fragments whose first fragment never came (lost, or dropped by a full ring) are held at most
  /// ``heldFragmentLimit`` nanoseconds, so sparse traffic behind them is not delayed for long.
  func expireHeld(_ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) {
    guard holding else {
      holdingSince = nil
      return
    }
    let now = SystemCalls.monotonicNanoseconds()
    guard let since = holdingSince else {
      holdingSince = now
      return
    }
    guard now - since >= AFPacketSource.heldFragmentLimit else { return }
    holdingSince = nil
    filter.finish()
    defer { holding = filter.isHolding }
    while let held = filter.popReady() {
      let frame = CapturedFrame(timestamp: held.timestamp, data: held.data[...], originalLength: held.originalLength,
                                flags: held.flags)
      if !(try deliver(frame)) { return }
    }
  }

  /// How long later fragments wait for their first fragment: 1 s.
  static let heldFragmentLimit: Int64 = 1_000_000_000

  /// Walks one block (live or plain bytes) through VLAN re-insertion and the user-space filter.
  func walk<M: BlockMemory>(_ block: M, _ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
    var failure: CaptureError?
    var proceed = true
    let snap = Int(options.snapLength)
    _ = BlockWalker.walk(block) { packet in
      let (count, wire) = BlockWalker.copyFrame(packet, in: block, into: &buffer)
      let kept = min(count, snap)
      let time = CaptureTimestamp(seconds: Int64(packet.seconds), nanoseconds: Int64(packet.nanoseconds))
      let flags = packet.packetType.map(AFPacketSource.flags)
      do throws(CaptureError) {
        proceed = try submit(time: time, count: kept, length: max(wire, kept), flags: flags, deliver)
      } catch {
        failure = error
        proceed = false
      }
      return proceed
    }
    if let failure { throw failure }
    return proceed
  }

  /// Decides on the frame in `buffer[0..<count]`: the quick verdict when nothing is held (most frames: complete
  /// datagrams), else the fragment-aware filter, which may hold it and release earlier ones.
  func submit(time: CaptureTimestamp, count: Int, length: Int, flags: PacketFlags?,
              _ deliver: (CapturedFrame) throws(CaptureError) -> Bool) throws(CaptureError) -> Bool {
    let slice = buffer[0..<count]
    if !holding, let verdict = quick.quickVerdict(linkType: .ethernet, frame: slice) {
      guard verdict.keeps else {
        discarded += 1
        return true
      }
      return try deliver(CapturedFrame(timestamp: time, data: slice, originalLength: length, flags: flags))
    }
    defer { holding = filter.isHolding }
    switch filter.submit(PacketLayers(linkType: .ethernet, frame: slice)) {
    case .keep:
      if !(try deliver(CapturedFrame(timestamp: time, data: slice, originalLength: length, flags: flags))) { return false }
    case .drop:
      discarded += 1
    case .hold:
      if holdingSince == nil { holdingSince = SystemCalls.monotonicNanoseconds() }
      filter.hold(HeldFrame(data: Array(slice), timestamp: time, originalLength: length, flags: flags), byteCount: count)
    }
    while let held = filter.popReady() {
      let frame = CapturedFrame(timestamp: held.timestamp, data: held.data[...], originalLength: held.originalLength,
                                flags: held.flags)
      if !(try deliver(frame)) { return false }
    }
    return true
  }

  /// `epb_flags` from `sll_pkttype`: direction and reception type.
  static func flags(_ packetType: UInt8) -> PacketFlags {
    switch packetType {
    case 0: PacketFlags(rawValue: 1 | 1 << 2)  // inbound, unicast
    case 1: PacketFlags(rawValue: 1 | 3 << 2)  // inbound, broadcast
    case 2: PacketFlags(rawValue: 1 | 2 << 2)  // inbound, multicast
    case 3: PacketFlags(rawValue: 1 | 4 << 2)  // inbound, promiscuous
    case 4: PacketFlags(rawValue: 2)  // outbound
    default: PacketFlags(rawValue: 0)
    }
  }

  /// Cumulative counters: `PACKET_STATISTICS` summed over reads, the interface's counters since the start, frames
  /// discarded by the user-space filter, and the share of ring blocks waiting for user space.
  public func status() -> SourceStatus {
    if !closed {
      let s = socket.readStatistics()
      accepted += s.packets
      dropped += s.drops
    }
    var counters = InterfaceCounters(filterAccepted: accepted, osDropped: dropped)
    if let base = interfaceBase, let now = NetworkInterface.counters(options.interface) {
      counters.received = now.rx &- base.rx
      counters.interfaceDropped = now.drop &- base.drop
    }
    var waiting = 0
    if !closed { for i in 0..<socket.ring.blockCount where socket.ring.isReady(i) { waiting += 1 } }
    return SourceStatus(counters: counters, discarded: discarded,
                        fill: Double(waiting) / Double(max(socket.ring.blockCount, 1)))
  }

  /// Closes the socket (the ring is unmapped when the source is released).
  public func close() {
    guard !closed else { return }
    closed = true
    socket.close()
  }
}

@available(*, unavailable)
extension AFPacketSource: Sendable {}
