import WireBytes
import BACnetAnalysis
import BACnetDecode
import PcapKit

/// The BACnet columns of `optigo-pcap list`: every packet goes through a ``BACnetPipeline``; the text form gets
/// the one-line BACnet summary (and with `--verbose` the decode tree), the JSON form the keys written by
/// ``BACnetJSON``.
struct BACnetListAnnotator: ListAnnotator {
  var pipeline: BACnetPipeline
  /// Print the whole decode tree under each BACnet packet.
  let verbose: Bool

  init(configuration: BACnetPipeline.Configuration, verbose: Bool) {
    pipeline = BACnetPipeline(configuration: configuration)
    self.verbose = verbose
  }

  mutating func beginFile(_ path: String) { pipeline.reset() }

  mutating func summary(of packet: Packet) -> String? {
    let d = pipeline.decode(packet)
    guard let summary = d.summary ?? Self.transportSummary(of: d) else { return nil }
    let s = Self.endpoints(of: d).map { $0 + "  " + summary } ?? summary
    guard verbose else { return s }
    var text = s
    for line in d.treeText.split(separator: "\n") { text += "\n        " + line }
    return text
  }

  /// "source → destination" as tshark's Source and Destination columns show them: IP addresses, else Ethernet
  /// MACs (MS/TP summaries name their MACs themselves).
  static func endpoints(of d: DecodedPacket) -> String? {
    let link = d.link
    if let src = link.sourceIP, let dst = link.destinationIP { return "\(src) → \(dst)" }
    if d.mstp != nil { return nil }  // the MS/TP summary names source and destination itself
    if let src = link.sourceMAC, let dst = link.destinationMAC { return "\(src) → \(dst)" }
    return nil
  }

  /// For packets that are not BACnet: the transport and ports (`UDP 5353 → 53`), or the network layer.
  static func transportSummary(of d: DecodedPacket) -> String? {
    let link = d.link
    let name: String
    switch link.transport {
    case .udp: name = "UDP"
    case .tcp: name = "TCP"
    default:
      switch link.network {
      case .ipv4: return "IPv4"
      case .ipv6: return "IPv6"
      case .llc: return "LLC"
      default: return nil
      }
    }
    guard let sp = link.sourcePort, let dp = link.destinationPort else { return name }
    return "\(name) \(sp) → \(dp)"
  }

  mutating func addFields(of packet: Packet, to json: inout JSONWriter.Object) {
    BACnetJSON.addFields(of: pipeline.decode(packet), to: &json)
  }
}

/// The JSON keys `list --json` writes for a decoded packet (documented in the list command's help).
///
/// Link keys (when present, on every packet): `eth_src`, `eth_dst`, `vlan` (array, outermost first), `ip_src`,
/// `ip_dst`, `src_port`, `dst_port`. BACnet keys (BACnet packets only): `bacnet` (carrier: `BACnet/IP`,
/// `BACnet/IPv6`, either with ` (heuristic)`, `BACnet/Ethernet` or `MS/TP`), `summary`, and the
/// objects `bvlc`, `npdu`, `network_message`, `apdu`, `mstp`, plus `diagnostics` (also on non-BACnet packets that
/// have some). Numbers are numbers; every `*_name` is the Wireshark spelling.
enum BACnetJSON {
  static func addFields(of d: DecodedPacket, to j: inout JSONWriter.Object) {
    let link = d.link
    if let m = link.sourceMAC { j.add("eth_src", m.description) }
    if let m = link.destinationMAC { j.add("eth_dst", m.description) }
    if !link.vlans.isEmpty { j.add("vlan", link.vlans.map { Int($0) }) }
    if let a = link.sourceIP { j.add("ip_src", a.description) }
    if let a = link.destinationIP { j.add("ip_dst", a.description) }
    if let p = link.sourcePort { j.add("src_port", Int(p)) }
    if let p = link.destinationPort { j.add("dst_port", Int(p)) }
    if d.isBACnet {
      var carrier = d.carrier.description
      if d.bvlc?.isIPv6 == true { carrier = d.carrier == .udpHeuristic ? "BACnet/IPv6 (heuristic)" : "BACnet/IPv6" }
      j.add("bacnet", carrier)
      if let s = d.summary { j.add("summary", s) }
    }
    if let m = d.message {
      if let b = m.bvlc { j.addRaw("bvlc", bvlc(b)) }
      if let n = m.npdu { j.addRaw("npdu", npdu(n)) }
      if let n = m.networkMessage { j.addRaw("network_message", networkMessage(n)) }
      if let a = m.apdu { j.addRaw("apdu", apdu(a, reassembled: d.reassembledAPDU)) }
    }
    if let f = d.mstp?.frame { j.addRaw("mstp", mstp(f)) }
    if !d.diagnostics.isEmpty {
      var s = "["
      for (i, x) in d.diagnostics.enumerated() {
        if i > 0 { s += "," }
        var o = JSONWriter.Object()
        o.add("code", x.code.rawValue)
        o.add("offset", x.offset)
        o.add("message", x.message)
        o.add("layer", x.layer.rawValue)
        s += o.finish()
      }
      j.addRaw("diagnostics", s + "]")
    }
  }

  static func hex(_ bytes: ArraySlice<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func bvlc(_ b: BVLC) -> String {
    var o = JSONWriter.Object()
    o.add("type", Int(b.type))
    o.add("type_name", b.typeName)
    o.add("function", Int(b.function))
    o.add("function_name", b.functionName)
    o.add("length", Int(b.length))
    if let r = b.resultCode { o.add("result", Int(r)) }
    if let r = b.resultName { o.add("result_name", r) }
    if let a = b.originalSource { o.add("original_source", a.description) }
    if let a = b.originalSource6 { o.add("original_source", a.description) }
    if let v = b.sourceVMAC { o.add("source_vmac", vmac(v)) }
    if let v = b.destinationVMAC { o.add("destination_vmac", vmac(v)) }
    if let v = b.targetVMAC { o.add("target_vmac", vmac(v)) }
    return o.finish()
  }

  /// A 3-byte BACnet/IPv6 virtual MAC as 6 hex digits.
  static func vmac(_ v: UInt32) -> String {
    hex([UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)][...])
  }

  static func npdu(_ n: NPDU) -> String {
    var o = JSONWriter.Object()
    o.add("version", Int(n.version))
    o.add("control", Int(n.control))
    if let d = n.destination {
      o.add("dnet", Int(d.network))
      o.add("dadr", hex(d.mac))
    }
    if let s = n.source {
      o.add("snet", Int(s.network))
      o.add("sadr", hex(s.mac))
    }
    if let h = n.hopCount { o.add("hop_count", Int(h)) }
    o.add("expecting_reply", n.expectingReply)
    o.add("priority", Int(n.priority.rawValue))
    if let t = n.messageType {
      o.add("message_type", Int(t.rawValue))
      o.add("message_type_name", t.name)
    }
    if let v = n.vendorID { o.add("vendor_id", Int(v)) }
    return o.finish()
  }

  static func networkMessage(_ m: NetworkMessage) -> String {
    var o = JSONWriter.Object()
    o.add("type", Int(m.type.rawValue))
    o.add("type_name", m.type.name)
    if !m.networks.isEmpty { o.add("networks", m.networks.map { Int($0) }) }
    if let r = m.rejectReason { o.add("reject_reason", Int(r)) }
    if let r = m.rejectReasonName { o.add("reject_reason_name", r) }
    if let n = m.networkNumber { o.add("network_number", Int(n)) }
    return o.finish()
  }

  /// The error class/code pairs inside a ReadPropertyMultiple-ACK's results (property access errors).
  static func accessErrors(_ a: APDU) -> String? {
    guard case .readPropertyMultipleACK(let results) = a.parameters else { return nil }
    var s = "["
    var any = false
    for r in results {
      for e in r.results {
        guard let c = e.errorClass, let x = e.errorCode else { continue }
        if any { s += "," }
        any = true
        var o = JSONWriter.Object()
        o.add("object_type", Int(r.object.type.rawValue))
        o.add("object_instance", Int(r.object.instance))
        o.add("property", Int(e.property.rawValue))
        o.add("error_class", Int(c.rawValue))
        o.add("error_class_name", c.name)
        o.add("error_code", Int(x.rawValue))
        o.add("error_code_name", x.name)
        s += o.finish()
      }
    }
    return any ? s + "]" : nil
  }

  static func apdu(_ a: APDU, reassembled: APDU?) -> String {
    var o = JSONWriter.Object()
    o.add("type", Int(a.pduType.rawValue))
    o.add("type_name", a.pduType.name)
    if let s = a.serviceChoice, a.pduType.rawValue <= 5 {
      o.add("service", Int(s))
      if let name = a.serviceName { o.add("service_name", name) }
    }
    if let i = a.invokeID { o.add("invoke_id", Int(i)) }
    if a.isSegmented {
      o.add("segmented", true)
      o.add("more_follows", a.moreFollows)
    }
    if let q = a.sequenceNumber { o.add("sequence_number", Int(q)) }
    if let w = a.windowSize { o.add("window_size", Int(w)) }
    if let obj = a.primaryObject {
      o.add("object_type", Int(obj.type.rawValue))
      o.add("object_type_name", obj.type.name)
      o.add("object_instance", Int(obj.instance))
    }
    if let p = a.primaryProperty {
      o.add("property", Int(p.rawValue))
      o.add("property_name", p.name)
    }
    if let c = a.errorClass {
      o.add("error_class", Int(c.rawValue))
      o.add("error_class_name", c.name)
    }
    if let c = a.errorCode {
      o.add("error_code", Int(c.rawValue))
      o.add("error_code_name", c.name)
    }
    if let r = a.rejectReason {
      o.add("reject_reason", Int(r.rawValue))
      o.add("reject_reason_name", r.name)
    }
    if let r = a.abortReason {
      o.add("abort_reason", Int(r.rawValue))
      o.add("abort_reason_name", r.name)
    }
    if let e = accessErrors(a) { o.addRaw("access_errors", e) }
    if let whole = reassembled {
      var r = JSONWriter.Object()
      r.add("length", whole.serviceData.count)
      if let obj = whole.primaryObject {
        r.add("object_type", Int(obj.type.rawValue))
        r.add("object_type_name", obj.type.name)
        r.add("object_instance", Int(obj.instance))
      }
      if let p = whole.primaryProperty {
        r.add("property", Int(p.rawValue))
        r.add("property_name", p.name)
      }
      if let e = accessErrors(whole) { r.addRaw("access_errors", e) }
      o.addRaw("reassembled", r.finish())
    }
    return o.finish()
  }

  static func mstp(_ f: MSTPFrame) -> String {
    var o = JSONWriter.Object()
    o.add("frame_type", Int(f.frameType.rawValue))
    o.add("frame_type_name", f.frameType.name)
    o.add("dst", Int(f.destination))
    o.add("src", Int(f.source))
    o.add("length", Int(f.length))
    o.add("header_crc_ok", f.headerCRCOK)
    if let ok = f.payloadCRCOK { o.add("data_crc_ok", ok) }
    if let v = f.vendorID { o.add("vendor_id", Int(v)) }
    o.add("preamble", f.hasPreamble)
    return o.finish()
  }
}
