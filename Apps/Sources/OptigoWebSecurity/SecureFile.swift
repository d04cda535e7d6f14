import Foundation
import PcapKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Private files of a service (accounts, configuration, keys): written through PcapKit's ``AtomicOutputFile``
/// (temporary file beside the target, fsync, rename) with mode 0600 set before any byte is written.
public enum SecureFile {
  /// Failure to read or write a private file.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong, with the path.
    public let description: String

    /// A failure described by `description`.
    public init(description: String) {
      self.description = description
    }
  }

  /// Replaces `path` with `bytes` atomically; the file is mode 0600 (owner read/write only).
  public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o600) throws {
    let output: AtomicOutputFile
    do {
      output = try AtomicOutputFile(path: path)
    } catch {
      throw Failure(description: "cannot write \(path): \(error)")
    }
    if let temporary = output.temporaryPath, chmod(temporary, mode_t(mode)) != 0 {
      output.discard()
      throw Failure(description: "cannot set the mode of \(temporary): errno \(errno)")
    }
    do {
      try output.sink.write(bytes[...])
      try output.commit()
    } catch {
      output.discard()
      throw Failure(description: "cannot write \(path): \(error)")
    }
  }

  /// The bytes of `path`, nil when it does not exist; refuses files larger than `limit`.
  public static func readIfPresent(_ path: String, limit: Int) throws -> [UInt8]? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw Failure(description: "cannot open \(path)")
    }
    defer { try? handle.close() }
    let data = try handle.read(upToCount: limit + 1) ?? Data()
    if data.count > limit { throw Failure(description: "\(path) is larger than \(limit) bytes") }
    return Array(data)
  }

  /// Creates `path` and its parents with mode 0700 when missing.
  public static func makePrivateDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }
}
