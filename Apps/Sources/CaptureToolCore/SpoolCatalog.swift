public import Foundation
import PcapKit

/// One capture file of the spool, with the figures PcapKit read from it.
public struct SpoolFile: Codable, Sendable, Equatable {
  /// File name inside the spool.
  public var name: String
  /// Size on disk, bytes.
  public var size: Int
  /// Last modification.
  public var modified: Date
  /// Packets read.
  public var packets: Int
  /// Earliest packet time, nil without packets.
  public var firstPacket: Date?
  /// Latest packet time, nil without packets.
  public var lastPacket: Date?
  /// nil when the file read to its end, else what stopped the reader.
  public var damage: String?
}

/// The capture files of the spool folder (`DIR/data/pcap`): listing with PcapKit's figures (cached per name,
/// size and modification time), and checked access by name for download and deletion.
public actor SpoolCatalog {
  /// The spool folder.
  public let directory: String
  private var cache: [String: (size: Int, modified: Date, file: SpoolFile)] = [:]

  /// A catalog of `directory`.
  public init(directory: String) {
    self.directory = directory
  }

  /// True for a name the console handles: a capture extension, no path separator, not hidden, only
  /// letters, digits and `._-+` (so it is safe in a header and a URL).
  public static func isCaptureName(_ name: String) -> Bool {
    guard !name.isEmpty, name.utf8.count <= 200, !name.hasPrefix(".") else { return false }
    let safe = name.unicodeScalars.allSatisfy {
      ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "._-+".unicodeScalars.contains($0)
    }
    let extensions = [".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz"]
    return safe && extensions.contains { name.hasSuffix($0) }
  }

  /// The capture files, newest first.
  public func list() -> [SpoolFile] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    var files: [SpoolFile] = []
    var seen = Set<String>()
    for name in names where Self.isCaptureName(name) {
      guard let (size, modified) = regularFile(name) else { continue }
      seen.insert(name)
      if let entry = cache[name], entry.size == size, entry.modified == modified {
        files.append(entry.file)
        continue
      }
      let file = Self.read(name: name, path: directory + "/" + name, size: size, modified: modified)
      cache[name] = (size, modified, file)
      files.append(file)
    }
    cache = cache.filter { seen.contains($0.key) }
    return files.sorted { ($0.modified, $0.name) > ($1.modified, $1.name) }
  }

  /// The full path of a listed capture file, nil when the name is not one (bad name, missing, not a
  /// regular file, a symbolic link).
  public func path(of name: String) -> String? {
    guard Self.isCaptureName(name), regularFile(name) != nil else { return nil }
    return directory + "/" + name
  }

  /// Deletes a capture file; false when there is no such file.
  public func delete(_ name: String) throws -> Bool {
    guard let path = path(of: name) else { return false }
    try FileManager.default.removeItem(atPath: path)
    cache[name] = nil
    return true
  }

  private func regularFile(_ name: String) -> (Int, Date)? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name),
      attributes[.type] as? FileAttributeType == .typeRegular
    else { return nil }
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    let modified = attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
    return (size, modified)
  }

  static func read(name: String, path: String, size: Int, modified: Date) -> SpoolFile {
    var file = SpoolFile(
      name: name, size: size, modified: modified, packets: 0, firstPacket: nil, lastPacket: nil, damage: nil)
    var first: CaptureTimestamp?
    var last: CaptureTimestamp?
    do {
      var reader = try CaptureReader(path: path)
      while let packet = try reader.nextPacket() {
        file.packets += 1
        if first.map({ packet.timestamp < $0 }) ?? true { first = packet.timestamp }
        if last.map({ packet.timestamp > $0 }) ?? true { last = packet.timestamp }
      }
    } catch {
      file.damage = "\(error)"
    }
    file.firstPacket = first.map { Date(timeIntervalSince1970: Double($0.nanosecondsSinceEpoch) / 1e9) }
    file.lastPacket = last.map { Date(timeIntervalSince1970: Double($0.nanosecondsSinceEpoch) / 1e9) }
    return file
  }
}
