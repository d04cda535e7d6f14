import Foundation
import PcapKit
import Testing
@testable import optigo_pcap
import OptigoTestSupport

/// Paths, temporary folders, external tools and capture comparison for the filter and merge command tests.
enum FilterMergeSupport {
  /// The package root (three levels above this file).
  static let packageRoot = OptigoTestSupport.packageRoot
  /// `../shared` beside the package root.
  static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
  /// `../shared/captures`, nil when absent (the tests using it then skip).
  static var captures: URL? {
    let url = shared.appendingPathComponent("captures")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }
  /// The generator, nil when absent.
  static var generator: String? {
    let path = shared.appendingPathComponent("tools/gen_capture.py").path
    return FileManager.default.fileExists(atPath: path) && tool("python3") != nil ? path : nil
  }


  /// A new empty folder under the system temporary folder.
  static func scratch(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs a program; returns its exit status, standard output and standard error (through temporary files, so
  /// no pipe can fill up).
  @discardableResult
  static func run(_ program: String, _ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, out: Data, err: String) {
    let dir = try scratch("run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let inURL = dir.appendingPathComponent("in"), outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
    try (stdin ?? Data()).write(to: inURL)
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    p.standardInput = try FileHandle(forReadingFrom: inURL)
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, try Data(contentsOf: outURL), String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }

  /// Generates a workload with `gen_capture.py` into `dir`; returns the path (nil when the generator is absent).
  static func generate(_ dir: URL, name: String, _ arguments: [String]) throws -> String? {
    guard let generator, let python = tool("python3") else { return nil }
    let path = dir.appendingPathComponent(name).path
    let r = try run(python, [generator] + arguments + ["--out", path])
    #expect(r.status == 0, "gen_capture.py failed: \(r.err)")
    return path
  }

  /// Runs an `optigo-pcap` subcommand in process; returns the exit status (0 on success).
  static func optigo(_ arguments: [String]) -> Int32 {
    do {
      var command = try OptigoPcap.parseAsRoot(arguments)
      try command.run()
      return 0
    } catch {
      return OptigoPcap.exitCode(for: error).rawValue
    }
  }

  /// One packet as compared between tools: timestamp (nanoseconds, truncated to `resolutionDigits`), lengths and
  /// bytes.
  struct PacketSummary: Hashable, CustomStringConvertible {
    var nanoseconds: Int128
    var originalLength: Int
    var data: [UInt8]
    var description: String { "\(nanoseconds) len \(originalLength) cap \(data.count)" }
  }

  /// The packets of a capture (every section and interface), timestamps truncated to 10^-digits s.
  static func packets(_ path: String, digits: Int = 9) throws -> [PacketSummary] {
    var reader = try CaptureReader(path: path)
    var result: [PacketSummary] = []
    var scale: Int128 = 1
    for _ in digits..<9 { scale *= 10 }
    while let p = try reader.nextPacket() {
      let ns = p.timestamp.nanosecondsSinceEpoch
      result.append(PacketSummary(nanoseconds: ns - ((ns % scale) + scale) % scale, originalLength: p.originalLength, data: Array(p.data)))
    }
    return result
  }

  /// The records of a capture by kind (e.g. `["section": 1, "interface": 2, "packet": 10]`).
  static func recordKinds(_ path: String) throws -> [String: Int] {
    var reader = try CaptureReader(path: path)
    var kinds: [String: Int] = [:]
    while let r = try reader.next() {
      let k: String
      switch r {
      case .section: k = "section"
      case .interface: k = "interface"
      case .packet: k = "packet"
      case .statistics: k = "statistics"
      case .nameResolution: k = "name-resolution"
      case .decryptionSecrets: k = "secrets"
      case .custom: k = "custom"
      case .other: k = "other"
      }
      kinds[k, default: 0] += 1
    }
    return kinds
  }

  /// Writes a capture built with the library's writers.
  static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }
}
