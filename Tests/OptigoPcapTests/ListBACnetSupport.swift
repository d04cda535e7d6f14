import Foundation
import PcapKit
import Testing
@testable import optigo_pcap
import OptigoTestSupport

/// Runs `optigo-pcap list` in process through the command's own code path and returns the output it writes.
enum ListBACnetSupport {
  /// The package root (three levels above this file).
  static let packageRoot = OptigoTestSupport.packageRoot
  /// `../shared/captures/bacnet`, nil when absent.
  static var sharedBACnet: URL? {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/captures/bacnet")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }
  /// A fixture path under `Fixtures/`.
  static func fixture(_ relative: String) -> String { packageRoot.appendingPathComponent("Fixtures/" + relative).path }

  /// `/usr/bin/tshark` when installed.
  static var tshark: String? {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/tshark") ? "/usr/bin/tshark" : nil
  }

  /// Runs `list` with `arguments` (files included) and returns what it printed to its output stream.
  static func list(_ arguments: [String]) throws -> String {
    let command = try List.parse(arguments)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-list-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    let out = OutputStream(sink: try FileSink(path: url.path))
    var annotators = command.makeAnnotators()
    var remaining = command.count ?? Int.max
    for file in command.files { _ = command.list(file, out, &annotators, remaining: &remaining) }
    out.flush()
    try out.sink.close()
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }

  /// `list --json` output parsed into one dictionary per line.
  static func listJSON(_ arguments: [String]) throws -> [[String: Any]] {
    let text = try list(["--json"] + arguments)
    return try text.split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
      return try #require(object as? [String: Any], "not an object: \(line)")
    }
  }

  /// Runs a program and returns its standard output (read through a file, so no pipe fills up).
  static func run(_ program: String, _ arguments: [String]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("optigo-run-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: url) }
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    p.standardOutput = try FileHandle(forWritingTo: url)
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }
}
