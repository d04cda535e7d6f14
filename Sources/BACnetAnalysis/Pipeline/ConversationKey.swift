internal import BACnetDecode

/// Identifies one direction of a BACnet conversation for segment reassembly: the link/IP endpoints, the UDP
/// ports, and the NPDU source/destination network addresses (so segments from two devices behind one router
/// are kept apart). Held inline (addresses up to 8 bytes packed into integers).
public struct ConversationKey: Hashable, Sendable {
  /// Carrier-specific source: IPv4 address / high half of IPv6 / MAC / MS/TP station.
  var sourceHigh: UInt64 = 0
  var sourceLow: UInt64 = 0
  var destinationHigh: UInt64 = 0
  var destinationLow: UInt64 = 0
  var ports: UInt32 = 0
  var npduSource: UInt64 = 0
  var npduDestination: UInt64 = 0
  var networks: UInt32 = 0
  var flags: UInt8 = 0

  init() {}

  static func pack(_ mac: ArraySlice<UInt8>) -> UInt64 {
    var v: UInt64 = UInt64(mac.count) << 56
    for (k, b) in mac.prefix(7).enumerated() { v |= UInt64(b) << UInt64(k * 8) }
    return v
  }

  mutating func add(npdu: NPDU?) {
    guard let n = npdu else { return }
    if let s = n.source {
      npduSource = Self.pack(s.mac)
      networks |= UInt32(s.network) << 16
      flags |= 1
    }
    if let d = n.destination {
      npduDestination = Self.pack(d.mac)
      networks |= UInt32(d.network)
      flags |= 2
    }
  }
}
