import Foundation

/// The package root, found from this file's path (Tests/OptigoTestSupport/PackagePaths.swift).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// `../shared/captures` beside the package root (absent on machines without it: tests then skip).
public let sharedCaptures = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/captures")

/// `Fixtures/<relative>` in the package.
public func fixture(_ relative: String) -> URL {
  packageRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative)
}

/// Every capture file under `../shared/captures/<folder>`, sorted; empty when the folder is absent.
public func sharedFiles(_ folder: String, suffixes: [String] = [".pcap", ".pcapng", ".gz"]) -> [URL] {
  let dir = sharedCaptures.appendingPathComponent(folder)
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
  return names.filter { n in suffixes.contains { n.hasSuffix($0) } }.sorted().map { dir.appendingPathComponent($0) }
}

/// Every capture under `../shared/captures` (the bacnet, conformance and formats folders), sorted; empty when
/// absent.
public let allSharedCaptures: [URL] = ["bacnet", "conformance", "formats"].flatMap { sharedFiles($0) }
