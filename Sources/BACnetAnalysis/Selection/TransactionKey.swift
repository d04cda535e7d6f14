import BACnetDecode

/// One confirmed-service transaction on the wire: the client's and the server's BACnet address (link address, or
/// SNET/SADR and DNET/DADR across a router, as ``MessageContext`` reads them) and the invoke ID.
struct TransactionKey: Hashable {
  var client: AddressKey
  var server: AddressKey
  var invokeID: UInt8
}

/// Where a packet stands in a confirmed-service transaction.
enum TransactionRole {
  /// A Confirmed-Request (or one of its segments): opens the transaction when none is open.
  case request(TransactionKey)
  /// A SegmentACK or an Abort from either side, or a ComplexACK segment with more to follow.
  case continuation(TransactionKey)
  /// A SimpleACK, the last (or only) ComplexACK, an Error or a Reject: the transaction is over.
  case reply(TransactionKey)

  /// The role of `d`'s APDU; nil for a packet outside any transaction (no APDU, Unconfirmed-Request, no address).
  init?(_ d: borrowing DecodedPacket) {
    guard let a = d.messageBox?.value.apdu, let invoke = a.invokeID else { return nil }
    let p = AnalysisPacket(d)
    guard let c = MessageContext(p, d), let src = c.source, let dst = c.destination else { return nil }
    let fromClient: Bool
    switch a.pduType {
    case .confirmedRequest: fromClient = true
    case .segmentACK, .abort: fromClient = !a.sentByServer
    default: fromClient = false
    }
    let key = fromClient
      ? TransactionKey(client: src, server: dst, invokeID: invoke)
      : TransactionKey(client: dst, server: src, invokeID: invoke)
    switch a.pduType {
    case .confirmedRequest: self = .request(key)
    case .segmentACK: self = .continuation(key)
    case .complexACK where a.moreFollows: self = .continuation(key)
    case .simpleACK, .complexACK, .error, .reject, .abort: self = .reply(key)
    default: return nil
    }
  }
}
