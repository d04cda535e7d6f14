import Foundation
import Testing
@testable import BACnetDecode
import OptigoTestSupport

/// Parses hex with optional spaces and `|` separators: `"81 0b | 00 07"`.
func hex(_ s: String) -> [UInt8] {
  let digits = s.filter { $0.isHexDigit }
  var out: [UInt8] = []
  var i = digits.startIndex
  while i < digits.endIndex {
    let j = digits.index(after: i)
    out.append(UInt8(digits[i...j], radix: 16)!)
    i = digits.index(after: j)
  }
  return out
}

/// `../shared` next to the package root (absent in some checkouts).
let sharedRoot = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

/// Runs a tool and returns its standard output.
func run(_ tool: String, _ args: [String]) throws -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: tool)
  p.arguments = args
  let out = Pipe()
  p.standardOutput = out
  p.standardError = FileHandle.nullDevice
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return String(decoding: data, as: UTF8.self)
}

func codes(_ d: [BACnetDiagnostic]) -> [String] { d.map(\.code.rawValue) }
