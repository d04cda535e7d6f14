public import BACnetDecode
public import PcapKit

/// One captured packet taken through the whole pipeline: capture facts, link summary, and the BACnet decode.
///
/// Produced by ``BACnetPipeline/decode(_:)``. A value type: keep it as long as you like (its BACnet fields may
/// hold slices of the packet's bytes, which keeps that buffer alive).
///
/// Which BACnet fields are set depends on ``carrier``:
///
/// | carrier | ``message`` | ``mstp`` |
/// |---|---|---|
/// | ``BACnetCarrier/udpPort``, ``BACnetCarrier/udpHeuristic`` | BVLC + NPDU + APDU/network message | nil |
/// | ``BACnetCarrier/ethernetLLC`` | NPDU + APDU/network message (no BVLC) | nil |
/// | ``BACnetCarrier/mstp`` | the NPDU/APDU of a data frame (same value as `mstp.message`), else nil | the frame |
/// | ``BACnetCarrier/none`` | nil | nil |
///
/// ```swift
/// var pipeline = BACnetPipeline()
/// while let record = try reader.next() {
///   guard case .packet(let p) = record else { continue }
///   let d = pipeline.decode(p)
///   if let apdu = d.message?.apdu { print(d.frameNumber, apdu.summary) }
/// }
/// ```
public struct DecodedPacket: Sendable {
  /// 1-based packet number in the stream the pipeline was fed (as tshark's `frame.number`).
  public var frameNumber: Int
  /// Interface ID of the packet within its pcapng section (0 for classic pcap).
  public var interfaceID: Int
  /// When the packet was captured.
  public var timestamp: CaptureTimestamp
  /// False when the record carried no timestamp (pcapng Simple Packet Block); ``timestamp`` is then meaningless.
  public var hasTimestamp: Bool
  /// The packet's link-layer type.
  public var linkType: LinkType
  /// Bytes captured.
  public var capturedLength: Int
  /// Bytes on the wire.
  public var originalLength: Int
  /// MACs, VLANs, IPs, ports and where the header walk stopped.
  public var link: LinkSummary
  /// How the packet reached BACnet (``BACnetCarrier/none`` when it is not BACnet).
  public var carrier: BACnetCarrier
  /// Byte position, counted from the first captured byte, where the BACnet bytes start (the BVLC, the NPDU of
  /// BACnet/Ethernet, or the MS/TP record); nil when not BACnet, or when the decode covers a reassembled IP
  /// datagram. Add it to a BACnet diagnostic offset to point into the frame (``diagnostics`` already does).
  public var bacnetOffset: Int?
  /// The BVLC/NPDU/APDU decode (for MS/TP data frames, the carried NPDU/APDU); nil when there is none.
  public var message: BACnetMessage? {
    get { messageBox?.value }
    set { messageBox = newValue.map(DecodeBox.init) }
  }
  /// The MS/TP frame decode for LINKTYPE 165 records.
  public var mstp: MSTPDecode? {
    get { mstpBox?.value }
    set { mstpBox = newValue.map(DecodeBox.init) }
  }
  /// When this packet's APDU is the last segment of a segmented message whose earlier segments were all seen:
  /// the whole message, decoded (its service data is the joined segments).
  public var reassembledAPDU: APDU? {
    get { reassembledBox?.value }
    set { reassembledBox = newValue.map(DecodeBox.init) }
  }

  // The decodes are held out of line: they are large (about 1.2 KB together) and the packet value is moved
  // several times per packet on its way from the pipeline to the analyzers; a box makes each move a pointer copy.
  var messageBox: DecodeBox<BACnetMessage>?
  var mstpBox: DecodeBox<MSTPDecode>?
  var reassembledBox: DecodeBox<APDU>?
  /// Set when the packet is an IP fragment.
  public var fragment: FragmentState?
  /// Every diagnostic for the packet, offsets counted from the first captured byte (or from the reassembled UDP
  /// payload when ``fragment`` is ``FragmentState/reassembled(fragments:)``): the pipeline's own (layers
  /// `BACnetDiagnostic/Layer/link` and `BACnetDiagnostic/Layer/reassembly`) followed by the decoder's.
  public var diagnostics: [BACnetDiagnostic]
  /// BACnet/IP on a configured port (``BACnetCarrier/udpPort``): whether the source and the destination port are in
  /// the port set. A client polling from an ephemeral port has only its destination port in the set.
  public var sourcePortIsBACnet = false
  /// See ``sourcePortIsBACnet``.
  public var destinationPortIsBACnet = false
  /// A UDP packet left undecoded (``BACnetCarrier/none``: not on a configured port, heuristic off) whose payload
  /// nevertheless passes ``BVLCHeuristic``: evidence of BACnet/IP on a port nobody configured.
  public var looksLikeBVLC = false

  /// Creates a value (the pipeline makes these; tests and replay tools may build their own).
  public init(
    frameNumber: Int, interfaceID: Int = 0, timestamp: CaptureTimestamp, hasTimestamp: Bool = true,
    linkType: LinkType, capturedLength: Int, originalLength: Int, link: LinkSummary, carrier: BACnetCarrier = .none,
    bacnetOffset: Int? = nil, message: BACnetMessage? = nil, mstp: MSTPDecode? = nil, reassembledAPDU: APDU? = nil,
    fragment: FragmentState? = nil, diagnostics: [BACnetDiagnostic] = []
  ) {
    self.frameNumber = frameNumber
    self.interfaceID = interfaceID
    self.timestamp = timestamp
    self.hasTimestamp = hasTimestamp
    self.linkType = linkType
    self.capturedLength = capturedLength
    self.originalLength = originalLength
    self.link = link
    self.carrier = carrier
    self.bacnetOffset = bacnetOffset
    self.messageBox = message.map(DecodeBox.init)
    self.mstpBox = mstp.map(DecodeBox.init)
    self.reassembledBox = reassembledAPDU.map(DecodeBox.init)
    self.fragment = fragment
    self.diagnostics = diagnostics
  }

  /// True when the packet carries BACnet (any ``carrier`` but ``BACnetCarrier/none``).
  public var isBACnet: Bool { carrier.isBACnet }

  /// The APDU, if any (BACnet/IP, BACnet/Ethernet or an MS/TP data frame).
  public var apdu: APDU? { message?.apdu }

  /// The NPDU, if any.
  public var npdu: NPDU? { message?.npdu }

  /// The BVLC header (BACnet/IP and BACnet/IPv6 only).
  public var bvlc: BVLC? { message?.bvlc }

  /// The one-line BACnet summary shown by `optigo-pcap list`: `BACnet-APDU confirmed-REQ readProperty[5]
  /// analog-input,1 present-value`, `BACnet-NPDU Who-Is-Router-To-Network`, `BVLC Register-Foreign-Device …`,
  /// `MS/TP Token 5 -> 16`; nil when the packet is not BACnet (and was not held for reassembly).
  public var summary: String? {
    switch carrier {
    case .none:
      if fragment == .held { return "IP fragment (reassembled later)" }
      return nil
    case .mstp:
      guard let d = mstp else { return nil }
      guard let f = d.frame else { return d.summary }
      if let m = d.message { return "MS/TP \(f.summary): \(Self.messageSummary(m))" }
      return "MS/TP \(f.summary)"
    default:
      guard let m = message else { return nil }
      var s = Self.messageSummary(m)
      if case .reassembled(let n)? = fragment { s += " [reassembled from \(n) IP fragments]" }
      if let whole = reassembledAPDU { s += " (reassembled \(whole.serviceData.count) octets)" }
      return s
    }
  }

  static func messageSummary(_ m: BACnetMessage) -> String {
    if let a = m.apdu { return "BACnet-APDU " + a.summary }
    if let n = m.networkMessage { return "BACnet-NPDU " + n.summary }
    if let n = m.npdu { return n.summary }
    return m.summary
  }

  /// The whole decode as indented text, one field per line (`list --verbose`); empty when not BACnet.
  public var treeText: String {
    var s = ""
    if let d = mstp {
      s = d.treeText
    } else if let m = message {
      var copy = m
      copy.diagnostics = []
      s = copy.treeText
    }
    if let whole = reassembledAPDU {
      s += "Reassembled APDU (\(whole.serviceData.count) octets)\n"
      let inner = BACnetMessage(apdu: whole).treeText
      for line in inner.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
        s += "    " + line + "\n"
      }
    }
    if !diagnostics.isEmpty {
      s += "Diagnostics\n"
      for d in diagnostics { s += "    \(d.layer) \(d.code) at byte \(d.offset): \(d.message)\n" }
    }
    return s
  }
}

/// A heap box for a large decode, so that ``DecodedPacket`` stays small to move.
///
/// Immutable once handed out: only a ``BoxPool`` writes `value`, and only while it holds the sole reference (no
/// ``DecodedPacket`` shares the box any more), which is what makes the unchecked `Sendable` sound.
final class DecodeBox<Value: Sendable>: @unchecked Sendable {
  fileprivate(set) var value: Value
  init(_ value: Value) { self.value = value }
}

/// Reuses one ``DecodeBox`` from packet to packet: when the previous packet's decode has been dropped by its
/// consumer, its box is refilled instead of allocating a new one, so the pipeline allocates nothing per packet.
struct BoxPool<Value: Sendable> {
  private var spare: DecodeBox<Value>?

  /// A box holding `value`: the spare box when no one else references it, else a new one (which becomes the spare).
  mutating func box(_ value: consuming Value) -> DecodeBox<Value> {
    if var b = spare {
      spare = nil
      if isKnownUniquelyReferenced(&b) {
        b.value = value
        spare = b
        return b
      }
    }
    let b = DecodeBox(value)
    spare = b
    return b
  }
}
