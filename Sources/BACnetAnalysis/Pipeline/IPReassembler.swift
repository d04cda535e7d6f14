internal import PcapKit

/// Bounded reassembly of fragmented IPv4/IPv6 UDP datagrams (RFC 791 §3.2, RFC 8200 §4.5).
///
/// Fragments are keyed by source, destination, protocol and identification. At most `maxPending` datagrams are
/// held (the oldest is dropped first), each at most `maxBytes` long; a datagram not completed within
/// `timeoutPackets` submitted packets is dropped. Overlapping fragments: later bytes overwrite earlier ones.
struct IPReassembler {
  struct Key: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var proto: UInt8
    var identification: UInt32
  }

  struct Pending {
    var pieces: [(offset: Int, bytes: [UInt8])] = []
    var totalLength: Int?
    var heldBytes = 0
    var firstSeen: Int
  }

  enum Outcome {
    /// Stored; waiting for more.
    case held
    /// The datagram is whole: the transport header and payload, and the number of fragments.
    case complete([UInt8], fragments: Int)
    /// Could not be used (message says why); the datagram is dropped.
    case rejected(String)
  }

  let maxPending: Int
  let maxBytes: Int
  let timeoutPackets: Int
  var pending: [Key: Pending] = [:]
  /// Datagrams dropped incomplete (timeout, eviction, inconsistency).
  private(set) var dropped = 0

  init(maxPending: Int, maxBytes: Int, timeoutPackets: Int) {
    self.maxPending = maxPending
    self.maxBytes = maxBytes
    self.timeoutPackets = timeoutPackets
  }

  /// Adds the fragment `bytes` (the IP payload part it carries, starting at `info.offset`) seen in packet `now`.
  mutating func add(_ key: Key, _ info: FragmentInfo, _ bytes: ArraySlice<UInt8>, now: Int) -> Outcome {
    expire(now: now)
    let end = info.offset + bytes.count
    guard end <= maxBytes else {
      if pending.removeValue(forKey: key) != nil { dropped += 1 }
      return .rejected("datagram exceeds \(maxBytes) bytes")
    }
    var p: Pending
    if let existing = pending[key] {
      p = existing
    } else {
      if pending.count >= maxPending, let oldest = pending.min(by: { $0.value.firstSeen < $1.value.firstSeen }) {
        pending[oldest.key] = nil
        dropped += 1
      }
      p = Pending(firstSeen: now)
      pending[key] = p
    }
    if !info.moreFragments {
      if let t = p.totalLength, t != end {
        pending[key] = nil
        dropped += 1
        return .rejected("two last fragments disagree on the datagram length (\(t) and \(end))")
      }
      p.totalLength = end
    }
    if let t = p.totalLength, end > t {
      pending[key] = nil
      dropped += 1
      return .rejected("fragment ends at \(end), beyond the datagram length \(t)")
    }
    guard p.pieces.count < 256, p.heldBytes + bytes.count <= maxBytes * 2 else {
      pending[key] = nil
      dropped += 1
      return .rejected("too many fragments")
    }
    p.pieces.append((info.offset, Array(bytes)))
    p.heldBytes += bytes.count
    if let total = p.totalLength {
      // Complete when the pieces, sorted by offset, cover 0..<total without a gap.
      let sorted = p.pieces.sorted { $0.offset < $1.offset }
      var covered = 0
      for piece in sorted where piece.offset <= covered { covered = max(covered, piece.offset + piece.bytes.count) }
      if covered >= total {
        var whole = [UInt8](repeating: 0, count: total)
        for piece in sorted {
          let upper = min(total, piece.offset + piece.bytes.count)
          if upper > piece.offset { whole.replaceSubrange(piece.offset..<upper, with: piece.bytes.prefix(upper - piece.offset)) }
        }
        pending[key] = nil
        return .complete(whole, fragments: sorted.count)
      }
    }
    pending[key] = p
    return .held
  }

  mutating func expire(now: Int) {
    guard !pending.isEmpty else { return }
    for (k, v) in pending where now - v.firstSeen > timeoutPackets {
      pending[k] = nil
      dropped += 1
    }
  }
}
