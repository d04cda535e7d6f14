import BACnetDecode
import PcapKit
import Testing

@testable import CaptureSanitizer
import OptigoTestSupport

let testKey = try! SanitizerKey(secret: Array("a test key of thirty-two octets!".utf8))

func pseudonymizer(_ configure: (inout SanitizerConfiguration) -> Void = { _ in }, map: PseudonymMap? = nil)
  -> AddressPseudonymizer
{
  var c = SanitizerConfiguration()
  configure(&c)
  return AddressPseudonymizer(key: testKey, configuration: c, map: map)!
}

func rewriter(_ configure: (inout SanitizerConfiguration) -> Void = { _ in }) -> BACnetRewriter {
  var c = SanitizerConfiguration()
  configure(&c)
  return BACnetRewriter(
    addresses: AddressPseudonymizer(key: testKey, configuration: c, map: nil)!,
    strings: StringPseudonymizer(key: testKey, map: nil)!, configuration: c)
}

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
  guard needle.count <= haystack.count else { return false }
  for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
    return true
  }
  return false
}

@Suite struct AddressPolicyTests {
  @Test func ipv4MapIsABijectionKeepingBroadcastsAndPrivateRanges() {
    let p = pseudonymizer()
    var seen: [UInt32: UInt32] = [:]
    for base: UInt32 in [0xC000_0200, 0xC000_0300, 0x0A01_0200, 0xC0A8_0100, 0x5DB8_D800] {  // 192.0.2/24 … 93.184.216/24
      for host: UInt32 in 0...255 {
        let a = base | host
        let q = p.ipv4(a)
        #expect(seen[q] == nil, "\(IPAddress.v4(a)) and \(IPAddress.v4(seen[q] ?? 0)) share a pseudonym")
        seen[q] = a
        if host == 255 || host == 0 {
          #expect(q & 0xFF == host)
          #expect(q & ~0xFF == p.ipv4(base | 1) & ~0xFF, "a directed broadcast stays in the pseudonymized /24")
        } else {
          #expect(q & 0xFF != 0 && q & 0xFF != 255)
        }
        if let prefix = AddressPseudonymizer.privatePrefix(a) {
          #expect(AddressPseudonymizer.privatePrefix(q) == prefix)
          #expect((a ^ q) >> UInt32(32 - prefix) == 0)
        } else {
          #expect(AddressPseudonymizer.privatePrefix(q) == nil && !AddressPseudonymizer.isKept(q))
        }
      }
    }
    for kept: UInt32 in [0xFFFF_FFFF, 0xEFFF_FFFA, 0xE000_00FB, 0x7F00_0001, 0] { #expect(p.ipv4(kept) == kept) }
    #expect(p.ipv4(0xC000_0201) != 0xC000_0201)
  }

  @Test func sameKeySamePseudonymsOtherKeyOthers() throws {
    let a = pseudonymizer(), b = pseudonymizer()
    let other = AddressPseudonymizer(
      key: try SanitizerKey(secret: Array("another key, also long enough...".utf8)), configuration: .init(), map: nil)!
    #expect(a.ipv4(0xC000_0217) == b.ipv4(0xC000_0217))
    #expect(a.ipv4(0xC000_0217) != other.ipv4(0xC000_0217))
    #expect(a.mac(0x00E0_C900_10A5) == b.mac(0x00E0_C900_10A5))
    #expect(a.mac(0x00E0_C900_10A5) != other.mac(0x00E0_C900_10A5))
  }

  @Test func ipv6KeepsMulticastAndLinkLocalPrefix() {
    let p = pseudonymizer()
    #expect(p.ipv6(high: 0xFF02_0000_0000_0000, low: 0xBAC0) == (0xFF02_0000_0000_0000, 0xBAC0))
    #expect(p.ipv6(high: 0, low: 1) == (0, 1))
    let ll = p.ipv6(high: 0xFE80_0000_0000_0000, low: 0x0211_22FF_FE33_4455)
    #expect(ll.high >> 54 == 0x3FA && ll.low != 0x0211_22FF_FE33_4455)
    let global = p.ipv6(high: 0x2001_0DB8_0001_0002, low: 5)
    #expect(global.high >> 56 != 0xFF && global.high != 0x2001_0DB8_0001_0002)
  }

  @Test func macMSTPAndVirtualAddresses() {
    let p = pseudonymizer()
    #expect(p.mac(0xFFFF_FFFF_FFFF) == 0xFFFF_FFFF_FFFF)
    #expect(p.mac(0x0100_5E7F_FFFA) == 0x0100_5E7F_FFFA)  // group address
    let m = p.mac(0x00E0_C900_10A5)
    #expect(m != 0x00E0_C900_10A5 && (m >> 40) & 1 == 0)
    let oui = pseudonymizer { $0.keepOUI = true }.mac(0x00E0_C900_10A5)
    #expect(oui >> 24 == 0x00E0C9 && oui != 0x00E0_C900_10A5)
    var masters = Set<UInt8>(), slaves = Set<UInt8>()
    for s in 0...254 {
      let q = p.mstp(UInt8(s))
      if s <= 127 { masters.insert(q); #expect(q <= 127) } else { slaves.insert(q); #expect(q >= 128 && q <= 254) }
    }
    #expect(masters.count == 128 && slaves.count == 127 && p.mstp(255) == 255)
    #expect(pseudonymizer { $0.keepMSTPAddresses = true }.mstp(42) == 42)
    #expect(p.vmac(0x0004D2) != 0x0004D2 && p.vmac(0x0004D2) <= 0xFF_FFFF)
  }
}

@Suite struct StringPseudonymTests {
  @Test func sameLengthSameEncodingConsistent() {
    let s = StringPseudonymizer(key: testKey, map: nil)!
    var a: [UInt8] = [0x75, 0x0D, 0x00] + Array("Boiler Room 2".utf8)
    let original = a
    s.replaceWhole(&a, 2..<a.count, property: 77)
    #expect(a.count == original.count && a[2] == 0 && a[0..<2] == original[0..<2])
    #expect(Array(a[3..<7]) == Array("obj-".utf8))
    #expect(!contains(a, Array("Boiler".utf8)))
    #expect(a[3...].allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
    var b = original
    s.replaceWhole(&b, 2..<b.count, property: 77)
    #expect(a == b)
    // UCS-2: zero high octets, ASCII low octets.
    var u: [UInt8] = [4, 0, 0x41, 0, 0x48, 0, 0x55, 0, 0x33]
    s.replaceWhole(&u, 0..<u.count, property: nil)
    #expect(u[0] == 4 && u[1] == 0 && u[3] == 0 && u[5] == 0 && u[7] == 0 && Array(u[1...]) != [0, 0x41, 0, 0x48, 0, 0x55, 0, 0x33])
  }

  @Test func selectionByProperty() throws {
    #expect(try SanitizerConfiguration.parseStrings("object-name,28") == .properties([77, 28]))
    #expect(throws: SanitizeError.self) { try SanitizerConfiguration.parseStrings("no-such-property") }
    var c = SanitizerConfiguration()
    c.strings = .properties([28])
    #expect(c.replacesString(property: 28) && !c.replacesString(property: 77) && c.replacesString(property: nil))
  }
}

@Suite struct APDURewriteTests {
  /// ReadProperty-ACK object-name "BoilerRoom2", whole and split over two segments.
  @Test func stringsInWholeAndSegmentedAcks() {
    let name = Array("BoilerRoom2".utf8)
    let whole: [UInt8] = [0x30, 0x05, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x19, 0x4D, 0x3E, 0x75, 0x0C, 0x00] + name + [0x3F]
    var w = whole
    let r = rewriter()
    r.rewriteAPDU(&w, 0..<w.count, conversation: 1)
    #expect(w.count == whole.count && !contains(w, Array("Boil".utf8)) && w.prefix(14) == whole.prefix(14))
    #expect(w.last == 0x3F)

    let first: [UInt8] = [0x3C, 0x05, 0x00, 0x02, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x19, 0x4D, 0x3E, 0x75, 0x0C, 0x00]
      + Array("Boil".utf8)
    let second: [UInt8] = [0x38, 0x05, 0x01, 0x02, 0x0C] + Array("erRoom2".utf8) + [0x3F]
    var s1 = first, s2 = second
    r.rewriteAPDU(&s1, 0..<s1.count, conversation: 7)
    r.rewriteAPDU(&s2, 0..<s2.count, conversation: 7)
    #expect(!contains(s1, Array("Boil".utf8)) && s1.prefix(16) == first.prefix(16))
    #expect(!contains(s2, Array("erRoom".utf8)) && s2.prefix(5) == second.prefix(5) && s2.last == 0x3F)
    // The same segments again (a retransmission, or a second run) are rewritten the same way.
    let r2 = rewriter()
    var t1 = first, t2 = second
    r2.rewriteAPDU(&t1, 0..<t1.count, conversation: 7)
    r2.rewriteAPDU(&t2, 0..<t2.count, conversation: 7)
    #expect(t1 == s1 && t2 == s2)
    // A continuation whose first segment was never seen is left alone and counted.
    var orphan = second
    rewriter().rewriteAPDU(&orphan, 0..<orphan.count, conversation: 9)
    #expect(orphan == second)
  }

  @Test func fileDataZeroedAndContextStrings() {
    // AtomicWriteFile: file OID, [0]{ start 0, data "secret" }
    let awf: [UInt8] = [0x00, 0x05, 0x01, 0x07, 0xC4, 0x02, 0x80, 0x00, 0x01, 0x0E, 0x31, 0x00, 0x65, 0x06]
      + Array("secret".utf8) + [0x0F]
    var a = awf
    rewriter().rewriteAPDU(&a, 0..<a.count, conversation: 1)
    #expect(Array(a[14..<20]) == [0, 0, 0, 0, 0, 0])
    var kept = awf
    rewriter { $0.zeroFileData = false }.rewriteAPDU(&kept, 0..<kept.count, conversation: 1)
    #expect(kept == awf)
    // DeviceCommunicationControl password [2] "hunter22".
    let dcc: [UInt8] = [0x00, 0x05, 0x02, 0x11, 0x09, 0x01, 0x2D, 0x09, 0x00] + Array("hunter22".utf8)
    var d = dcc
    rewriter().rewriteAPDU(&d, 0..<d.count, conversation: 1)
    #expect(!contains(d, Array("hunter".utf8)) && d.count == dcc.count)
    // Who-Has object name.
    var who: [UInt8] = [0x10, 0x07, 0x3D, 0x05, 0x00] + Array("ZN-T".utf8)
    rewriter().rewriteAPDU(&who, 0..<who.count, conversation: 1)
    #expect(!contains(who, Array("ZN-T".utf8)))
  }
}

@Suite struct MSTPRewriteTests {
  /// An extended (COBS) data frame carrying an I-Have with an object name: stations and name change, the frame
  /// still decodes with good CRCs.
  @Test func cobsFrameReencoded() throws {
    let npdu: [UInt8] = [0x01, 0x00, 0x10, 0x01, 0xC4, 0x02, 0x00, 0x04, 0xD2, 0xC4, 0x00, 0x00, 0x00, 0x01, 0x75, 0x09, 0x00]
      + Array("AHU-3-SAT".utf8)
    var field = COBS.encode(npdu[...])
    var crc: UInt32 = 0xFFFF_FFFF
    for b in field { crc = MSTPChecksums.crc32KStep(b, crc) }
    crc = ~crc
    field += COBS.encode([0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> UInt32($0)) }[...])
    let length = field.count - 2
    var header: [UInt8] = [33, 0xFF, 5, UInt8(length >> 8), UInt8(length & 0xFF)]
    header.append(MSTPChecksums.headerCRC(header))
    let record = [0x55, 0xFF] + header + field
    let before = BACnetDecoder.decodeMSTP(record[...])
    #expect(before.frame?.crc32KOK == true && before.frame?.headerCRCOK == true)
    var out = record
    MSTPRewriter.rewrite(&out, bacnet: rewriter())
    let after = BACnetDecoder.decodeMSTP(out[...])
    let frame = try #require(after.frame)
    #expect(frame.crc32KOK == true && frame.headerCRCOK == true)
    #expect(frame.source != 5 && frame.destination == 255)
    #expect(frame.data.count == npdu.count && !contains(Array(frame.data), Array("AHU-3".utf8)))
    #expect(!contains(out, Array("AHU-3".utf8).map { $0 ^ 0x55 }))
  }

  @Test func dataFrameCRCsRecomputed() throws {
    // DNER I-Am from 5 (reference vector), both CRCs good; rewritten stations, both CRCs still good.
    let record: [UInt8] = [0x55, 0xFF, 0x06, 0xFF, 0x05, 0x00, 0x10, 0xEB, 0x01, 0x00, 0x10, 0x00, 0xC4, 0x02, 0x00, 0x04, 0xD2, 0x22, 0x05, 0xC4, 0x91, 0x00, 0x21, 0x0F, 0xCB, 0x77]
    var out = record
    MSTPRewriter.rewrite(&out, bacnet: rewriter())
    let frame = try #require(BACnetDecoder.decodeMSTP(out[...]).frame)
    #expect(frame.headerCRCOK && frame.dataCRCOK == true && frame.source != 5)
  }
}

@Suite struct CaptureRewriteTests {
  static let fixtures = URLPaths.root + "/Fixtures"

  @Test func timeShiftMetadataAndDeterminism() throws {
    let path = Self.fixtures + "/anonymize/metadata.pcapng"
    var configuration = SanitizerConfiguration()
    configuration.timeShiftSeconds = -3600
    func run(_ key: SanitizerKey) throws -> [UInt8] {
      var reader = try CaptureReader(path: path)
      var sink = MemorySink()
      _ = try CaptureSanitizer(key: key, configuration: configuration).sanitize(&reader, into: &sink)
      return sink.bytes
    }
    let out = try run(testKey)
    #expect(try run(testKey) == out)
    #expect(try run(SanitizerKey(secret: Array("0123456789abcdef0123".utf8))) != out)
    var original = try CaptureReader(path: path)
    var sanitized = try CaptureReader(bytes: out)
    var count = 0
    while let p = try original.nextPacket() {
      let q = try #require(try sanitized.nextPacket())
      #expect(q.timestamp.seconds == p.timestamp.seconds - 3600)
      #expect(q.capturedLength == p.capturedLength && q.comments.isEmpty)
      count += 1
    }
    #expect(try sanitized.nextPacket() == nil && count > 0)
  }
}

/// Paths of the package.
enum URLPaths {
  static let root: String = packageRoot.path
}

@Suite struct PseudonymMapTests {
  @Test func roundTripAndReverse() throws {
    let map = PseudonymMap()
    map.record("ipv4", pseudonym: "203.0.113.9", original: "192.0.2.7")
    map.record("string", pseudonym: "obj-k3j9x2q1", original: "AHU \"3\" supply")
    map.record("string", pseudonym: "dsc-abcdefghijklmnop", original: "Boiler room 2 supply temperature")
    let read = try PseudonymMap(jsonLines: map.jsonLines())
    #expect(read.entries == map.entries)
    let report = #"{"mac":"5:203.0.113.9:47808","name":"obj-k3j9x2q1","v":"\"dsc-abcdefgh…","host":"203.0.113.99"}"#
    #expect(read.reverse(report)
      == #"{"mac":"5:192.0.2.7:47808","name":"AHU \"3\" supply","v":"\"Boiler room …","host":"203.0.113.99"}"#)
    #expect(throws: SanitizeError.self) { try PseudonymMap(jsonLines: "{\"kind\":\"ipv4\"}\n") }
  }

  @Test func keyFileContents() throws {
    let hex = try SanitizerKey(keyFileContents: Array("00112233445566778899aabbccddeeff\n".utf8))
    #expect(hex.secret == [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF])
    #expect(throws: SanitizeError.self) { try SanitizerKey(keyFileContents: Array("0011".utf8)) }
    let shift = CaptureSanitizer.keyedTimeShift(hex)
    #expect(shift != 0 && abs(shift) <= 365 * 86_400 && shift == CaptureSanitizer.keyedTimeShift(hex))
  }
}

@Suite struct FrameRewriteTests {
  static func ipv6Checksum(_ f: [UInt8], ip: Int, next: UInt8) -> UInt32 {
    let length = f.count - ip - 40
    var sum = InternetChecksum.sum(f, (ip + 8)..<(ip + 40)) + InternetChecksum.sum(f, (ip + 40)..<f.count)
    sum += UInt32(length) + UInt32(next)
    return InternetChecksum.fold(sum)
  }

  /// A Neighbor Solicitation with a source link-layer address option: target, option MAC and addresses change,
  /// and the ICMPv6 checksum still verifies.
  @Test func neighborSolicitation() throws {
    let mac: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    let source: [UInt8] = [0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55]
    let target: [UInt8] = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07]
    let destination: [UInt8] = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF, 0, 0, 0x07]
    var f: [UInt8] = [0x33, 0x33, 0xFF, 0, 0, 0x07] + mac + [0x86, 0xDD]
    f += [0x60, 0, 0, 0, 0, 32, 58, 255] + source + destination
    f += [135, 0, 0, 0, 0, 0, 0, 0] + target + [1, 1] + mac
    let sum = Self.ipv6Checksum(f, ip: 14, next: 58)
    let checksum = ~UInt16(sum)
    f[14 + 40 + 2] = UInt8(checksum >> 8)
    f[14 + 40 + 3] = UInt8(checksum & 0xFF)
    #expect(Self.ipv6Checksum(f, ip: 14, next: 58) == 0xFFFF)
    let sanitizer = try CaptureSanitizer(key: testKey)
    let out = Array(sanitizer.sanitize(frame: f[...], linkType: LinkType(rawValue: 1)))
    #expect(out.count == f.count)
    #expect(Self.ipv6Checksum(out, ip: 14, next: 58) == 0xFFFF)
    #expect(!contains(out, mac) && !contains(out, target) && !contains(out, Array(source[8...])))
    #expect(Array(out[38..<54]) == destination)  // multicast kept
  }
}

@Suite struct SanitizeRegressionTests {
  /// Every input the sanitize fuzz harness crashed on: the output reads back cleanly with the same packets.
  @Test func fuzzRegressions() throws {
    let dir = URLPaths.root + "/Fixtures/regressions/sanitize"
    let names = ["modified-pcap-record-header", "string-starts-after-the-data"]
    for name in names {
      let input = Array(try CaptureSanitizerTestFile.read(dir + "/" + name).dropFirst())  // byte 0: the harness's selector
      var reader = try CaptureReader(bytes: input)
      var delivered = 0
      while let _ = try? reader.nextPacket() { delivered += 1 }
      var source = try CaptureReader(bytes: input)
      var sink = MemorySink()
      let report = try? CaptureSanitizer(key: testKey).sanitize(&source, into: &sink)
      var back = try CaptureReader(bytes: sink.bytes)
      var count = 0
      while let _ = try back.nextPacket() { count += 1 }
      #expect(count == delivered && (report == nil || report?.packets == delivered), "\(name)")
    }
  }
}

enum CaptureSanitizerTestFile {
  static func read(_ path: String) throws -> [UInt8] {
    let source = try FileSource(path: path)
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try source.read(into: &chunk, at: 0, count: chunk.count)
      if n == 0 { break }
      out += chunk[0..<n]
    }
    return out
  }
}
