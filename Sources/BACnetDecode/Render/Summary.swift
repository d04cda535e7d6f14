// One-line summaries in the style of tshark's Info column.

extension BVLC {
  /// `BVLC Original-Unicast-NPDU`, with the result, original source or entry count where the function has one.
  public var summary: String {
    var s = "BVLC \(functionName)"
    if let r = resultName { s += " \(r)" }
    if let o = originalSource { s += " from \(o)" }
    if let o = originalSource6 { s += " from \(o)" }
    if !bdtEntries.isEmpty { s += " \(bdtEntries.count) BDT entries" }
    if !fdtEntries.isEmpty { s += " \(fdtEntries.count) FDT entries" }
    if let t = timeToLive { s += " TTL \(t)s" }
    if length != actualLength { s += " [length \(length), \(actualLength) present]" }
    return s
  }
}

extension NPDU {
  /// `NPDU DNET 5 DADR 05 hop 255 expecting-reply`, or the network message name.
  public var summary: String {
    var parts = ["NPDU"]
    if let m = messageType { parts.append(m.name) }
    if let d = destination {
      parts.append(d.isGlobalBroadcast ? "DNET 65535 (global)" : "DNET \(d.network)")
      if !d.mac.isEmpty { parts.append("DADR \(d.macHex)") }
    }
    if let s = source { parts.append("SNET \(s.network) SADR \(s.macHex)") }
    if let h = hopCount { parts.append("hop \(h)") }
    if expectingReply { parts.append("expecting-reply") }
    if priority != .normal { parts.append(priority.description) }
    return parts.joined(separator: " ")
  }
}

extension NetworkMessage {
  /// `I-Am-Router-To-Network 5, 6`, `Network-Number-Is 5 configured`, …
  public var summary: String {
    var s = type.name
    if let v = vendorID { s += " vendor \(v)" }
    if !networks.isEmpty { s += " " + networks.map(String.init).joined(separator: ", ") }
    if let r = rejectReasonName { s += " reason \(rejectReason ?? 0) (\(r))" }
    if let p = performanceIndex { s += " performance \(p)" }
    if !routingTable.isEmpty { s += " \(routingTable.count) port(s)" }
    if let n = networkNumber { s += " \(n) \(networkNumberConfigured == true ? "configured" : "learned")" }
    return s
  }
}

extension APDUType {
  /// The label used in summaries: `confirmed-REQ`, `unconfirmed-REQ`, `simple-ACK`, `complex-ACK`,
  /// `segment-ACK`, `error`, `reject`, `abort`.
  public var summaryLabel: String {
    switch rawValue {
    case 0: "confirmed-REQ"
    case 1: "unconfirmed-REQ"
    case 2: "simple-ACK"
    case 3: "complex-ACK"
    case 4: "segment-ACK"
    case 5: "error"
    case 6: "reject"
    case 7: "abort"
    default: "reserved-\(rawValue)"
    }
  }
}

extension APDU {
  /// `confirmed-REQ readProperty[5] analog-input,1 present-value`, `unconfirmed-REQ i-Am device,1234`,
  /// `error readProperty[7] property unknown-property`, `reject[8] unrecognized-service`, …
  public var summary: String {
    var s = pduType.summaryLabel
    switch pduType {
    case .reject:
      s += "[\(invokeID ?? 0)]"
      if let r = rejectReason { s += " \(r.name)" }
      return s
    case .abort:
      s += "[\(invokeID ?? 0)]"
      if let r = abortReason { s += " \(r.name)" }
      if sentByServer { s += " (server)" }
      return s
    case .segmentACK:
      s += "[\(invokeID ?? 0)] seq \(sequenceNumber ?? 0) window \(windowSize ?? 0)"
      if negativeACK { s += " NAK" }
      return s
    default:
      break
    }
    if let name = serviceName { s += " " + name }
    if let i = invokeID { s += "[\(i)]" }
    if isSegmented { s += " segment \(sequenceNumber ?? 0)\(moreFollows ? " more-follows" : "")" }
    if let o = primaryObject { s += " \(o)" }
    if let p = primaryProperty { s += " \(p.name)" }
    if let c = errorClass, let e = errorCode { s += " \(c.name) \(e.name)" }
    switch parameters {
    case .whoIs(let w):
      if let l = w.lowLimit, let h = w.highLimit { s += " \(l)..\(h)" }
    case .whoHas(let w):
      if let n = w.objectName { s += " \"\(n.string)\"" }
    case .iAm(let i):
      s += " vendor \(i.vendorID.rawValue)"
    case .timeSynchronization(let t):
      s += " \(t.date) \(t.time)"
    default:
      break
    }
    return s
  }
}

extension MSTPFrame {
  /// `Token 5 -> 16`, `BACnet Data Not Expecting Reply 5 -> 255 [data CRC wrong]`, …
  public var summary: String {
    var s = "\(frameType.name) \(source) -> \(destination)"
    if let v = vendorID { s += " vendor \(v)" }
    if !headerCRCOK { s += " [header CRC wrong]" }
    if dataCRCOK == false { s += " [data CRC wrong]" }
    if crc32KOK == false { s += " [CRC-32K wrong]" }
    return s
  }

  /// The data checksum verdict for reports: the CRC-16 of plain frames, the CRC-32K of COBS frames, nil when
  /// the frame has no data.
  public var payloadCRCOK: Bool? { dataCRCOK ?? crc32KOK }
}

extension BACnetMessage {
  /// The most specific one-line summary: the APDU's, else the network message's, else the NPDU's or BVLC's.
  public var summary: String {
    if let a = apdu { return a.summary }
    if let m = networkMessage { return m.summary }
    if let n = npdu { return n.summary }
    if let b = bvlc { return b.summary }
    return diagnostics.first.map { "malformed: \($0.message)" } ?? "empty"
  }
}

extension MSTPDecode {
  /// `MS/TP <frame summary>` plus the carried message's summary for data frames.
  public var summary: String {
    guard let f = frame else { return diagnostics.first.map { "MS/TP malformed: \($0.message)" } ?? "MS/TP empty" }
    if let m = message { return "\(f.summary): \(m.summary)" }
    return f.summary
  }
}
