internal import BACnetDecode
public import PcapKit

/// The per-packet path shared by the CLI, the capture daemon and the analysis server: a PcapKit `Packet`
/// through the link-layer walk to the BACnet decoders, giving a ``DecodedPacket``.
///
/// BACnet is reached by
/// * **BACnet/IP and BACnet/IPv6**: UDP with a source or destination port in ``Configuration/ports`` (47808–47823
///   by default), or on any other port when ``Configuration/heuristic`` is on and ``BVLCHeuristic`` accepts the
///   payload; decoded with `BACnetDecoder.decodeBVLL`;
/// * **BACnet/Ethernet**: IEEE 802.3 + LLC `82 82 03` (also inside VLAN tags and Linux cooked captures); the LLC
///   payload is an NPDU, decoded with `BACnetDecoder.decodeNPDU`;
/// * **MS/TP**: LINKTYPE 165 records (with or without the `55 FF` preamble), decoded with
///   `BACnetDecoder.decodeMSTP`.
///
/// The pipeline is stateful only for reassembly: fragmented IP datagrams are joined (bounded; see
/// ``Configuration``) and decoded on the packet that completes them, and segmented APDUs are joined into
/// ``DecodedPacket/reassembledAPDU``. Use one pipeline per capture stream (``reset()`` between files).
///
/// On the common path (a packet that is neither a fragment nor a segment) the pipeline allocates nothing: a BACnet
/// packet's decode goes into a small box (which keeps ``DecodedPacket`` a few hundred bytes to move) that is reused
/// for the next packet once the consumer has dropped the previous ``DecodedPacket``; besides that, what BACnetDecode
/// allocates for the values it returns is the only heap traffic (none for most messages in
/// `DecodeMode.summary` mode).
///
/// ```swift
/// var pipeline = BACnetPipeline(configuration: .init(heuristic: true))
/// var reader = try CaptureReader(path: "site.pcapng")
/// while let record = try reader.next() {
///   guard case .packet(let packet) = record else { continue }
///   let decoded = pipeline.decode(packet)
///   if decoded.isBACnet { print(decoded.frameNumber, decoded.summary ?? "") }
/// }
/// ```
///
/// `Sendable`, deliberately: a server may build a pipeline where it accepts an upload and move it into the task
/// that reads it (or keep it in an actor). It is a value holding one stream's reassembly state, so it is still one
/// pipeline per stream, used by one task at a time; the decode boxes it reuses are shared with the
/// ``DecodedPacket``s it returned only until those are dropped (see `BoxPool`), which holds across threads as it
/// does for arrays.
public struct BACnetPipeline: Sendable {
  /// The settings in force.
  public let configuration: Configuration
  /// How many packets were decoded so far; the next ``decode(_:)`` numbers its packet `packetsSeen + 1`.
  public private(set) var packetsSeen = 0

  var ipReassembler: IPReassembler
  var segments: SegmentReassembler<ConversationKey>
  var messageBoxes = BoxPool<BACnetMessage>()
  var mstpBoxes = BoxPool<MSTPDecode>()

  /// Creates a pipeline.
  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
    self.ipReassembler = IPReassembler(
      maxPending: configuration.maxPendingDatagrams, maxBytes: configuration.maxDatagramBytes,
      timeoutPackets: configuration.fragmentTimeoutPackets)
    self.segments = SegmentReassembler(
      maxPending: configuration.maxPendingSegmentedMessages, maxMessageBytes: configuration.maxSegmentedMessageBytes)
    self.segments.mode = configuration.decodeMode
  }

  /// Forgets reassembly state and restarts frame numbering at 1 (call between capture files).
  public mutating func reset() {
    self = BACnetPipeline(configuration: configuration)
  }

  /// IP datagrams currently held for reassembly.
  public var pendingDatagrams: Int { ipReassembler.pending.count }
  /// IP datagrams dropped incomplete so far (timeout, eviction, inconsistent fragments).
  public var droppedDatagrams: Int { ipReassembler.dropped }
  /// Segmented BACnet messages currently held.
  public var pendingSegmentedMessages: Int { segments.pendingCount }

  /// Decodes the next packet of the stream, numbering it ``packetsSeen`` + 1.
  public mutating func decode(_ packet: Packet) -> DecodedPacket {
    decode(packet, frameNumber: packetsSeen + 1)
  }

  /// Decodes a packet with an explicit frame number (for callers that number packets themselves, e.g. after a
  /// filter). ``packetsSeen`` becomes `frameNumber`.
  public mutating func decode(_ packet: Packet, frameNumber: Int) -> DecodedPacket {
    packetsSeen = frameNumber
    return decode(linkType: packet.linkType, data: packet.data, frameNumber: frameNumber,
                  interfaceID: packet.interfaceID, timestamp: packet.timestamp, hasTimestamp: packet.hasTimestamp,
                  originalLength: packet.originalLength)
  }

  /// Decodes raw frame bytes (for callers without a `Packet`: live capture, tests).
  /// - Parameters:
  ///   - linkType: the frame's link type.
  ///   - data: the captured bytes.
  ///   - frameNumber: the number to give the result.
  ///   - interfaceID: interface ID to record.
  ///   - timestamp: capture time to record.
  ///   - hasTimestamp: false when the time is unknown.
  ///   - originalLength: length on the wire (defaults to `data.count`).
  public mutating func decode(
    linkType: LinkType, data: ArraySlice<UInt8>, frameNumber: Int, interfaceID: Int = 0,
    timestamp: CaptureTimestamp = CaptureTimestamp(nanosecondsSinceEpoch: 0), hasTimestamp: Bool = true,
    originalLength: Int? = nil
  ) -> DecodedPacket {
    packetsSeen = frameNumber
    let link = LinkSummary(linkType: linkType, frame: data)
    var d = DecodedPacket(
      frameNumber: frameNumber, interfaceID: interfaceID, timestamp: timestamp, hasTimestamp: hasTimestamp,
      linkType: linkType, capturedLength: data.count, originalLength: originalLength ?? data.count, link: link)
    fill(&d, data: data)
    return d
  }

  /// Everything after the link-layer walk, written into `d` in place (one packet value per packet, never copied).
  mutating func fill(_ d: inout DecodedPacket, data: ArraySlice<UInt8>) {
    let layers = d.link.layers
    let base = data.startIndex
    switch layers.stop {
    case .truncated:
      d.diagnostics.append(.init(code: .linkTruncated, offset: layers.stopIndex - base,
                                 message: "the capture ends inside a \(headerName(layers)) header", layer: .link))
    case .malformed:
      d.diagnostics.append(.init(code: .linkMalformed, offset: layers.stopIndex - base,
                                 message: "impossible \(headerName(layers)) header", layer: .link))
    case .tooManyHeaders:
      d.diagnostics.append(.init(code: .linkTooManyHeaders, offset: layers.stopIndex - base,
                                 message: "more VLAN tags or IPv6 extension headers than accepted", layer: .link))
    default:
      break
    }

    switch layers.network {
    case .mstp:
      let box = mstpBoxes.box(BACnetDecoder.decodeMSTP(data[layers.payload], mode: configuration.decodeMode))
      d.carrier = .mstp
      d.bacnetOffset = layers.payload.lowerBound - base
      if let message = box.value.message { d.messageBox = messageBoxes.box(message) }
      d.mstpBox = box
      appendDecoderDiagnostics(box.value.diagnostics, to: &d)
      joinSegments(&d, key: mstpKey(box.value))
      return
    case .llc:
      guard let llc = layers.llc, llc.isBACnet, layers.stop == .complete else { return }
      let box = messageBoxes.box(BACnetDecoder.decodeNPDU(data[layers.payload], baseOffset: 0, mode: configuration.decodeMode))
      d.carrier = .ethernetLLC
      d.bacnetOffset = layers.payload.lowerBound - base
      d.messageBox = box
      appendPayloadTruncation(layers, &d)
      appendDecoderDiagnostics(box.value.diagnostics, to: &d)
      joinSegments(&d, key: linkKey(d.link))
      return
    default:
      break
    }

    guard layers.transport == .udp || (layers.fragment != nil && layers.ipProtocol == .udp) else { return }
    if let info = layers.fragment {
      fragment(info, layers: layers, data: data, into: &d)
      return
    }
    guard layers.stop == .complete, let sp = layers.sourcePort, let dp = layers.destinationPort else { return }
    let payload = data[layers.payload]
    if configuration.ports.matches(source: sp, destination: dp) {
      d.carrier = .udpPort
      d.sourcePortIsBACnet = configuration.ports.contains(sp)
      d.destinationPortIsBACnet = configuration.ports.contains(dp)
    } else if BVLCHeuristic.looksLikeBVLC(payload) {
      guard configuration.heuristic else {
        d.looksLikeBVLC = true
        return
      }
      d.carrier = .udpHeuristic
    } else {
      return
    }
    // Decoded straight into its box: the message is never copied.
    let box = messageBoxes.box(BACnetDecoder.decodeBVLL(payload, mode: configuration.decodeMode))
    d.bacnetOffset = layers.payload.lowerBound - base
    d.messageBox = box
    appendPayloadTruncation(layers, &d)
    appendDecoderDiagnostics(box.value.diagnostics, to: &d)
    joinSegments(&d, key: ipKey(d.link, sp, dp))
    return
  }

  // MARK: - IP fragments

  mutating func fragment(_ info: FragmentInfo, layers: PacketLayers, data: ArraySlice<UInt8>,
                         into d: inout DecodedPacket) {
    let base = data.startIndex
    // The part of the IP payload this fragment carries: from the UDP header (first fragment) or the data start.
    let from = info.isFirst ? (layers.transportIndex ?? layers.payload.lowerBound) : layers.payload.lowerBound
    let bytes = data[from..<max(from, layers.payload.upperBound)]
    guard configuration.reassembleIPFragments, Self.ipDatagramCaptured(layers, data),
          let src = layers.source, let dst = layers.destination
    else {
      unreassembled(info, layers: layers, data: data, reason: configuration.reassembleIPFragments
                    ? "the fragment was not captured whole" : "IP reassembly is off", into: &d)
      return
    }
    let key = IPReassembler.Key(source: src, destination: dst, proto: 17, identification: info.identification)
    switch ipReassembler.add(key, info, bytes, now: d.frameNumber) {
    case .held:
      d.fragment = .held
      d.diagnostics.append(.init(code: .ipFragmentHeld, offset: from - base,
                                 message: "IP fragment at offset \(info.offset) (id \(info.identification)) held for reassembly",
                                 layer: .reassembly))
      return
    case .rejected(let why):
      unreassembled(info, layers: layers, data: data, reason: why, into: &d)
      return
    case .complete(let whole, let count):
      d.fragment = .reassembled(fragments: count)
      guard whole.count >= 8 else { return }
      let sp = UInt16(whole[0]) << 8 | UInt16(whole[1])
      let dp = UInt16(whole[2]) << 8 | UInt16(whole[3])
      d.link.layers.sourcePort = sp
      d.link.layers.destinationPort = dp
      d.link.layers.transport = .udp
      let udpLength = Int(whole[4]) << 8 | Int(whole[5])
      let end = udpLength >= 8 && udpLength <= whole.count ? udpLength : whole.count
      let payload = whole[8..<end]
      if configuration.ports.matches(source: sp, destination: dp) {
        d.carrier = .udpPort
        d.sourcePortIsBACnet = configuration.ports.contains(sp)
        d.destinationPortIsBACnet = configuration.ports.contains(dp)
      } else if BVLCHeuristic.looksLikeBVLC(payload) {
        guard configuration.heuristic else {
          d.looksLikeBVLC = true
          return
        }
        d.carrier = .udpHeuristic
      } else {
        return
      }
      d.diagnostics.append(.init(code: .ipReassembled, offset: 0,
                                 message: "IP datagram reassembled from \(count) fragments (\(whole.count) bytes); offsets count from its UDP payload",
                                 layer: .reassembly))
      let m = BACnetDecoder.decodeBVLL(payload, mode: configuration.decodeMode)
      d.message = m
      d.diagnostics.append(contentsOf: m.diagnostics)
      joinSegments(&d, key: ipKey(d.link, sp, dp))
      return
    }
  }

  /// A fragment that will not be reassembled: reported; a first fragment on a BACnet port is decoded as far as it goes.
  func unreassembled(_ info: FragmentInfo, layers: PacketLayers, data: ArraySlice<UInt8>, reason: String,
                     into d: inout DecodedPacket) {
    let base = data.startIndex
    d.fragment = .notReassembled
    d.diagnostics.append(.init(code: .ipFragmentNotReassembled, offset: (layers.networkIndex ?? base) - base,
                               message: "IP fragment at offset \(info.offset) (id \(info.identification)) not reassembled: \(reason)",
                               layer: .reassembly))
    guard info.isFirst, layers.stop == .complete, let sp = layers.sourcePort, let dp = layers.destinationPort,
          configuration.ports.matches(source: sp, destination: dp)
    else { return }
    let m = BACnetDecoder.decodeBVLL(data[layers.payload], mode: configuration.decodeMode)
    d.carrier = .udpPort
    d.sourcePortIsBACnet = configuration.ports.contains(sp)
    d.destinationPortIsBACnet = configuration.ports.contains(dp)
    d.bacnetOffset = layers.payload.lowerBound - base
    d.message = m
    appendDecoderDiagnostics(m.diagnostics, to: &d)
    return
  }

  /// True when every byte the IPv4 total length / IPv6 payload length declares was captured (a first fragment's UDP
  /// length exceeds its IP payload legitimately, so `PacketLayers/payloadTruncated` cannot tell).
  static func ipDatagramCaptured(_ l: PacketLayers, _ data: ArraySlice<UInt8>) -> Bool {
    guard let n = l.networkIndex, data.endIndex - n >= 6 else { return false }
    let declared = Int(data[n + 2]) << 8 | Int(data[n + 3])
    switch l.network {
    case .ipv4: return declared == 0 || n + declared <= data.endIndex
    case .ipv6:
      let payload = Int(data[n + 4]) << 8 | Int(data[n + 5])
      return payload == 0 || n + 40 + payload <= data.endIndex
    default: return false
    }
  }

  // MARK: - Helpers

  func headerName(_ l: PacketLayers) -> String {
    switch (l.network, l.transport) {
    case (_, .udp): "UDP"
    case (_, .tcp): "TCP"
    case (.ipv4, _): "IPv4"
    case (.ipv6, _): "IPv6"
    case (.llc, _): "LLC"
    default: "link-layer"
    }
  }

  func appendPayloadTruncation(_ l: PacketLayers, _ d: inout DecodedPacket) {
    guard l.payloadTruncated else { return }
    d.diagnostics.append(.init(code: .linkTruncated, offset: d.capturedLength,
                               message: "the capture ends before the length the headers declare (snap length)",
                               layer: .link))
  }

  /// Appends the decoder's diagnostics, shifted to count from the first captured byte.
  func appendDecoderDiagnostics(_ list: [BACnetDiagnostic], to d: inout DecodedPacket) {
    guard !list.isEmpty else { return }
    let shift = d.bacnetOffset ?? 0
    d.diagnostics.reserveCapacity(d.diagnostics.count + list.count)
    for var x in list {
      x.offset += shift
      d.diagnostics.append(x)
    }
  }

  mutating func joinSegments(_ d: inout DecodedPacket, key: ConversationKey) {
    guard configuration.reassembleSegments, let a = d.messageBox?.value.apdu, a.isSegmented else { return }
    var k = key
    k.add(npdu: d.messageBox?.value.npdu)
    switch segments.add(a, from: k) {
    case .notSegmented, .duplicate:
      break
    case .pending(let n):
      d.diagnostics.append(.init(code: .segmentHeld, offset: d.bacnetOffset ?? 0,
                                 message: "segment \(a.sequenceNumber ?? 0) of invoke id \(a.invokeID ?? 0) held (\(n) so far)",
                                 layer: .reassembly))
    case .complete(let whole, let diags):
      d.reassembledAPDU = whole
      d.diagnostics.append(.init(code: .segmentReassembled, offset: d.bacnetOffset ?? 0,
                                 message: "segmented message of invoke id \(a.invokeID ?? 0) reassembled (\(whole.serviceData.count) octets); the following diagnostics count from its service data",
                                 layer: .reassembly))
      d.diagnostics.append(contentsOf: diags)
    case .abandoned(let reason):
      d.diagnostics.append(.init(code: .segmentAbandoned, offset: d.bacnetOffset ?? 0, message: reason,
                                 layer: .reassembly))
    }
  }

  func ipKey(_ link: LinkSummary, _ sp: UInt16, _ dp: UInt16) -> ConversationKey {
    var k = ConversationKey()
    func split(_ a: IPAddress?) -> (UInt64, UInt64) {
      switch a {
      case .v4(let v): (0, UInt64(v))
      case .v6(let h, let l): (h, l)
      case nil: (0, 0)
      }
    }
    (k.sourceHigh, k.sourceLow) = split(link.sourceIP)
    (k.destinationHigh, k.destinationLow) = split(link.destinationIP)
    k.ports = UInt32(sp) << 16 | UInt32(dp)
    return k
  }

  func linkKey(_ link: LinkSummary) -> ConversationKey {
    var k = ConversationKey()
    k.sourceLow = link.sourceMAC?.rawValue ?? 0
    k.destinationLow = link.destinationMAC?.rawValue ?? 0
    k.flags = 0x10
    return k
  }

  func mstpKey(_ m: MSTPDecode) -> ConversationKey {
    var k = ConversationKey()
    k.sourceLow = UInt64(m.frame?.source ?? 0)
    k.destinationLow = UInt64(m.frame?.destination ?? 0)
    k.flags = 0x20
    return k
  }
}
