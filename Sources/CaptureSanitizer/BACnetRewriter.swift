/// Rewrites the BACnet layers of one message in place: the addresses in the BVLL (Forwarded-NPDU origin, BDT and
/// FDT entries, Delete-FDT-Entry, Annex U virtual addresses and B/IPv6 addresses), the NPDU's SADR and DADR, and the
/// APDU's strings and file data (``APDUStringWalk``), following segmented messages from segment to segment.
///
/// It walks field positions only (a layout walk, not a decode: the decoder's values do not carry the position of
/// every field), never changes a length, and stops silently at whatever it does not understand, leaving the rest
/// as it is.
final class BACnetRewriter {
  /// What carried the NPDU, which decides how a 6-octet SADR/DADR is read.
  enum Carrier {
    /// BACnet/IP or BACnet/IPv6: 6-octet MACs are B/IP addresses (IPv4 and port).
    case ip
    /// BACnet/Ethernet (802.2 LLC): 6-octet MACs are Ethernet addresses.
    case ethernet
    /// MS/TP.
    case mstp
  }

  let addresses: AddressPseudonymizer
  let strings: StringPseudonymizer
  let configuration: SanitizerConfiguration
  private var segments: [SegmentKey: [UInt8: APDUStringWalk]] = [:]
  /// Segments whose predecessor was not seen: left as they are.
  private(set) var unfollowedSegments = 0
  /// The most segmented transactions followed at once (memory bound); more and the oldest state is dropped.
  static let transactionLimit = 1024

  struct SegmentKey: Hashable {
    var conversation: UInt64
    var invokeID: UInt8
    var pduType: UInt8
  }

  init(addresses: AddressPseudonymizer, strings: StringPseudonymizer, configuration: SanitizerConfiguration) {
    self.addresses = addresses
    self.strings = strings
    self.configuration = configuration
  }

  // MARK: BVLL

  /// Rewrites a BACnet/IP or BACnet/IPv6 UDP payload at `bytes[range]`.
  func rewriteBVLL(_ bytes: inout [UInt8], _ range: Range<Int>, conversation: UInt64) {
    let s = range.lowerBound, end = range.upperBound
    guard end - s >= 4 else { return }
    let function = bytes[s + 1]
    switch bytes[s] {
    case 0x81:
      switch function {
      case 0x01, 0x03, 0x07:  // BDT entries {IPv4, port, mask} / FDT entries {IPv4, port, TTL, remaining}
        var e = s + 4
        while e + 10 <= end {
          rewriteIPv4(&bytes, at: e)
          e += 10
        }
      case 0x04:
        guard end - s >= 10 else { return }
        rewriteIPv4(&bytes, at: s + 4)
        rewriteNPDU(&bytes, (s + 10)..<end, carrier: .ip, conversation: conversation)
      case 0x08:
        if end - s >= 10 { rewriteIPv4(&bytes, at: s + 4) }
      case 0x09, 0x0A, 0x0B:
        rewriteNPDU(&bytes, (s + 4)..<end, carrier: .ip, conversation: conversation)
      default:
        break
      }
    case 0x82:
      guard function != 0x0B, end - s >= 7 else { return }
      rewriteVMAC(&bytes, at: s + 4)
      switch function {
      case 0x01:
        guard end - s >= 10 else { return }
        rewriteVMAC(&bytes, at: s + 7)
        rewriteNPDU(&bytes, (s + 10)..<end, carrier: .ip, conversation: conversation)
      case 0x02, 0x0C:
        rewriteNPDU(&bytes, (s + 7)..<end, carrier: .ip, conversation: conversation)
      case 0x03, 0x05, 0x07:
        if end - s >= 10 { rewriteVMAC(&bytes, at: s + 7) }
      case 0x04:
        guard end - s >= 10 else { return }
        rewriteVMAC(&bytes, at: s + 7)
        if end - s >= 26 { rewriteIPv6(&bytes, at: s + 10) }
      case 0x08:
        guard end - s >= 25 else { return }
        rewriteIPv6(&bytes, at: s + 7)
        rewriteNPDU(&bytes, (s + 25)..<end, carrier: .ip, conversation: conversation)
      case 0x0A:
        if end - s >= 25 { rewriteIPv6(&bytes, at: s + 7) }
      default:
        break
      }
    default:
      break
    }
  }

  func rewriteIPv4(_ bytes: inout [UInt8], at i: Int) {
    let a = UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    let p = addresses.ipv4(a)
    for k in 0..<4 { bytes[i + k] = UInt8(truncatingIfNeeded: p >> UInt32(24 - 8 * k)) }
  }

  func rewriteIPv6(_ bytes: inout [UInt8], at i: Int) {
    var high: UInt64 = 0, low: UInt64 = 0
    for k in 0..<8 { high = high << 8 | UInt64(bytes[i + k]) }
    for k in 8..<16 { low = low << 8 | UInt64(bytes[i + k]) }
    let p = addresses.ipv6(high: high, low: low)
    for k in 0..<8 { bytes[i + k] = UInt8(truncatingIfNeeded: p.high >> UInt64(56 - 8 * k)) }
    for k in 0..<8 { bytes[i + 8 + k] = UInt8(truncatingIfNeeded: p.low >> UInt64(56 - 8 * k)) }
  }

  func rewriteMAC(_ bytes: inout [UInt8], at i: Int) {
    var m: UInt64 = 0
    for k in 0..<6 { m = m << 8 | UInt64(bytes[i + k]) }
    let p = addresses.mac(m)
    for k in 0..<6 { bytes[i + k] = UInt8(truncatingIfNeeded: p >> UInt64(40 - 8 * k)) }
  }

  func rewriteVMAC(_ bytes: inout [UInt8], at i: Int) {
    let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
    let p = addresses.vmac(v)
    for k in 0..<3 { bytes[i + k] = UInt8(truncatingIfNeeded: p >> UInt32(16 - 8 * k)) }
  }

  // MARK: NPDU

  /// Rewrites an NPDU at `bytes[range]`: SADR/DADR, then the APDU it carries.
  func rewriteNPDU(_ bytes: inout [UInt8], _ range: Range<Int>, carrier: Carrier, conversation: UInt64) {
    var i = range.lowerBound
    let end = range.upperBound
    guard end - i >= 2 else { return }
    let control = bytes[i + 1]
    i += 2
    for flag: UInt8 in [0x20, 0x08] where control & flag != 0 {  // DNET/DLEN/DADR, then SNET/SLEN/SADR
      guard end - i >= 3 else { return }
      let length = Int(bytes[i + 2])
      i += 3
      guard end - i >= length else { return }
      rewriteNetworkMAC(&bytes, at: i, length: length, carrier: carrier)
      i += length
    }
    if control & 0x20 != 0 { i += 1 }  // hop count
    guard control & 0x80 == 0, i < end else { return }  // network-layer messages carry no identities we rewrite
    var key = conversation
    // Routed traffic: the far ends are part of the conversation too.
    for b in bytes[range.lowerBound..<i] { key = (key ^ UInt64(b)) &* 0x100_0000_01B3 }
    rewriteAPDU(&bytes, i..<end, conversation: key)
  }

  func rewriteNetworkMAC(_ bytes: inout [UInt8], at i: Int, length: Int, carrier: Carrier) {
    switch length {
    case 1:
      bytes[i] = addresses.mstp(bytes[i])
    case 3:
      rewriteVMAC(&bytes, at: i)
    case 6:
      // B/IP (IPv4 and port) whatever carried the NPDU: 6-octet remote MACs are read that way by the analysis too,
      // and a BACnet/Ethernet MAC read as IPv4 is still pseudonymized (its last two octets are kept).
      rewriteIPv4(&bytes, at: i)
    default:
      break
    }
  }

  // MARK: APDU

  /// Rewrites the strings and file data of the APDU at `bytes[range]`.
  func rewriteAPDU(_ bytes: inout [UInt8], _ range: Range<Int>, conversation: UInt64) {
    guard configuration.strings != .none || configuration.zeroFileData else { return }
    let s = range.lowerBound, end = range.upperBound
    guard s < end else { return }
    let pduType = bytes[s] >> 4
    switch pduType {
    case 1:  // Unconfirmed-Request: type, service, parameters
      guard end - s >= 2 else { return }
      var walk = APDUStringWalk(pduType: 1, service: bytes[s + 1])
      walk.walk(&bytes, (s + 2)..<end, rewriter: self, final: true)
    case 0, 3:
      let segmented = bytes[s] & 0x08 != 0
      let moreFollows = bytes[s] & 0x04 != 0
      let invokeIndex = pduType == 0 ? s + 2 : s + 1
      let headerLength = (pduType == 0 ? 4 : 3) + (segmented ? 2 : 0)
      guard end - s >= headerLength else { return }
      let service = bytes[s + headerLength - 1]
      let data = (s + headerLength)..<end
      guard segmented else {
        var walk = APDUStringWalk(pduType: pduType, service: service)
        walk.walk(&bytes, data, rewriter: self, final: true)
        return
      }
      let sequence = bytes[invokeIndex + 1]
      let key = SegmentKey(conversation: conversation, invokeID: bytes[invokeIndex], pduType: pduType)
      var walk: APDUStringWalk
      if sequence == 0 {
        walk = APDUStringWalk(pduType: pduType, service: service)
      } else if let stored = segments[key]?[sequence] {
        walk = stored
      } else {
        unfollowedSegments += 1
        return
      }
      if segments.count >= Self.transactionLimit && segments[key] == nil { segments.removeAll(keepingCapacity: true) }
      segments[key, default: [:]][sequence] = walk  // a retransmission of this segment is rewritten the same way
      walk.walk(&bytes, data, rewriter: self, final: !moreFollows)
      if moreFollows {
        segments[key, default: [:]][sequence &+ 1] = walk
      } else {
        segments[key] = nil
      }
    default:
      break  // SimpleACK, SegmentACK, Error, Reject, Abort: no strings
    }
  }
}

@available(*, unavailable)
extension BACnetRewriter: Sendable {}
