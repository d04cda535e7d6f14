import BACnetDecode

/// Section 8: BVLC length mismatches, truncated frames, malformed tags, unknown services, proprietary messages and
/// non-BACnet traffic on BACnet ports, each with its frame numbers.
struct DecodeQualityAnalyzer {
  var bvlcLength = Evidence()
  var truncated = Evidence()
  var malformedTags = Evidence()
  var unknownServices = Evidence()
  var nonBACnet = Evidence()
  var proprietary = Evidence()
  var otherDiagnostics = Evidence()
  /// Frames failing an integrity check or with a truncated/malformed BACnet decode (see ``AnalysisPacket/damaged``).
  var damaged = Evidence()
  /// BACnet messages (damaged or not) and packets on BACnet ports: what the decode checks judge.
  var bacnet = 0, bvlc = 0
  /// Diagnostic code → count (a small, bounded set of codes).
  var codes: [String: Int] = [:]

  init(config: SummaryConfiguration) {
    let l = config.evidenceLimit
    for e in [\DecodeQualityAnalyzer.bvlcLength, \.truncated, \.malformedTags, \.unknownServices, \.nonBACnet, \.proprietary,
              \.otherDiagnostics, \.damaged] {
      self[keyPath: e] = Evidence(limit: l)
    }
  }

  /// Highest confirmed service choice the standard defines (135-2020: 0–34 except the removed ones are still named).
  static let maxConfirmed: UInt8 = 34
  /// Highest unconfirmed service choice the standard defines.
  static let maxUnconfirmed: UInt8 = 16

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext?) {
    var sawTruncated = p.truncated
    var sawTag = false, sawBVLC = false, sawOther = false
    for d in dp.diagnostics {
      if codes[d.code.rawValue] != nil || codes.count < 64 { codes[d.code.rawValue, default: 0] += 1 }
      switch d.code {
      case .truncated, .linkTruncated: sawTruncated = true
      case .bvlcLengthMismatch: sawBVLC = true
      case .tagMalformed, .tagLengthOverrun, .tagUnmatchedClosing, .tagMissingClosing, .tagDepthExceeded, .tagInvalidValue, .serviceMalformed:
        sawTag = true
      case .mstpHeaderCRC, .mstpDataCRC, .mstpCRC32K: break  // CRCs are line quality (the MS/TP section)
      default: if d.layer != .reassembly { sawOther = true }
      }
    }
    if sawTruncated { truncated.note(p.frame) }
    if sawBVLC { bvlcLength.note(p.frame) }
    if sawTag { malformedTags.note(p.frame) }
    if sawOther { otherDiagnostics.note(p.frame) }
    if p.damaged { damaged.note(p.frame) }
    if let c {
      bacnet += 1
      if c.bvlcType != 0 { bvlc += 1 }
      if p.onBACnetPort, c.bvlcType != 0x81 && c.bvlcType != 0x82 { nonBACnet.note(p.frame) }
      if let s = c.service {
        switch c.apduType {
        case 1: if s > Self.maxUnconfirmed { unknownServices.note(p.frame) }
        case 0, 2, 3, 5: if s > Self.maxConfirmed { unknownServices.note(p.frame) }
        default: break
        }
      }
      if let t = c.messageType, t >= 0x80 { proprietary.note(p.frame) }
    }
    if dp.carrier == .mstp, dp.mstpBox?.value.frame?.frameType.isProprietary == true { proprietary.note(p.frame) }
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "decode_quality", title: "Decode quality")
    var t = ReportTable(key: "diagnostics", title: "Decoder diagnostics", columns: [("code", "Code"), ("count", "Count")])
    for (k, v) in codes.sorted(by: { $0.key < $1.key }) { t.rows.append([.string(k), .n(v)]) }
    s.facts = [("bvlc_length_mismatches", .n(bvlcLength.count)), ("truncated_frames", .n(truncated.count)),
               ("malformed_tags", .n(malformedTags.count)), ("unknown_services", .n(unknownServices.count)),
               ("non_bacnet_on_bacnet_ports", .n(nonBACnet.count)), ("proprietary", .n(proprietary.count)),
               ("damaged_frames", .n(damaged.count)), ("damaged_frame_numbers", .ints(damaged.frames))]
    s.tables = [t]
    return s
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    func f(_ check: String, _ e: Evidence, _ what: String, _ bad: FindingStatus = .warn) -> Finding {
      e.isEmpty ? Finding(check: check, status: .ok, message: "none: \(what)")
        : Finding(check: check, status: bad, evidence: e, message: "\(e.count) frame(s) with \(what)")
    }
    return [
      f("decode.bvlc_length", bvlcLength, "a BVLC length that disagrees with the bytes present"),
      f("decode.truncated", truncated, "truncated headers or payloads"),
      f("decode.malformed_tags", malformedTags, "malformed tags or service parameters"),
      f("decode.unknown_services", unknownServices, "service choices the standard does not define"),
      f("decode.non_bacnet", nonBACnet, "non-BACnet payloads on BACnet ports"),
      f("decode.proprietary", proprietary, "proprietary network messages or MS/TP frames", .ok),
    ]
  }
}
