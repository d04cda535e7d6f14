import BACnetDecode

/// How far a message was meant to go (clause 6.3.2 and Annex J broadcasts).
struct DiscoveryScope: RawRepresentable, Hashable, Sendable {
  var rawValue: UInt8
  /// DNET 0xFFFF.
  static let global = DiscoveryScope(rawValue: 0)
  /// A DNET with no DADR: a broadcast on a remote network.
  static let remote = DiscoveryScope(rawValue: 1)
  /// A link-level broadcast on the local network.
  static let local = DiscoveryScope(rawValue: 2)
  /// To one station.
  static let directed = DiscoveryScope(rawValue: 3)
  static let names = ["global", "remote", "local", "directed"]
  var name: String { Self.names[Int(rawValue)] }
}

/// The BACnet addresses and header fields of one message, read once per packet for every analyzer.
///
/// The source is the NPDU's SNET/SADR when present (the device behind a router), else the Forwarded-NPDU's
/// original B/IP address (the device, never the BBMD), else the link source. The destination is DNET/DADR when
/// present, else the link destination; broadcasts have an empty MAC. Header fields are copied out as scalars so
/// the analyzers never copy the (large) decoded message.
struct MessageContext {
  var source: AddressKey?
  var destination: AddressKey?
  /// The router's link address when the source sits behind a router.
  var routedVia: AddressKey?
  /// The BBMD's link address when the message is a Forwarded-NPDU.
  var forwardedBy: AddressKey?
  var scope: DiscoveryScope
  // BVLC
  var bvlcType: UInt8 = 0
  var bvlcFunction: UInt8 = 0
  // NPDU
  var snet: UInt16?
  var hopCount: UInt8?
  var messageType: UInt8?
  // APDU (apduType 0xFF when there is none)
  var apduType: UInt8 = 0xFF
  var apduFlags: UInt8 = 0
  var invokeID: UInt8?
  var service: UInt8?
  var sequenceNumber: UInt8?
  var windowSize: UInt8?
  var errorClass: UInt32?
  var errorCode: UInt32?
  var reason: UInt8?

  init(_ p: AnalysisPacket, _ d: DecodedPacket) {
    var src = p.linkSource
    var linkBroadcast = false
    if let t = d.message?.bvlc?.type {
      bvlcType = t
      bvlcFunction = d.message?.bvlc?.function ?? 0
      if t == 0x81 {
        switch bvlcFunction {
        case 0x04:
          linkBroadcast = true
          if let o = d.message?.bvlc?.originalSource {
            forwardedBy = p.linkSource
            src = .bip(ipv4: o.ipv4, port: o.port)
          }
        case 0x09, 0x0B: linkBroadcast = true
        default: break
        }
      } else if t == 0x82 {
        switch bvlcFunction {
        case 0x08:
          linkBroadcast = true
          forwardedBy = p.hostSource
        case 0x02, 0x0C: linkBroadcast = true
        default: break
        }
      }
    } else if let dst = p.linkDestination {
      if dst.kind == .mstp { linkBroadcast = dst.mac == 0xFF }
      if dst.kind == .ethernet { linkBroadcast = dst.mac & 0x0100_0000_0000 != 0 }
    }
    var dst: AddressKey? = linkBroadcast ? AddressKey(kind: .other, network: 0, length: 0, mac: 0) : p.linkDestination
    scope = linkBroadcast ? .local : .directed
    if let net = d.message?.npdu?.source?.network {
      routedVia = p.linkSource
      snet = net
      src = AddressKey.packing(d.message?.npdu?.source?.mac ?? [], network: net)
    }
    if let net = d.message?.npdu?.destination?.network {
      let mac = d.message?.npdu?.destination?.mac ?? []
      dst = AddressKey.packing(mac, network: net)
      if net == 0xFFFF {
        scope = .global
      } else if mac.isEmpty {
        scope = .remote
      } else {
        scope = .directed
      }
    }
    hopCount = d.message?.npdu?.hopCount
    messageType = d.message?.npdu?.messageType?.rawValue
    source = src
    destination = dst
    if let t = d.message?.apdu?.pduType.rawValue {
      apduType = t
      apduFlags = d.message?.apdu?.flags ?? 0
      invokeID = d.message?.apdu?.invokeID
      service = d.message?.apdu?.serviceChoice
      sequenceNumber = d.message?.apdu?.sequenceNumber
      windowSize = d.message?.apdu?.windowSize
      switch t {
      case 5:
        errorClass = d.message?.apdu?.errorClass?.rawValue
        errorCode = d.message?.apdu?.errorCode?.rawValue
      case 6: reason = d.message?.apdu?.rejectReason?.rawValue
      case 7: reason = d.message?.apdu?.abortReason?.rawValue
      default: break
      }
    }
  }

  var isBroadcast: Bool { destination.map { $0.length == 0 } ?? false }
  /// SEG (Confirmed-Request, ComplexACK).
  var isSegmented: Bool { (apduType == 0 || apduType == 3) && apduFlags & 0x08 != 0 }
  /// MOR (Confirmed-Request, ComplexACK).
  var moreFollows: Bool { (apduType == 0 || apduType == 3) && apduFlags & 0x04 != 0 }
  /// SRV (SegmentACK, Abort).
  var sentByServer: Bool { (apduType == 4 || apduType == 7) && apduFlags & 0x01 != 0 }
  /// NAK (SegmentACK).
  var negativeACK: Bool { apduType == 4 && apduFlags & 0x02 != 0 }
}
