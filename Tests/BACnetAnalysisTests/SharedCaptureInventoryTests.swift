import Testing
import PcapKit
@testable import BACnetAnalysis

/// The device inventories of the real captures in ../shared/captures/bacnet, written down from tshark 4.0's decode
/// (`tshark -Y "bacapp.unconfirmed_service==0" -T fields -e ip.src -e bacnet.snet -e bacnet.sadr_mstp
/// -e bacapp.instance_number`, and `-Y "bacapp.type==3 && bacapp.property_identifier==77" -e bacapp.object_name`
/// for the names read from device objects). Skips when ../shared is absent.
@Suite("Shared capture inventories")
struct SharedCaptureInventoryTests {
  func report(_ name: String) -> SummaryReport? {
    guard let c = SummarySupport.captures else { return nil }
    return SummarySupport.summarize(c.appendingPathComponent("bacnet/" + name).path, name: name)
  }

  /// instance → (network, mac) of every row with an instance.
  func inventory(_ r: SummaryReport) -> [String] {
    SummarySupport.rows(r.devices).compactMap { row -> String? in
      guard case .int(let i)? = row["instance"], case .int(let n)? = row["network"], case .string(let m)? = row["mac"] else { return nil }
      return "\(i)@\(n):\(m)"
    }.sorted()
  }

  @Test func bacnetExample() throws {
    guard let r = report("bacnet_example.pcap") else { print("skipped: ../shared/captures absent"); return }
    // 30 controllers 172.20.32.100-129 answer I-Am and have their device object's name read.
    let expected: [(Int, Int, String)] = [
      (100, 416, "PLC_93"), (101, 276, "PLC_2"), (102, 440, "PLC_15"), (103, 840, "PLC_34"), (104, 165, "PLC_25"),
      (105, 674, "PLC_65"), (106, 322, "PLC_52"), (107, 456, "PLC_57"), (108, 721, "PLC_12"), (109, 501, "PLC_28"),
      (110, 136, "PLC_15"), (111, 771, "PLC_96"), (112, 329, "PLC_21"), (113, 696, "PLC_34"), (114, 394, "PLC_48"),
      (115, 199, "PLC_46"), (116, 661, "PLC_11"), (117, 663, "PLC_28"), (118, 278, "PLC_37"), (119, 303, "PLC_66"),
      (120, 489, "PLC_72"), (121, 777, "PLC_75"), (122, 652, "PLC_41"), (123, 508, "PLC_12"), (124, 565, "PLC_15"),
      (125, 850, "PLC_49"), (126, 407, "PLC_86"), (127, 203, "PLC_49"), (128, 439, "PLC_46"), (129, 788, "PLC_66"),
    ]
    #expect(inventory(r) == expected.map { "\($0.1)@0:172.20.32.\($0.0):47808" }.sorted())
    let rows = SummarySupport.rows(r.devices)
    for (host, instance, name) in expected {
      let row = rows.first { $0["instance"] == .int(Int64(instance)) }
      #expect(row?["object_name"] == .string(name), "device \(instance) at .\(host)")
    }
    // Besides them: eight sensors .50-.57 (read, never announced), the poller .200 and .250 (reinitializes).
    #expect(rows.count == 40)
    #expect(rows.first { $0["mac"] == .string("172.20.32.200:47808") }?["client_services"] == .strings(["readProperty"]))
    #expect(r.finding("duplicates.device_instance")?.status == .ok)
  }

  @Test func bacnetServices() throws {
    guard let r = report("bacnet_services.pcap") else { print("skipped: ../shared/captures absent"); return }
    // MS/TP network 3 behind router 192.168.0.24 (also seen as BACnet/Ethernet 00:e0:c9:00:10:a5): 30 stations.
    let mstp = Array(2...29).filter { $0 != 19 } + [108, 133, 142]
    var expected = mstp.map { "\($0)@3:\($0)" }
    // Devices 111 and 126 on the B/IP network, also seen routed from network 1 by the router's Ethernet port.
    expected += ["111@0:192.168.0.16:47808", "111@1:c0a80010bac0", "126@0:192.168.0.50:47808", "126@1:c0a80032bac0"]
    // The router itself answers with the unconfigured instance.
    expected += ["4194303@0:192.168.0.24:47808"]
    #expect(inventory(r) == expected.sorted())
    let rows = SummarySupport.rows(r.devices)
    #expect(rows.first { $0["mac"] == .string("c0a80010bac0") }?["same_device_as"] == .strings(["0:192.168.0.16:47808"]))
    // 192.168.0.255 (00:30:bd:c5:b2:b6) re-sends other stations' broadcasts from the broadcast address: no device.
    #expect(!rows.contains { ($0["mac"]?.text ?? "").hasPrefix("192.168.0.255") })
    let routers = SummarySupport.rows(try #require(r.section("networks")?.tables.first { $0.key == "routers" }))
    #expect(routers.count == 1 && routers.first?["ports"] == .strings(["192.168.0.24:47808", "00:e0:c9:00:10:a5"]))
    #expect(SummarySupport.nonOK(r).map { $0.components(separatedBy: " ")[0] } == [
      "devices.unconfigured_instance", "networks.broadcast_source", "operations.communication_control", "operations.reinitialize",
    ])
  }

  @Test func segmentedAndErrors() throws {
    guard let seg = report("bacnet_segmented_data.pcap"), let err = report("bacnet_error_reject_abort.pcap") else {
      print("skipped: ../shared/captures absent")
      return
    }
    #expect(inventory(seg) == ["0@0:10.0.0.1:47808", "254@0:10.0.0.2:47808"])
    #expect(SummarySupport.rows(seg.devices).allSatisfy { $0["instance_source"] == .string("I-Am") })
    // 10.10.10.10:47809 announces 101 and, for a station behind it (network 13, MS/TP 61), I-Have 61.
    #expect(inventory(err) == ["101@0:10.10.10.10:47809", "61@13:61"])
    let f = SummarySupport.facts(err, "requests")
    #expect(f["requests"] == .int(26) && f["superseded"] == .int(14) && f["unanswered"] == .int(12))
  }
}
