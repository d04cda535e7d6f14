import Foundation
import PcapKit
import OptigoTestSupport

/// Paths and helpers shared by the capture tests.
enum CaptureTestSupport {
  static let packageRoot = OptigoTestSupport.packageRoot
  static let sender = packageRoot.appendingPathComponent("Tests/CaptureScripts/send_frames.py").path
  static let binary = packageRoot.appendingPathComponent(".build/debug/optigo-pcap").path

  /// Runs a command to completion; (status, stdout, stderr).
  @discardableResult
  static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }

  /// The sender's frames with their expected final verdicts (keep/drop) and labels.
  static func fixtureFrames(userPort: Int = 5555) throws -> [(keep: Bool, label: String, bytes: [UInt8])] {
    guard let python = tool("python3") else { return [] }
    let r = try run(python, [sender, "-", "--list", "--user-port", "\(userPort)"])
    return r.out.split(separator: "\n").map { line in
      let f = line.split(separator: " ")
      let hex = Array(f[2].utf8)
      var bytes: [UInt8] = []
      var i = 0
      while i + 1 < hex.count {
        bytes.append(UInt8(String(decoding: hex[i...(i + 1)], as: UTF8.self), radix: 16)!)
        i += 2
      }
      return (f[0] == "keep", String(f[1]), bytes)
    }
  }

  /// Every record of a capture file.
  static func records(_ path: String) throws -> [CaptureRecord] {
    var reader = try CaptureReader(path: path)
    var out: [CaptureRecord] = []
    while let r = try reader.next() { out.append(r) }
    return out
  }

  /// The packets' bytes of a capture file.
  static func packetData(_ path: String) throws -> [[UInt8]] {
    var reader = try CaptureReader(path: path)
    var out: [[UInt8]] = []
    while let p = try reader.nextPacket() { out.append(Array(p.data)) }
    return out
  }

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pcap-capture-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }
}
