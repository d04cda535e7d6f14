import PcapKit

/// Packets whose IPv4 source is a broadcast address (255.255.255.255, or an address the capture shows as the
/// destination of link-layer broadcasts, such as 192.168.0.255): no station owns such an address, so these are
/// copies of other stations' broadcasts reflected by some box (a NAT router, a misconfigured BBMD). They count in
/// the traffic tables; the device, discovery, network and request analyzers never see them.
struct ReflectedBroadcasts {
  /// IPv4 addresses seen as the destination of an Ethernet broadcast (at most 64).
  var broadcastAddresses: Set<UInt32> = []
  var evidence = Evidence()
  /// `ip (hardware MAC)` of each reflecting source (at most 8).
  var sources: [String] = []

  init(config: SummaryConfiguration) {
    evidence = Evidence(limit: config.evidenceLimit)
  }

  /// Learns broadcast destinations from `d` and says whether its source is one.
  mutating func isReflected(_ d: borrowing DecodedPacket, frame: Int) -> Bool {
    guard case .v4(let source)? = d.link.sourceIP else { return false }
    guard source == 0xFFFF_FFFF || (!broadcastAddresses.isEmpty && broadcastAddresses.contains(source)) else {
      // Learnt only from sound sources: a reflector sends to unicast addresses inside Ethernet broadcasts.
      if let dm = d.link.destinationMAC, dm.rawValue == 0xFFFF_FFFF_FFFF, case .v4(let dst)? = d.link.destinationIP,
         broadcastAddresses.count < 64, !broadcastAddresses.contains(dst) {
        broadcastAddresses.insert(dst)
      }
      return false
    }
    evidence.note(frame)
    if sources.count < 8 {
      let text = "\(IPAddress.v4(source))" + (d.link.sourceMAC.map { " (\($0))" } ?? "")
      if !sources.contains(text) { sources.append(text) }
    }
    return true
  }

  func finding() -> Finding {
    evidence.isEmpty
      ? Finding(check: "networks.broadcast_source", status: .ok, message: "no message comes from a broadcast address")
      : Finding(check: "networks.broadcast_source", status: .warn, evidence: evidence,
                message: "\(evidence.count) BACnet message(s) from a broadcast source address: " + sources.joined(separator: ", ")
                  + " reflects other stations' broadcasts (not counted as a device)")
  }
}
