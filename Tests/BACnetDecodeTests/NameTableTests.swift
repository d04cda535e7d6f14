import Foundation
import OptigoTestSupport
import Testing
@testable import BACnetDecode

/// Our name tables must spell every value exactly as the installed tshark does (`tshark -G values`).
@Suite struct NameTableTests {
  @Test("every table entry matches tshark -G values", .enabled(if: tool("tshark") != nil, "tshark is not installed"))
  func matchesTshark() throws {
    let out = try run(tool("tshark")!, ["-G", "values"])
    let tables: [(String, NameTable)] = [
      ("bacapp.objectType", WiresharkNames.objectTypes), ("bacapp.property_identifier", WiresharkNames.propertyIdentifiers),
      ("bacapp.vendor_identifier", WiresharkNames.vendorIdentifiers), ("bacapp.error_code", WiresharkNames.errorCodes),
      ("bacapp.error_class", WiresharkNames.errorClasses), ("bacapp.confirmed_service", WiresharkNames.confirmedServices),
      ("bacapp.unconfirmed_service", WiresharkNames.unconfirmedServices), ("bacapp.reject_reason", WiresharkNames.rejectReasons),
      ("bacapp.abort_reason", WiresharkNames.abortReasons), ("bacapp.type", WiresharkNames.pduTypes),
      ("bvlc.function", WiresharkNames.bvlcFunctions), ("bvlc.function_ipv6", WiresharkNames.bvlc6Functions),
      ("mstp.frame_type", WiresharkNames.mstpFrameTypes),
    ]
    let wanted = Set(tables.map(\.0))
    var all: [String: [UInt32: String]] = [:]
    for line in out.utf8.split(separator: UInt8(ascii: "\n")) {
      // Only value lines of our fields: "V\t<field>\t<value>\t<name>".
      guard line.first == UInt8(ascii: "V"), line.count > 2,
            line[line.index(line.startIndex, offsetBy: 2)] == UInt8(ascii: "b")
              || line[line.index(line.startIndex, offsetBy: 2)] == UInt8(ascii: "m") else { continue }
      let c = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
      guard c.count >= 4, wanted.contains(c[1]) else { continue }
      let raw = c[2]
      guard let v = raw.hasPrefix("0x") ? UInt32(raw.dropFirst(2), radix: 16) : UInt32(raw) else { continue }
      if all[c[1], default: [:]][v] == nil { all[c[1], default: [:]][v] = c[3] }
    }
    var checked = 0
    for (field, table) in tables {
      let expected = all[field] ?? [:]
      #expect(!expected.isEmpty, "\(field) missing from tshark -G values")
      #expect(expected.count == table.count, "\(field): tshark \(expected.count) entries, ours \(table.count)")
      for (v, name) in expected {
        #expect(table[v] == name, "\(field) \(v): tshark \(name), ours \(table[v] ?? "-")")
        checked += 1
      }
    }
    #expect(checked > 2000)
  }

  @Test("spellings used in summaries")
  func spellings() {
    #expect(ObjectType.analogInput.name == "analog-input")
    #expect(PropertyIdentifier.presentValue.name == "present-value")
    #expect(UnconfirmedServiceChoice.iAm.name == "i-Am" && UnconfirmedServiceChoice.whoIs.name == "who-Is")
    #expect(ConfirmedServiceChoice.readProperty.name == "readProperty")
    #expect(EngineeringUnits.degreesCelsius.name == "Degrees Celsius")
    #expect(VendorIdentifier(rawValue: 15).name == "Cornell University")
    #expect(ErrorCode(rawValue: 31).name == "unknown-object")
    #expect(ObjectType(rawValue: 200).name == "(200) Vendor Proprietary Value")
    #expect(ObjectType(rawValue: 100).name == "(100) Reserved for Use by ASHRAE")
    #expect(PropertyIdentifier(rawValue: 600).name == "(600) Vendor Proprietary Value")
  }
}

/// Engineering units are not a registered tshark field, so their spelling is checked against `tshark -V`
/// ("units:  Percent (98)") on the shared captures.
@Suite struct EngineeringUnitsSpellingTests {
  @Test("units named in tshark -V output match ours", .enabled(if: tool("tshark") != nil, "tshark is not installed"))
  func units() throws {
    let dir = sharedRoot.appendingPathComponent("captures/bacnet").path
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
      print("note: \(dir) is absent; skipped")
      return
    }
    var seen: [UInt32: String] = [:]
    for f in names where f.hasSuffix(".pcap") {
      let out = try run(tool("tshark")!, ["-r", "\(dir)/\(f)", "-d", "udp.port==47809,bvlc",
                                           "-Y", "bacapp.property_identifier == 117", "-V"])
      for line in out.split(separator: "\n") {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("units:"), let open = t.lastIndex(of: "("), let n = UInt32(t[t.index(after: open)...].dropLast()) else { continue }
        seen[n] = t.dropFirst("units:".count)[..<open].trimmingCharacters(in: .whitespaces)
      }
    }
    #expect(seen.count >= 5)
    for (n, name) in seen { #expect(EngineeringUnits(rawValue: n).name == name, "unit \(n)") }
  }
}
