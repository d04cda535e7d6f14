import PcapKit
import _CaptureInternals

/// What ``MetadataScrubber`` removed from one capture.
public struct ScrubReport: Hashable, Sendable {
  /// Removed options by name (`"opt_comment"`, `"shb_hardware"`, `"if_name"`, …) and count.
  public var removedOptions: [String: Int] = [:]
  /// Removed blocks by name (`"NRB"`, `"DSB"`, `"CB"`, …) and count.
  public var removedBlocks: [String: Int] = [:]
  /// Removed gzip header fields (`"gzip file name"`, `"gzip comment"`, `"gzip time"`, `"gzip extra field"`).
  public var removedGzipFields: [String] = []
  /// Packets (EPB, SPB, PB) written, unchanged except for removed options.
  public var packets = 0
  /// A sample of the removed text (at most ``textSampleLimit`` strings of at most 256 bytes each), for logs and
  /// tests; never written anywhere by the library.
  public var removedText: [String] = []
  /// How many removed strings ``removedText`` can hold.
  public static let textSampleLimit = 256

  /// An empty report.
  public init() {}

  /// True when nothing was removed.
  public var isEmpty: Bool { removedOptions.isEmpty && removedBlocks.isEmpty && removedGzipFields.isEmpty }

  /// One line for people: "3 opt_comment, 1 shb_hardware, 1 NRB, gzip file name".
  public var summary: String {
    if isEmpty { return "nothing to remove" }
    let options = removedOptions.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    let blocks = removedBlocks.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    return (options + blocks + removedGzipFields).joined(separator: ", ")
  }

  mutating func removeOption(_ name: String, _ value: ArraySlice<UInt8>) {
    removedOptions[name, default: 0] += 1
    noteText(value)
  }

  mutating func removeBlock(_ name: String, text: ArraySlice<UInt8>) {
    removedBlocks[name, default: 0] += 1
    noteText(text)
  }

  mutating func noteText(_ value: ArraySlice<UInt8>) {
    guard removedText.count < Self.textSampleLimit, !value.isEmpty else { return }
    removedText.append(String(decoding: value.prefix(256), as: UTF8.self))
  }
}
