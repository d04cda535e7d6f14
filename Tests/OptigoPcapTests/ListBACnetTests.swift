import Foundation
import Testing
@testable import optigo_pcap

/// `optigo-pcap list` BACnet columns: text summaries, `--verbose` trees, port options and the JSON keys.
@Suite struct ListBACnetTests {
  static let sample = ListBACnetSupport.fixture("bacnet-ip/sample.pcap")
  static let sampleMSTP = ListBACnetSupport.fixture("bacnet-ip/sample-mstp.pcap")

  @Test func textSummaries() throws {
    let lines = try ListBACnetSupport.list([Self.sample]).split(separator: "\n").map(String.init)
    #expect(lines.count == 25)
    #expect(lines[2].hasSuffix("  BACnet-APDU confirmed-REQ readProperty[5] analog-input,1 present-value"))
    #expect(lines[7].contains("BACnet-APDU error readProperty[7] property unknown-property"))
    #expect(lines[14].contains("BACnet-NPDU Who-Is-Router-To-Network"))
    #expect(lines[15].contains("BACnet-NPDU I-Am-Router-To-Network 5, 6"))
    #expect(lines[16].contains("BVLC Register-Foreign-Device"))
    #expect(!lines[19].contains("BACnet"), "UDP 47900 is not a default port: \(lines[19])")
    #expect(lines[21].contains("BACnet-APDU unconfirmed-REQ i-Am device,77"))
    #expect(lines[23].hasSuffix("IP fragment (reassembled later)"))
    #expect(lines[24].contains("complex-ACK readPropertyMultiple[11]") && lines[24].hasSuffix("[reassembled from 2 IP fragments]"))
    let mstp = try ListBACnetSupport.list([Self.sampleMSTP]).split(separator: "\n").map(String.init)
    #expect(mstp[0].hasSuffix("  MS/TP Poll For Master 2 -> 3"))
    #expect(mstp[3].hasSuffix("  MS/TP BACnet Data Not Expecting Reply 3 -> 255: BACnet-APDU unconfirmed-REQ who-Is"))
  }

  @Test func verboseTree() throws {
    let text = try ListBACnetSupport.list(["--verbose", Self.sample])
    let lines = text.split(separator: "\n").map(String.init)
    let third = try #require(lines.firstIndex { $0.hasPrefix("     3 ") })
    #expect(lines[third + 1] == "        BACnet Virtual Link Control")
    #expect(lines[third + 2] == "            Type: 0x81 (BACnet/IP (Annex J))")
    let tree = lines[(third + 1)...].prefix { $0.hasPrefix("        ") }
    #expect(tree.contains { $0.contains("Service Choice: readProperty (12)") })
    #expect(tree.contains { $0.contains("present-value") })
    let mstp = try ListBACnetSupport.list(["-v", Self.sampleMSTP])
    #expect(mstp.contains("        BACnet MS/TP\n            Preamble: 55 ff\n            Frame Type: Poll For Master (1)"))
  }

  @Test func portOptions() throws {
    let added = try ListBACnetSupport.listJSON(["--add-ports", "47900", Self.sample])
    #expect(added[19]["bacnet"] as? String == "BACnet/IP")
    #expect((added[19]["apdu"] as? [String: Any])?["service_name"] as? String == "who-Is")
    let replaced = try ListBACnetSupport.listJSON(["--ports", "47900", Self.sample])
    #expect(replaced[0]["bacnet"] == nil, "--ports replaces the default set")
    #expect(replaced[20]["bacnet"] as? String == "BACnet/IP")
    #expect(replaced[21]["bacnet"] as? String == "BACnet/Ethernet", "LLC does not depend on ports")
    let heuristic = try ListBACnetSupport.listJSON(["--heuristic", Self.sample])
    #expect(heuristic[20]["bacnet"] as? String == "BACnet/IP (heuristic)")
    #expect(throws: (any Error).self) { try List.parse(["--ports", "70000", Self.sample]) }
    #expect(throws: (any Error).self) { try List.parse(["--add-ports", "5-3", Self.sample]) }
  }

  @Test func jsonKeys() throws {
    let j = try ListBACnetSupport.listJSON([Self.sample])
    func obj(_ i: Int, _ k: String) throws -> [String: Any] { try #require(j[i][k] as? [String: Any], "frame \(i + 1) \(k)") }
    // Frame 3: ReadProperty.
    #expect(j[2]["summary"] as? String == "BACnet-APDU confirmed-REQ readProperty[5] analog-input,1 present-value")
    #expect(j[2]["ip_src"] as? String == "10.20.1.10" && j[2]["dst_port"] as? Int == 47808)
    #expect(j[2]["eth_src"] as? String == "00:1b:21:3a:4f:10")
    let bvlc = try obj(2, "bvlc")
    #expect(bvlc["type"] as? Int == 0x81 && bvlc["function"] as? Int == 0x0A && bvlc["length"] as? Int == 17)
    #expect(bvlc["function_name"] as? String == "Original-Unicast-NPDU")
    let npdu = try obj(2, "npdu")
    #expect(npdu["version"] as? Int == 1 && npdu["control"] as? Int == 4)
    #expect(npdu["dnet"] == nil && npdu["snet"] == nil && npdu["hop_count"] == nil && npdu["message_type"] == nil)
    let apdu = try obj(2, "apdu")
    #expect(apdu["type"] as? Int == 0 && apdu["type_name"] as? String == "Confirmed-REQ")
    #expect(apdu["service"] as? Int == 12 && apdu["service_name"] as? String == "readProperty")
    #expect(apdu["invoke_id"] as? Int == 5)
    #expect(apdu["object_type"] as? Int == 0 && apdu["object_type_name"] as? String == "analog-input")
    #expect(apdu["object_instance"] as? Int == 1)
    #expect(apdu["property"] as? Int == 85 && apdu["property_name"] as? String == "present-value")
    // Frame 8: Error; 10: Reject; 14: Abort.
    let error = try obj(7, "apdu")
    #expect(error["error_class"] as? Int == 2 && error["error_class_name"] as? String == "property")
    #expect(error["error_code"] as? Int == 32 && error["error_code_name"] as? String == "unknown-property")
    let reject = try obj(9, "apdu")
    #expect(reject["reject_reason"] as? Int == 9 && reject["reject_reason_name"] as? String == "unrecognized-service")
    let abort = try obj(13, "apdu")
    #expect(abort["abort_reason"] as? Int == 4 && abort["abort_reason_name"] as? String == "segmentation-not-supported")
    // Frames 11, 12: routed via VLAN 100.
    #expect(j[10]["vlan"] as? [Int] == [100])
    let routed = try obj(10, "npdu")
    #expect(routed["dnet"] as? Int == 5 && routed["dadr"] as? String == "0a" && routed["hop_count"] as? Int == 255)
    let back = try obj(11, "npdu")
    #expect(back["snet"] as? Int == 5 && back["sadr"] as? String == "0a" && back["dnet"] == nil)
    // Frame 16: network message.
    let nm = try obj(15, "npdu")
    #expect(nm["message_type"] as? Int == 1 && nm["message_type_name"] as? String == "I-Am-Router-To-Network")
    #expect(try obj(15, "network_message")["networks"] as? [Int] == [5, 6])
    // Frame 19: I-Am device,7001 in a Forwarded-NPDU.
    #expect(try obj(18, "bvlc")["original_source"] as? String == "10.77.3.40:47808")
    #expect(try obj(18, "apdu")["object_instance"] as? Int == 7001)
    // Frames 24, 25: fragments; the reassembled RPM-ACK lists its access error.
    #expect(j[23]["bacnet"] == nil)
    #expect((j[23]["diagnostics"] as? [[String: Any]])?.first?["code"] as? String == "ip-fragment-held")
    let errors = try #require(try obj(24, "apdu")["access_errors"] as? [[String: Any]])
    #expect(errors.count == 1)
    #expect(errors.first?["object_instance"] as? Int == 7 && errors.first?["error_code"] as? Int == 32)
    // No BACnet keys on a non-BACnet packet, none absent on BACnet ones.
    for (i, o) in j.enumerated() where o["bacnet"] != nil {
      #expect(o["summary"] is String, "frame \(i + 1)")
    }
  }

  @Test func mstpKeysAndDiagnostics() throws {
    let j = try ListBACnetSupport.listJSON([Self.sampleMSTP])
    let m = try #require(j[6]["mstp"] as? [String: Any])
    #expect(m["frame_type"] as? Int == 5 && m["frame_type_name"] as? String == "BACnet Data Expecting Reply")
    #expect(m["dst"] as? Int == 10 && m["src"] as? Int == 3 && m["length"] as? Int == 13)
    #expect(m["header_crc_ok"] as? Bool == true && m["data_crc_ok"] as? Bool == true)
    #expect((j[6]["apdu"] as? [String: Any])?["invoke_id"] as? Int == 1)
    let token = try #require(j[2]["mstp"] as? [String: Any])
    #expect(token["data_crc_ok"] == nil && j[2]["apdu"] == nil)
    // The MS/TP edge cases: bad CRCs show up as diagnostics with code, offset and message.
    let cases = try ListBACnetSupport.listJSON([ListBACnetSupport.fixture("mstp/mstp_cases.pcap")])
    let diagnostics = cases.compactMap { $0["diagnostics"] as? [[String: Any]] }.flatMap { $0 }
    let codes = Set(diagnostics.compactMap { $0["code"] as? String })
    #expect(codes.isSuperset(of: ["mstp-header-crc", "mstp-data-crc", "mstp-crc32k"]), "\(codes)")
    #expect(diagnostics.allSatisfy { $0["offset"] is Int && ($0["message"] as? String)?.isEmpty == false })
  }
}

extension ListBACnetTests {
  @Test func bacnetIPv6Keys() throws {
    let j = try ListBACnetSupport.listJSON([ListBACnetSupport.fixture("bacnet-vectors/bip6.pcap")])
    #expect(j.allSatisfy { $0["bacnet"] as? String == "BACnet/IPv6" })
    let unicast = try #require(j[1]["bvlc"] as? [String: Any])
    #expect(unicast["type"] as? Int == 0x82 && unicast["function"] as? Int == 1)
    #expect((unicast["source_vmac"] as? String)?.count == 6 && (unicast["destination_vmac"] as? String)?.count == 6)
  }
}
