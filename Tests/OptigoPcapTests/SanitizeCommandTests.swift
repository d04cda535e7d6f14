import Foundation
import Testing
import OptigoTestSupport

/// `optigo-pcap sanitize` end to end, on every BACnet capture in ../shared/captures/bacnet (skipped when absent)
/// and every BACnet fixture: tshark decodes the output cleanly, no original identity is left in its bytes,
/// `summarize --json` says the same things about it, the map reverses reports, and output is reproducible.
@Suite(.serialized) struct SanitizeCommandTests {
  static let fixtureInputs: [URL] = {
    let dirs = ["analysis", "bacnet-vectors", "mstp", "bacnet-ip", "anonymize"]
    var out: [URL] = []
    for d in dirs {
      let dir = packageRoot.appendingPathComponent("Fixtures/\(d)")
      let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
      out += names.filter { ($0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng")) && !$0.contains("truncated") && !$0.contains("really")
          && !$0.hasPrefix("bacnet.") }
        .sorted().map { dir.appendingPathComponent($0) }
    }
    return out
  }()

  static let sharedInputs: [URL] = allSharedCaptures.filter { $0.path.contains("/bacnet/") }
  static let inputs = sharedInputs + fixtureInputs

  struct Sanitized {
    var input: URL
    var output: URL
    var map: URL
  }

  /// Every input sanitized once into a temporary directory, shared by the tests of this suite.
  nonisolated(unsafe) static var sanitized: (URL, [Sanitized])?

  static func sanitizeAll() throws -> (URL, [Sanitized]) {
    if let sanitized { return sanitized }
    let result = try sanitizeInto(key: "00112233445566778899aabbccddeeff0123456789abcdef")
    sanitized = result
    return result
  }

  /// A fresh directory with a key file, and every input sanitized into it.
  static func sanitizeInto(key: String) throws -> (URL, [Sanitized]) {
    let bin = try #require(optigoPcap, "optigo-pcap is not built")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sanitize-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let keyFile = dir.appendingPathComponent("key")
    try Data(key.utf8).write(to: keyFile)
    var out: [Sanitized] = []
    for input in inputs {
      let name = input.lastPathComponent
      let s = Sanitized(input: input, output: dir.appendingPathComponent("out-" + name),
                        map: dir.appendingPathComponent("map-" + name + ".jsonl"))
      let r = try run(bin, ["sanitize", input.path, "-w", s.output.path, "--key-file", keyFile.path, "--map", s.map.path])
      #expect(r.status == 0, "\(name): \(r.stderr)")
      out.append(s)
    }
    return (dir, out)
  }

  /// tshark's expert messages for a file (frame number and message per line).
  static func expert(_ file: URL) throws -> [String] {
    let tshark = try #require(tool("tshark"))
    let r = try run(tshark, ["-r", file.path, "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
                             "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "frame.protocols", "-e", "_ws.expert.message"])
    // pcapng custom blocks, which tshark lists as frames of data, are not packets: sanitize removes them.
    return r.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("data\t") && !$0.hasPrefix("pcapng") }
  }

  @Test("tshark decodes every sanitized capture: no new malformed packets, no IP/UDP/TCP checksum errors",
        .enabled(if: tool("tshark") != nil, "tshark is not installed"))
  func tsharkDecodesOutput() throws {
    let (_, files) = try Self.sanitizeAll()
    for f in files {
      let before = try Self.expert(f.input), after = try Self.expert(f.output)
      let malformed = { (lines: [String]) in lines.filter { $0.contains("Malformed") }.count }
      #expect(malformed(after) <= malformed(before), "\(f.input.lastPathComponent)")
      // IP, UDP and TCP say "Bad checksum"; MS/TP says "Bad Checksum" and its line errors are kept as findings.
      #expect(after.filter { $0.contains("Bad checksum") }.isEmpty, "\(f.input.lastPathComponent): \(after.filter { $0.contains("Bad checksum") }.prefix(3))")
      #expect(after.filter { $0.contains("Bad Checksum") }.count == before.filter { $0.contains("Bad Checksum") }.count)
      #expect(after.count == before.count, "\(f.input.lastPathComponent): frame count \(before) \(after)")
    }
  }

  /// The identities tshark finds in a capture: IP and MAC addresses, BVLC addresses, object names and string values.
  static func identities(_ file: URL) throws -> (addresses: Set<[UInt8]>, strings: Set<String>) {
    let tshark = try #require(tool("tshark"))
    let fields = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "eth.src", "eth.dst", "arp.src.proto_ipv4",
                  "arp.dst.proto_ipv4", "bvlc.fwd_ip", "bvlc.bdt_ip", "bvlc.fdt_ip", "bacapp.object_name",
                  "bacapp.present_value.char_string"]
    let r = try run(tshark, ["-r", file.path, "-T", "fields", "-E", "separator=\t", "-E", "aggregator=\t"]
                      + fields.flatMap { ["-e", $0] })
    var addresses = Set<[UInt8]>(), strings = Set<String>()
    for value in r.stdout.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).map(String.init) {
      if let v4 = IPv4Address(value) {
        let b = v4.bytes
        // Kept by policy: 0/8, loopback, multicast and reserved (255.255.255.255).
        if b[0] != 0 && b[0] != 127 && b[0] < 224 { addresses.insert(b) }
      } else if let mac = MACAddress(value) {
        if mac.bytes[0] & 1 == 0 && mac.bytes != [0, 0, 0, 0, 0, 0] { addresses.insert(mac.bytes) }
      } else if value.contains(":"), let v6 = IPv6Address(value) {
        if v6.bytes[0] != 0xFF && !(v6.bytes.dropLast().allSatisfy { $0 == 0 }) { addresses.insert(v6.bytes) }
      } else if value.utf8.count >= 5 {
        strings.insert(value)
      }
    }
    return (addresses, strings)
  }

  @Test("no original IP address, MAC address or BACnet string is left in the output bytes",
        .enabled(if: tool("tshark") != nil, "tshark is not installed"))
  func noOriginalsLeft() throws {
    let (_, files) = try Self.sanitizeAll()
    var checked = 0
    for f in files {
      let output = [UInt8](try Data(contentsOf: f.output))
      var (addresses, strings) = try Self.identities(f.input)
      // Also every string the map names (whatever tshark shows of them).
      for line in try String(contentsOf: f.map, encoding: .utf8).split(separator: "\n") {
        let e = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        if e["kind"] == "string", let o = e["original"], o.utf8.count >= 5, !o.hasPrefix("hex:") { strings.insert(o) }
      }
      for a in addresses {
        #expect(!output.contains(sequence: a), "\(f.input.lastPathComponent): address \(a) still present")
      }
      for s in strings {
        #expect(!output.contains(sequence: Array(s.utf8)), "\(f.input.lastPathComponent): \"\(s)\" still present")
      }
      checked += addresses.count + strings.count
    }
    #expect(checked > 50)
  }

  /// `text` with remote MS/TP addresses (`network:station`, `station N`) translated back through the map and IPv6 digests
  /// (`ipv6#…`, not reversible) blanked.
  static func stationsMapped(_ text: String, mstp: [Int: Int]) -> String {
    let digest = try! NSRegularExpression(pattern: "ipv6#[0-9a-f]+")
    var t = digest.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "ipv6#")
    guard !mstp.isEmpty else { return t }
    let remote = try! NSRegularExpression(
      pattern: "(?<![0-9.:])[0-9]{1,5}:([0-9]{1,3})(?![0-9.:])|station ([0-9]{1,3})(?![0-9.])")
    for m in remote.matches(in: t, range: NSRange(t.startIndex..., in: t)).reversed() {
      let group = m.range(at: 1).location != NSNotFound ? 1 : 2
      guard let r = Range(m.range(at: group), in: t), let v = Int(t[r]), let o = mstp[v] else { continue }
      t.replaceSubrange(r, with: String(o))
    }
    return t
  }

  /// Summary keys whose values are MS/TP station numbers.
  static let mstpKeys: Set<String> = [
    "mac", "next_station", "highest_pfm", "source", "destination", "host", "addresses", "station", "router", "ports",
  ]

  /// A summary in a form where only what the sanitizer may change is left out: file names, the rotation of the
  /// MS/TP token order; lists compared as multisets (their order follows addresses).
  static func canonical(_ value: Any, key: String = "", mstp: [Int: Int]) -> String {
    switch value {
    case let d as [String: Any]:
      // A router with several ports is named by one of them, chosen by address order, which pseudonyms change.
      let skipped: Set<String> = d["ports"] != nil ? ["files", "file", "token_order", "router"] : ["files", "file", "token_order"]
      return "{" + d.keys.sorted().filter { !skipped.contains($0) }
        .map { "\($0):" + canonical(d[$0]!, key: $0, mstp: mstp) }.joined(separator: ",") + "}"
    case let a as [Any]:
      return "[" + a.map { canonical($0, key: key, mstp: mstp) }.sorted().joined(separator: ",") + "]"
    case let n as NSNumber where mstpKeys.contains(key):
      return String(mstp[n.intValue] ?? n.intValue)
    case let s as String where mstpKeys.contains(key) && Int(s) != nil:
      return String(mstp[Int(s)!] ?? Int(s)!)
    case let s as String where key == "message":
      // Per-station parts follow station order, which the pseudonyms change.
      return stationsMapped(s, mstp: mstp).replacingOccurrences(of: ": station ", with: "; station ")
        .split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.sorted().joined(separator: ";")
    case let s as String:
      return stationsMapped(s, mstp: mstp)
    default:
      return String(describing: value)
    }
  }

  @Test("summarize --json of the output, translated back with --reverse, equals the input's",
        .enabled(if: optigoPcap != nil, "optigo-pcap is not built"))
  func summariesAgree() throws {
    let bin = try #require(optigoPcap)
    let (dir, files) = try Self.sanitizeAll()
    for f in files {
      let before = try run(bin, ["summarize", "--json", f.input.path])
      let after = try run(bin, ["summarize", "--json", f.output.path])
      let report = dir.appendingPathComponent("report.json")
      try Data(after.stdout.utf8).write(to: report)
      let reversed = try run(bin, ["sanitize", "--reverse", f.map.path, report.path])
      #expect(reversed.status == 0)
      var mstp: [Int: Int] = [:]
      for line in try String(contentsOf: f.map, encoding: .utf8).split(separator: "\n") {
        let e = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        if e["kind"] == "mstp", let p = Int(e["pseudonym"] ?? ""), let o = Int(e["original"] ?? "") { mstp[p] = o }
      }
      let a = try JSONSerialization.jsonObject(with: Data(before.stdout.utf8))
      let b = try JSONSerialization.jsonObject(with: Data(reversed.stdout.utf8))
      let ca = Self.canonical(a, mstp: [:]), cb = Self.canonical(b, mstp: mstp)
      let same = zip(ca, cb).prefix { $0 == $1 }.count
      #expect(ca == cb, "\(f.input.lastPathComponent): differs at \(ca.dropFirst(max(0, same - 80)).prefix(200)) / \(cb.dropFirst(max(0, same - 80)).prefix(200))")
      // Without the map, the pseudonymized summary still counts the same devices, frames and findings.
      let raw = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
      let orig = try #require(a as? [String: Any])
      #expect((raw["devices"] as? [Any])?.count == (orig["devices"] as? [Any])?.count)
      #expect((raw["findings"] as? [Any])?.count == (orig["findings"] as? [Any])?.count)
    }
  }

  @Test("same key and input give byte-identical output; another key gives other pseudonyms; the map is mode 0600",
        .enabled(if: optigoPcap != nil, "optigo-pcap is not built"))
  func reproducibleAndKeyed() throws {
    let bin = try #require(optigoPcap)
    let input = packageRoot.appendingPathComponent("Fixtures/analysis/bbmd_forwarded_iam.pcap")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sanitize-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let k1 = dir.appendingPathComponent("k1"), k2 = dir.appendingPathComponent("k2")
    try Data("first key, sixteen octets or more".utf8).write(to: k1)
    try Data("second key, sixteen octets or more".utf8).write(to: k2)
    func sanitize(_ key: URL, _ name: String, map: Bool = false) throws -> Data {
      let out = dir.appendingPathComponent(name)
      var args = ["sanitize", "-r", input.path, "-w", out.path, "--key-file", key.path]
      if map { args += ["--map", dir.appendingPathComponent("map").path] }
      let r = try run(bin, args)
      #expect(r.status == 0, "\(r.stderr)")
      return try Data(contentsOf: out)
    }
    let a = try sanitize(k1, "a.pcap"), b = try sanitize(k1, "b.pcap", map: true), c = try sanitize(k2, "c.pcap")
    #expect(a == b)
    #expect(a != c && a.count == c.count)
    let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("map").path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test("exit statuses: usage 64, unreadable 66, damaged 65 (nothing written), output failure 73",
        .enabled(if: optigoPcap != nil, "optigo-pcap is not built"))
  func exitStatuses() throws {
    let bin = try #require(optigoPcap)
    let input = packageRoot.appendingPathComponent("Fixtures/analysis/who_is_storm.pcap")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sanitize-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let key = dir.appendingPathComponent("key"), short = dir.appendingPathComponent("short")
    try Data("a key of at least sixteen octets".utf8).write(to: key)
    try Data("short".utf8).write(to: short)
    let out = dir.appendingPathComponent("out.pcap").path
    #expect(try run(bin, ["sanitize", input.path, "-w", out]).status == 64)
    #expect(try run(bin, ["sanitize", input.path, "-w", out, "--key-file", short.path]).status == 64)
    #expect(try run(bin, ["sanitize", input.path, "-w", out, "--key-file", dir.appendingPathComponent("none").path]).status == 66)
    #expect(try run(bin, ["sanitize", dir.appendingPathComponent("none.pcap").path, "-w", out, "--key-file", key.path]).status == 66)
    var damaged = try Data(contentsOf: input)
    damaged.removeLast(7)
    let cut = dir.appendingPathComponent("cut.pcap")
    try damaged.write(to: cut)
    #expect(try run(bin, ["sanitize", cut.path, "-w", out, "--key-file", key.path]).status == 65)
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(try run(bin, ["sanitize", input.path, "-w", dir.appendingPathComponent("no/such/dir/x.pcap").path,
                          "--key-file", key.path]).status == 73)
    #expect(try run(bin, ["sanitize", input.path, "-w", input.path, "--key-file", key.path]).status == 64)
  }
}

extension Array where Element == UInt8 {
  func contains(sequence needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= count else { return false }
    let first = needle[0]
    var i = 0
    while i <= count - needle.count {
      if self[i] == first && self[i..<(i + needle.count)].elementsEqual(needle) { return true }
      i += 1
    }
    return false
  }
}

/// Address text parsers for the identity check.
struct IPv4Address {
  var bytes: [UInt8]
  init?(_ s: String) {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var b: [UInt8] = []
    for p in parts { guard let v = UInt8(p) else { return nil }; b.append(v) }
    bytes = b
  }
}

struct MACAddress {
  var bytes: [UInt8]
  init?(_ s: String) {
    let parts = s.split(separator: ":")
    guard parts.count == 6 else { return nil }
    var b: [UInt8] = []
    for p in parts { guard p.count == 2, let v = UInt8(p, radix: 16) else { return nil }; b.append(v) }
    bytes = b
  }
}

struct IPv6Address {
  var bytes: [UInt8]
  init?(_ s: String) {
    var a = in6_addr()
    guard inet_pton(AF_INET6, s, &a) == 1 else { return nil }
    bytes = withUnsafeBytes(of: &a) { Array($0) }
  }
}
