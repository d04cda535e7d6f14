import Foundation
import Testing
@testable import BACnetDecode

@Suite struct ReassemblyTests {
  /// A ReadPropertyMultiple-ACK body (service data after the service choice).
  let body = hex("0c 00 00 00 01 1e 29 55 4e 44 42 91 00 00 4f 29 4d 5e 91 02 91 20 5f 1f")

  func segment(_ seq: UInt8, more: Bool, _ part: ArraySlice<UInt8>) -> APDU {
    let bytes = [0x38 | (more ? 0x04 : 0), 0x21, seq, 0x04, 0x0E] + part
    let (a, d) = BACnetDecoder.decodeAPDU(bytes[...])
    #expect(d.isEmpty)
    #expect(a?.needsReassembly == true && a?.parameters == ServiceParameters.noParameters)
    return a!
  }

  @Test("three segments join into the unsegmented message")
  func joins() throws {
    var r = SegmentReassembler<String>()
    guard case .pending(1) = r.add(segment(0, more: true, body[0..<8]), from: "a") else { Issue.record("first"); return }
    guard case .duplicate = r.add(segment(0, more: true, body[0..<8]), from: "a") else { Issue.record("dup"); return }
    guard case .pending(2) = r.add(segment(1, more: true, body[8..<16]), from: "a") else { Issue.record("second"); return }
    guard case .complete(let a, let d) = r.add(segment(2, more: false, body[16...]), from: "a") else { Issue.record("last"); return }
    #expect(d.isEmpty)
    let (whole, _) = BACnetDecoder.decodeAPDU(([0x30, 0x21, 0x0E] + body)[...], baseOffset: -3)  // joined data starts at offset 0
    #expect(a.parameters == whole?.parameters)
    #expect(a.primaryObject == ObjectIdentifier(type: .analogInput, instance: 1) && a.primaryProperty == .presentValue)
    #expect(r.pendingCount == 0)
  }

  @Test("a gap abandons the message; other peers are independent")
  func gap() {
    var r = SegmentReassembler<String>()
    _ = r.add(segment(0, more: true, body[0..<8]), from: "a")
    _ = r.add(segment(0, more: true, body[0..<8]), from: "b")
    guard case .abandoned = r.add(segment(2, more: false, body[16...]), from: "a") else { Issue.record("gap"); return }
    #expect(r.pendingCount == 1)
    guard case .notSegmented = r.add(BACnetDecoder.decodeAPDU(hex("20 06 0f")[...]).0!, from: "a") else { Issue.record("plain"); return }
  }

  @Test("the segmented capture reassembles", .enabled(if: FileManager.default.fileExists(
    atPath: sharedRoot.appendingPathComponent("captures/bacnet/bacnet_segmented_data.pcap").path)))
  func capture() throws {
    let cap = try #require(TestCapture(path: sharedRoot.appendingPathComponent("captures/bacnet/bacnet_segmented_data.pcap").path))
    var r = SegmentReassembler<String>()
    var complete = 0
    for rec in cap.records {
      guard case .udp(let bytes, _, _, let peer) = cap.payload(rec), let a = BACnetDecoder.decodeBVLL(bytes[...]).apdu else { continue }
      if case .complete(let whole, let d) = r.add(a, from: peer) {
        complete += 1
        #expect(d.isEmpty, "\(d)")
        #expect(whole.serviceData.count > 1000)
      }
    }
    #expect(complete >= 1)
  }
}
