/// The test behind ``BACnetPipeline/Configuration/heuristic``: does a UDP payload on a non-BACnet port look like
/// BACnet/IP? Reads at most a few header bytes; allocates nothing.
public enum BVLCHeuristic: Sendable {
  /// True when `payload` starts with a BVLC of type 0x81 (Annex J) or 0x82 (Annex U) whose function is known,
  /// whose length field equals the payload length, and, when the function carries an NPDU, whose NPDU starts with
  /// version 1.
  public static func looksLikeBVLC(_ payload: ArraySlice<UInt8>) -> Bool {
    guard payload.count >= 4 else { return false }
    let s = payload.startIndex
    let type = payload[s], function = payload[s + 1]
    let length = Int(payload[s + 2]) << 8 | Int(payload[s + 3])
    guard length == payload.count else { return false }
    let npduOffset: Int?
    switch (type, function) {
    case (0x81, 0x09), (0x81, 0x0A), (0x81, 0x0B): npduOffset = 4  // Distribute-Broadcast, Original-Unicast/Broadcast
    case (0x81, 0x04): npduOffset = 10  // Forwarded-NPDU: original B/IP address (6)
    case (0x81, 0x00...0x0C): npduOffset = nil
    case (0x82, 0x01): npduOffset = 10  // Original-Unicast: source and destination VMAC
    case (0x82, 0x02), (0x82, 0x0C): npduOffset = 7  // Original-Broadcast, Distribute-Broadcast: source VMAC
    case (0x82, 0x08): npduOffset = 25  // Forwarded-NPDU: source VMAC, original B/IPv6 address (18)
    case (0x82, 0x00...0x0C): npduOffset = nil
    default: return false
    }
    if let o = npduOffset {
      guard length > o else { return false }
      return payload[s + o] == 0x01
    }
    return true
  }
}
