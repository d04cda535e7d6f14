import Foundation
import Testing
import OptigoTestSupport

/// The built `optigo-pcap` executable (beside the test bundle, or in .build/debug).
let optigoPcap: String? = {
  var candidates: [URL] = []
  if let first = CommandLine.arguments.first {
    candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("optigo-pcap"))
  }
  candidates.append(packageRoot.appendingPathComponent(".build/debug/optigo-pcap"))
  return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
}()

struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs a program to completion, capturing its output.
func run(_ path: String, _ args: [String], stdin: URL? = nil) throws -> RunResult {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: path)
  p.arguments = args
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  if let stdin { p.standardInput = try FileHandle(forReadingFrom: stdin) }
  try p.run()
  // Read both pipes concurrently so neither fills up.
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  p.waitUntilExit()
  return RunResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
}

/// Parses JSON Lines into dictionaries.
func jsonLines(_ text: String) throws -> [[String: Any]] {
  try text.split(separator: "\n").map { line in
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  }
}

/// Nanoseconds since the epoch printed with `digits` fraction digits, rounded down (what tshark/capinfos print).
func epoch(_ ns: Int64, digits: Int) -> String {
  var q = ns / 1_000_000_000, r = ns % 1_000_000_000
  if r < 0 { q -= 1; r += 1_000_000_000 }
  var f = String(r)
  f = String(repeating: "0", count: 9 - f.count) + f
  return digits == 0 ? "\(q)" : "\(q)." + f.prefix(digits)
}
