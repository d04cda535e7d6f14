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
  /// FNV digest of a Confirmed-Request's service choice and data (retry detection).
  var requestDigest = 0
  /// Octets of a Confirmed-Request or ComplexACK APDU (header and service data; 0 for other types).
  var apduLength = 0
  /// Confirmed-Request: the max-APDU-length-accepted code (0–5 for 50, 128, 206, 480, 1024, 1476 octets).
  var maxAPDUCode: UInt8 = 0xFF
  /// I-Am / I-Have: instance, vendor, max APDU, segmentation.
  var announced: (UInt32, UInt16?, UInt32?, UInt32?)?
  /// Who-Is with a range.
  var whoIsRanged = false

  /// Reads the message of `d` (nil when the packet carries none). Each layer is copied out of the decode once.
  init?(_ p: borrowing AnalysisPacket, _ d: borrowing DecodedPacket) {
    guard let box = d.messageBox else { return nil }
    let m = box.value
    var src = p.linkSource
    var linkBroadcast = false
    if let b = m.bvlc {
      bvlcType = b.type
      bvlcFunction = b.function
      if b.type == 0x81 {
        switch b.function {
        case 0x04:
          linkBroadcast = true
          if let o = b.originalSource {
            forwardedBy = p.linkSource
            src = .bip(ipv4: o.ipv4, port: o.port)
          }
        case 0x09, 0x0B: linkBroadcast = true
        default: break
        }
      } else if b.type == 0x82 {
        switch b.function {
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
    if let n = m.npdu {
      if let s = n.source {
        routedVia = p.linkSource
        snet = s.network
        src = AddressKey.packing(s.mac, network: s.network)
      }
      if let t = n.destination {
        dst = AddressKey.packing(t.mac, network: t.network)
        if t.network == 0xFFFF {
          scope = .global
        } else if t.mac.isEmpty {
          scope = .remote
        } else {
          scope = .directed
        }
      }
      hopCount = n.hopCount
      messageType = n.messageType?.rawValue
    }
    source = src
    destination = dst
    if let a = m.apdu {
      apduType = a.pduType.rawValue
      apduFlags = a.flags
      invokeID = a.invokeID
      service = a.serviceChoice
      sequenceNumber = a.sequenceNumber
      windowSize = a.windowSize
      switch apduType {
      case 0:
        requestDigest = RequestAnalyzer.digest(a.serviceData) &+ Int(a.serviceChoice ?? 0)
        apduLength = a.serviceData.count + (a.isSegmented ? 6 : 4)
        maxAPDUCode = a.maxAPDUCode ?? 0xFF
      case 3: apduLength = a.serviceData.count + (a.isSegmented ? 5 : 3)
      case 1:
        switch a.parameters {
        case .iAm(let i): announced = (i.device.instance, i.vendorID.rawValue, i.maxAPDULengthAccepted, i.segmentation.rawValue)
        case .iHave(let h): announced = (h.device.instance, nil, nil, nil)
        case .whoIs(let w): whoIsRanged = w.lowLimit != nil
        default: break
        }
      case 5:
        errorClass = a.errorClass?.rawValue
        errorCode = a.errorCode?.rawValue
      case 6: reason = a.rejectReason?.rawValue
      case 7: reason = a.abortReason?.rawValue
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
