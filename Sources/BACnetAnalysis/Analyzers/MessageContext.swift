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

/// The BACnet addresses of one message, normalised once for every analyzer.
///
/// The source is the NPDU's SNET/SADR when present (the device behind a router), else the Forwarded-NPDU's
/// original B/IP address (the device, never the BBMD), else the link source. The destination is DNET/DADR when
/// present, else the link destination; broadcasts have an empty MAC.
struct MessageContext {
  var source: AddressKey?
  var destination: AddressKey?
  /// The router's link address when the source sits behind a router.
  var routedVia: AddressKey?
  /// The BBMD's link address when the message is a Forwarded-NPDU.
  var forwardedBy: AddressKey?
  var scope: DiscoveryScope

  init(_ p: AnalysisPacket, _ m: BACnetMessage) {
    var src = p.linkSource
    var linkBroadcast = false
    if let b = m.bvlc {
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
    } else if let d = p.linkDestination {
      if d.kind == .mstp { linkBroadcast = d.mac == 0xFF }
      if d.kind == .ethernet { linkBroadcast = d.mac & 0x0100_0000_0000 != 0 }
    }
    var dst: AddressKey? = linkBroadcast ? AddressKey(kind: .other, network: 0, length: 0, mac: 0) : p.linkDestination
    scope = linkBroadcast ? .local : .directed
    if let n = m.npdu {
      if let s = n.source {
        routedVia = p.linkSource
        src = AddressKey.packing(s.mac, network: s.network)
      }
      if let d = n.destination {
        dst = AddressKey.packing(d.mac, network: d.network)
        if d.network == 0xFFFF {
          scope = .global
        } else if d.mac.isEmpty {
          scope = .remote
        } else {
          scope = .directed
        }
      }
    }
    source = src
    destination = dst
  }

  var isBroadcast: Bool { destination.map { $0.length == 0 } ?? false }
}
