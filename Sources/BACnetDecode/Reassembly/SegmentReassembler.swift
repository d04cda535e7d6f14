/// Joins the segments of segmented Confirmed-Requests and ComplexACKs (clause 5.2) back into whole messages.
///
/// Feed it every APDU seen, with a key for the peer pair it travelled between (for example source and destination
/// addresses). Segments are keyed by peer, invoke id, PDU type and service, accepted in order (duplicates are
/// ignored, a gap abandons the message) and joined when the segment without "more follows" arrives.
/// Memory is bounded: at most `maxPending` messages are held (the oldest is dropped first) and a message
/// larger than `maxMessageBytes` is abandoned.
public struct SegmentReassembler<Peer: Hashable & Sendable>: Sendable {
  /// What happened to an APDU fed to ``add(_:from:)``.
  public enum Outcome: Sendable {
    /// The APDU is not a segment: use it as it is.
    case notSegmented
    /// The segment was stored; `segments` have been received so far.
    case pending(segments: Int)
    /// The last segment arrived: the whole message, decoded, and its diagnostics (offsets count from the
    /// first octet of the joined service data).
    case complete(APDU, [BACnetDiagnostic])
    /// A duplicate segment, ignored.
    case duplicate
    /// The segment could not be used (out of order, or the message grew too large); the message was dropped.
    case abandoned(reason: String)
  }

  struct Key: Hashable, Sendable {
    var peer: Peer
    var invokeID: UInt8
    var pduType: UInt8
    var service: UInt8
  }

  struct Pending: Sendable {
    var first: APDU
    var data: [UInt8]
    var nextSequence: UInt8
    var segments: Int
    var age: UInt64
  }

  var pending: [Key: Pending] = [:]
  var clock: UInt64 = 0
  /// Most messages held at once.
  public let maxPending: Int
  /// Largest joined service data accepted, in octets.
  public let maxMessageBytes: Int
  /// Which service parameters of a joined message are built (``DecodeMode/full`` by default).
  public var mode: DecodeMode = .full

  /// Creates a reassembler.
  /// - Parameters:
  ///   - maxPending: most incomplete messages held at once (oldest dropped first).
  ///   - maxMessageBytes: largest joined message accepted.
  public init(maxPending: Int = 1024, maxMessageBytes: Int = 1 << 20) {
    self.maxPending = max(1, maxPending)
    self.maxMessageBytes = max(1, maxMessageBytes)
  }

  /// Number of incomplete messages held.
  public var pendingCount: Int { pending.count }

  /// Feeds one APDU.
  /// - Parameters:
  ///   - apdu: a decoded APDU.
  ///   - peer: identifies the conversation (e.g. source and destination addresses).
  public mutating func add(_ apdu: APDU, from peer: Peer) -> Outcome {
    guard apdu.isSegmented, let invoke = apdu.invokeID, let service = apdu.serviceChoice,
          let seq = apdu.sequenceNumber else { return .notSegmented }
    clock &+= 1
    let key = Key(peer: peer, invokeID: invoke, pduType: apdu.pduType.rawValue, service: service)
    if seq == 0 {
      if !apdu.moreFollows {
        pending[key] = nil
        return .complete(Self.finish(apdu, data: Array(apdu.serviceData)), [])
          .withDiagnostics(mode)
      }
      if let p = pending[key], p.first.serviceData.elementsEqual(apdu.serviceData) {
        return .duplicate  // the first segment again (a retransmission)
      }
      if pending[key] == nil && pending.count >= maxPending, let oldest = pending.min(by: { $0.value.age < $1.value.age }) {
        pending[oldest.key] = nil
      }
      guard apdu.serviceData.count <= maxMessageBytes else {
        pending[key] = nil
        return .abandoned(reason: "first segment exceeds \(maxMessageBytes) octets")
      }
      pending[key] = Pending(first: apdu, data: Array(apdu.serviceData), nextSequence: 1, segments: 1, age: clock)
      return .pending(segments: 1)
    }
    guard var p = pending[key] else { return .abandoned(reason: "segment \(seq) without its first segment") }
    if seq != p.nextSequence {
      // Within the last window: a retransmission. Otherwise a gap.
      let behind = p.nextSequence &- seq
      if behind >= 1 && behind <= 127 { return .duplicate }
      pending[key] = nil
      return .abandoned(reason: "segment \(seq) arrived when \(p.nextSequence) was expected")
    }
    guard p.data.count + apdu.serviceData.count <= maxMessageBytes else {
      pending[key] = nil
      return .abandoned(reason: "message exceeds \(maxMessageBytes) octets")
    }
    p.data.append(contentsOf: apdu.serviceData)
    p.segments += 1
    p.nextSequence = seq &+ 1
    p.age = clock
    if apdu.moreFollows {
      pending[key] = p
      return .pending(segments: p.segments)
    }
    pending[key] = nil
    return .complete(Self.finish(p.first, data: p.data), []).withDiagnostics(mode)
  }

  static func finish(_ first: APDU, data: [UInt8]) -> APDU {
    var a = first
    a.flags &= ~0x04  // no more follows
    a.sequenceNumber = first.sequenceNumber
    a.serviceData = data[...]
    a.serviceDataOffset = 0
    a.parameters = .noParameters
    a.primaryObject = nil
    a.primaryProperty = nil
    return a
  }
}

extension SegmentReassembler.Outcome {
  /// Decodes the parameters of a joined message.
  func withDiagnostics(_ mode: DecodeMode) -> Self {
    guard case .complete(var a, _) = self else { return self }
    var d: [BACnetDiagnostic] = []
    ServiceDecoder.decodeParameters(&a, diagnostics: &d, mode: mode)
    return .complete(a, d)
  }
}
