import BACnetDecode
import Foundation
import PcapKit
import Testing
@testable import BACnetAnalysis
import OptigoTestSupport

@Suite struct PipelineTests {
  @Test func bacnetIPOnDefaultPort() throws {
    var p = BACnetPipeline()
    let d = p.run(Frames.bip(Frames.unicast(Frames.readProperty)))
    #expect(d.frameNumber == 1)
    #expect(d.carrier == .udpPort)
    #expect(d.bacnetOffset == 42)
    #expect(d.bvlc?.function == 0x0A)
    #expect(d.npdu?.expectingReply == true)
    let a = try #require(d.apdu)
    #expect(a.invokeID == 5)
    #expect(a.primaryObject?.instance == 1)
    #expect(a.primaryProperty?.rawValue == 85)
    #expect(d.summary == "BACnet-APDU confirmed-REQ readProperty[5] analog-input,1 present-value")
    #expect(d.diagnostics.isEmpty)
    #expect(d.link.sourceIP == .v4(0x0A00_0001))
    #expect(d.link.destinationPort == 47808)
    #expect(d.link.sourceMAC?.description == "00:1b:21:3a:4f:10")
    #expect(d.link.destinationMAC?.isGroup == true)
    #expect(d.treeText.contains("Service Choice: readProperty (12)"))
  }

  @Test func everyDefaultPortAndEitherDirection() {
    var p = BACnetPipeline()
    for port in [47808, 47815, 47823] {
      #expect(p.run(Frames.bip(Frames.unicast(Frames.iAm), sport: 50000, dport: port)).carrier == .udpPort)
      #expect(p.run(Frames.bip(Frames.unicast(Frames.iAm), sport: port, dport: 50000)).carrier == .udpPort)
    }
    #expect(p.run(Frames.bip(Frames.unicast(Frames.iAm), sport: 47824, dport: 47807)).carrier == .none)
    #expect(p.packetsSeen == 7)
  }

  @Test func addedPortsAndHeuristic() throws {
    let frame = Frames.bip(Frames.unicast(Frames.iAm), sport: 47900, dport: 47900)
    var plain = BACnetPipeline()
    let none = plain.run(frame)
    #expect(none.carrier == .none && none.message == nil && none.summary == nil)

    var ports = PortSet.bacnet
    ports.formUnion(try PortSet(parsing: "47900"))
    var added = BACnetPipeline(configuration: .init(ports: ports))
    #expect(added.run(frame).carrier == .udpPort)

    var heuristic = BACnetPipeline(configuration: .init(heuristic: true))
    let h = heuristic.run(frame)
    #expect(h.carrier == .udpHeuristic)
    #expect(h.apdu?.unconfirmedService?.rawValue == 0)
    // Not BACnet-looking UDP (a DNS query) stays undecoded.
    let dns: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
    #expect(heuristic.run(Frames.bip(dns, sport: 5353, dport: 53)).carrier == .none)
  }

  @Test func heuristicRules() {
    let good = Frames.unicast(Frames.iAm)
    #expect(BVLCHeuristic.looksLikeBVLC(good[...]))
    var wrongLength = good
    wrongLength[3] &+= 1
    #expect(!BVLCHeuristic.looksLikeBVLC(wrongLength[...]))
    var wrongType = good
    wrongType[0] = 0x80
    #expect(!BVLCHeuristic.looksLikeBVLC(wrongType[...]))
    var unknownFunction = good
    unknownFunction[1] = 0x0D
    #expect(!BVLCHeuristic.looksLikeBVLC(unknownFunction[...]))
    var version2 = good
    version2[4] = 2
    #expect(!BVLCHeuristic.looksLikeBVLC(version2[...]))
    // Functions without an NPDU need only the header checks: Register-Foreign-Device, TTL 60.
    #expect(BVLCHeuristic.looksLikeBVLC([0x81, 0x05, 0x00, 0x06, 0x00, 0x3C][...]))
    // Forwarded-NPDU: the NPDU version sits after the 6-byte original address.
    let forwarded: [UInt8] = [0x81, 0x04, 0x00, 0x0C, 10, 0, 0, 9, 0xBA, 0xC0, 0x01, 0x00]
    #expect(BVLCHeuristic.looksLikeBVLC(forwarded[...]))
    // BACnet/IPv6 Original-Unicast: NPDU after two 3-byte VMACs.
    let bip6: [UInt8] = [0x82, 0x01, 0x00, 0x0E, 1, 2, 3, 4, 5, 6, 0x01, 0x00, 0x10, 0x08]
    #expect(BVLCHeuristic.looksLikeBVLC(bip6[...]))
    #expect(!BVLCHeuristic.looksLikeBVLC([0x81, 0x0A, 0x00][...]))
    #expect(!BVLCHeuristic.looksLikeBVLC([0x81, 0x0A, 0x00, 0x04][...]))  // NPDU-carrying function without NPDU
  }

  @Test func vlanTagsAndLinuxCooked() throws {
    var p = BACnetPipeline()
    let d = p.run(Frames.bip(Frames.unicast(Frames.iAm), vlans: [100, 20]))
    #expect(d.carrier == .udpPort)
    #expect(Array(d.link.vlans) == [100, 20])
    #expect(d.bacnetOffset == 50)
    // Linux cooked v1: packet type, ARPHRD_ETHER, address length 6, address + 2 pad, protocol IPv4.
    let sll: [UInt8] = [0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x42, 0xAC, 0x11, 0x00, 0x02, 0x00, 0x00, 0x08, 0x00]
    let c = p.run(sll + Frames.ipv4(Frames.udp(Frames.unicast(Frames.iAm))), link: .linuxSLL)
    #expect(c.carrier == .udpPort)
    #expect(c.link.sourceMAC?.description == "02:42:ac:11:00:02")
    #expect(c.link.destinationMAC == nil)
  }

  @Test func bacnetEthernetLLC() throws {
    var p = BACnetPipeline()
    let llc: [UInt8] = [0x82, 0x82, 0x03] + Frames.iAm
    var frame = Frames.ethernet(llc.count) + llc
    frame += [UInt8](repeating: 0, count: max(0, 60 - frame.count))  // padding beyond the 802.3 length
    let d = p.run(frame)
    #expect(d.carrier == .ethernetLLC)
    #expect(d.bvlc == nil)
    #expect(d.npdu?.version == 1)
    #expect(d.apdu?.unconfirmedService?.rawValue == 0)
    #expect(d.bacnetOffset == 17)
    #expect(d.diagnostics.isEmpty, "padding must not count as trailing bytes: \(d.diagnostics)")
    // Another LLC service access point (spanning tree, 42 42 03) is not BACnet.
    let stp: [UInt8] = [0x42, 0x42, 0x03, 0, 0, 0, 0]
    #expect(p.run(Frames.ethernet(stp.count) + stp).carrier == .none)
  }

  @Test func mstpWithAndWithoutPreamble() throws {
    var p = BACnetPipeline()
    let data: [UInt8] = [0x01, 0x00, 0x10, 0x08]
    for preamble in [true, false] {
      let d = p.run(Frames.mstp(type: 6, dst: 255, src: 3, data: data, preamble: preamble), link: .bacnetMSTP)
      #expect(d.carrier == .mstp)
      let f = try #require(d.mstp?.frame)
      #expect(f.hasPreamble == preamble)
      #expect(f.headerCRCOK && f.dataCRCOK == true)
      #expect(d.apdu?.unconfirmedService?.rawValue == 8)
      #expect(d.message == d.mstp?.message)
      #expect(d.summary?.hasPrefix("MS/TP ") == true)
    }
    let token = p.run(Frames.mstp(type: 0, dst: 10, src: 3), link: .bacnetMSTP)
    #expect(token.summary == "MS/TP Token 3 -> 10")
    #expect(token.message == nil)
    var bad = Frames.mstp(type: 6, dst: 255, src: 3, data: data)
    bad[bad.count - 1] ^= 0xFF
    let d = p.run(bad, link: .bacnetMSTP)
    #expect(d.mstp?.frame?.dataCRCOK == false)
    #expect(d.diagnostics.contains { $0.code == .mstpDataCRC })
  }

  @Test func diagnosticsCountFromTheFrame() throws {
    var p = BACnetPipeline()
    // BVLC length says 40 but 17 bytes follow the header: the decoder reports it at BVLC offset 2.
    var payload = Frames.unicast(Frames.iAm)
    payload[3] = 40
    let d = p.run(Frames.bip(payload))
    let mismatch = try #require(d.diagnostics.first { $0.code == .bvlcLengthMismatch })
    let raw = try #require(d.message?.diagnostics.first { $0.code == .bvlcLengthMismatch })
    #expect(mismatch.offset == raw.offset + 42)
  }

  @Test func truncatedAndMalformedLinkHeaders() {
    var p = BACnetPipeline()
    let full = Frames.bip(Frames.unicast(Frames.iAm))
    let cut = p.run(Array(full.prefix(30)))
    #expect(cut.carrier == .none)
    #expect(cut.diagnostics.first?.code == .linkTruncated)
    #expect(cut.diagnostics.first?.layer == .link)
    // Snap length cut inside the BACnet payload: decoded as far as it goes, truncation reported.
    let snapped = p.run(Array(full.prefix(50)))
    #expect(snapped.carrier == .udpPort)
    #expect(snapped.diagnostics.contains { $0.code == .linkTruncated })
    var badIHL = full
    badIHL[14] = 0x42
    #expect(p.run(badIHL).diagnostics.first?.code == .linkMalformed)
  }

  @Test func ipFragmentsAreReassembled() throws {
    let payload = Frames.unicast(Frames.iAm + [UInt8](repeating: 0, count: 0))
    let datagram = Frames.udp(payload)
    let first = Array(datagram.prefix(16)), second = Array(datagram.dropFirst(16))
    let f1 = Frames.ethernet(0x0800) + Frames.ipv4(first, id: 77, offset: 0, more: true)
    let f2 = Frames.ethernet(0x0800) + Frames.ipv4(second, id: 77, offset: 16, more: false)
    for order in [[f1, f2], [f2, f1]] {
      var p = BACnetPipeline()
      let a = p.run(order[0]), b = p.run(order[1])
      #expect(a.fragment == .held && a.carrier == .none && a.summary == "IP fragment (reassembled later)")
      #expect(a.diagnostics.first?.code == .ipFragmentHeld)
      #expect(b.fragment == .reassembled(fragments: 2))
      #expect(b.carrier == .udpPort)
      #expect(b.link.sourcePort == 47808)
      #expect(b.apdu?.unconfirmedService?.rawValue == 0)
      #expect(b.bacnetOffset == nil)
      #expect(b.summary?.hasSuffix("[reassembled from 2 IP fragments]") == true)
      #expect(p.pendingDatagrams == 0)
    }
    // Reassembly off: the first fragment is decoded from what it holds, the second only reported.
    var off = BACnetPipeline(configuration: .init(reassembleIPFragments: false))
    let a = off.run(f1), b = off.run(f2)
    #expect(a.fragment == .notReassembled && a.carrier == .udpPort && a.bvlc?.function == 0x0A)
    #expect(a.diagnostics.contains { $0.code == .ipFragmentNotReassembled })
    #expect(b.fragment == .notReassembled && b.carrier == .none)
  }

  @Test func ipv6FragmentsAreReassembled() throws {
    let datagram = Frames.udp(Frames.unicast(Frames.iAm))
    func v6(_ fragment: [UInt8], offset: Int, more: Bool) -> [UInt8] {
      // Fixed header (next header 44 = Fragment) + Fragment header (next header UDP, offset, M flag, id 0x1234).
      let fragHeader: [UInt8] = [17, 0] + Frames.be16(offset | (more ? 1 : 0)) + [0, 0, 0x12, 0x34]
      let payload = fragHeader + fragment
      let src: [UInt8] = [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1]
      let dst: [UInt8] = [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [2]
      return Frames.ethernet(0x86DD) + [0x60, 0, 0, 0] + Frames.be16(payload.count) + [44, 64] + src + dst + payload
    }
    var p = BACnetPipeline()
    let a = p.run(v6(Array(datagram.prefix(16)), offset: 0, more: true))
    let b = p.run(v6(Array(datagram.dropFirst(16)), offset: 16, more: false))
    #expect(a.fragment == .held)
    #expect(b.fragment == .reassembled(fragments: 2))
    #expect(b.carrier == .udpPort)
    #expect(b.apdu?.unconfirmedService?.rawValue == 0)
    #expect(b.link.sourceIP?.description == "fe80::1")
  }

  @Test func fragmentMemoryIsBounded() {
    var p = BACnetPipeline(configuration: .init(maxPendingDatagrams: 4, maxDatagramBytes: 2000, fragmentTimeoutPackets: 50))
    for id in 0..<100 {
      _ = p.run(Frames.ethernet(0x0800) + Frames.ipv4(Frames.udp([1, 2, 3, 4, 5, 6, 7, 8]), id: id, more: true))
      #expect(p.pendingDatagrams <= 4)
    }
    #expect(p.droppedDatagrams == 96)
    // A fragment ending beyond the size limit is refused, not stored.
    let big = p.run(Frames.ethernet(0x0800) + Frames.ipv4([UInt8](repeating: 0, count: 64), id: 999, offset: 1992, more: true))
    #expect(big.fragment == .notReassembled)
    // Old datagrams expire.
    var q = BACnetPipeline(configuration: .init(fragmentTimeoutPackets: 10))
    _ = q.run(Frames.ethernet(0x0800) + Frames.ipv4(Frames.udp([1, 2, 3, 4]), id: 5, more: true))
    for _ in 0..<20 { _ = q.run(Frames.bip(Frames.unicast(Frames.iAm))) }
    _ = q.run(Frames.ethernet(0x0800) + Frames.ipv4([9, 9, 9, 9, 9, 9, 9, 9], id: 6, offset: 8, more: true))
    #expect(q.pendingDatagrams == 1)
    #expect(q.droppedDatagrams == 1)
  }

  @Test func segmentedMessagesAreJoined() throws {
    var p = BACnetPipeline()
    let npdu: [UInt8] = [0x01, 0x00]
    let seg0: [UInt8] = [0x3C, 0x0B, 0x00, 0x04, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x19]
    let seg1: [UInt8] = [0x38, 0x0B, 0x01, 0x04, 0x0C, 0x55, 0x3E, 0x44, 0x42, 0x91, 0x00, 0x00, 0x3F]
    let a = p.run(Frames.bip(Frames.unicast(npdu + seg0)))
    #expect(a.reassembledAPDU == nil)
    #expect(a.diagnostics.contains { $0.code == .segmentHeld })
    #expect(p.pendingSegmentedMessages == 1)
    let b = p.run(Frames.bip(Frames.unicast(npdu + seg1)))
    let whole = try #require(b.reassembledAPDU)
    #expect(whole.serviceData.count == 14)
    #expect(whole.primaryObject?.instance == 1)
    #expect(whole.primaryProperty?.rawValue == 85)
    #expect(b.treeText.contains("Reassembled APDU (14 octets)"))
    #expect(p.pendingSegmentedMessages == 0)
    // A later segment with no first segment is reported, not joined.
    let orphan = p.run(Frames.bip(Frames.unicast(npdu + seg1)))
    #expect(orphan.reassembledAPDU == nil)
    #expect(orphan.diagnostics.contains { $0.code == .segmentAbandoned })
  }

  @Test func numberingAndReset() {
    var p = BACnetPipeline()
    _ = p.run(Frames.bip(Frames.unicast(Frames.iAm)))
    _ = p.run(Frames.bip(Frames.unicast(Frames.iAm)))
    #expect(p.packetsSeen == 2)
    _ = p.run(Frames.ethernet(0x0800) + Frames.ipv4(Frames.udp([1, 2, 3, 4]), id: 5, more: true))
    #expect(p.pendingDatagrams == 1)
    p.reset()
    #expect(p.packetsSeen == 0 && p.pendingDatagrams == 0)
    #expect(p.run(Frames.bip(Frames.unicast(Frames.iAm))).frameNumber == 1)
  }

  /// Every prefix and many byte mutations of real frames, on every link type the walk knows: no trap, and
  /// frames never decode to BACnet without a carrier.
  @Test func hostileInputIsTotal() {
    let seeds: [([UInt8], LinkType)] = [
      (Frames.bip(Frames.unicast(Frames.readProperty), vlans: [5]), .ethernet),
      (Frames.mstp(type: 5, dst: 1, src: 2, data: Frames.readProperty), .bacnetMSTP),
      (Frames.ethernet(20) + [0x82, 0x82, 0x03] + Frames.iAm, .ethernet),
      (Frames.ipv4(Frames.udp(Frames.unicast(Frames.iAm)), id: 3, more: true), .raw),
    ]
    // Seeded (PIPELINE_SEED) so a failure replays; PIPELINE_MUTATIONS raises the count for long runs.
    var rng = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["PIPELINE_SEED"] ?? "") ?? 0x0B_AC_4E_7)
    let rounds = Int(ProcessInfo.processInfo.environment["PIPELINE_MUTATIONS"] ?? "") ?? 2000
    var p = BACnetPipeline(configuration: .init(heuristic: true, maxPendingDatagrams: 8))
    for (frame, link) in seeds {
      for n in 0...frame.count { _ = p.run(Array(frame.prefix(n)), link: link) }
      for _ in 0..<rounds {
        var m = frame
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          m[Int.random(in: 0..<m.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        let d = p.run(m, link: link)
        if d.carrier == .none { #expect(d.message == nil && d.mstp == nil) }
        _ = d.summary
      }
    }
    #expect(p.pendingDatagrams <= 8)
  }

  @Test func sampleCapture() throws {
    var reader = try CaptureReader(path: Frames.packageRoot.appendingPathComponent("Fixtures/bacnet-ip/sample.pcap").path)
    var ports = PortSet.bacnet
    ports.insert(47900)
    var p = BACnetPipeline(configuration: .init(ports: ports))
    var carriers: [BACnetCarrier: Int] = [:]
    var decoded: [DecodedPacket] = []
    while let packet = try reader.nextPacket() {
      let d = p.decode(packet)
      carriers[d.carrier, default: 0] += 1
      decoded.append(d)
    }
    #expect(decoded.count == 25)
    #expect(carriers[.udpPort] == 23 && carriers[.ethernetLLC] == 1 && carriers[.none] == 1)
    #expect(decoded.map(\.frameNumber) == Array(1...25))
    #expect(decoded[10].link.vlans.first == 100)
    #expect(decoded[10].npdu?.destination?.network == 5)
    #expect(decoded[7].apdu?.errorCode?.rawValue == 32)
    #expect(decoded[23].fragment == .held)
    #expect(decoded[24].fragment == .reassembled(fragments: 2))
    #expect(decoded.allSatisfy { $0.diagnostics.allSatisfy { $0.layer == .reassembly } })
  }
}

