public import Foundation
import OptigoWebSecurity

#if canImport(Glibc)
  import Glibc
#endif

/// Where stored captures live, by object identifier (random 128-bit, ``RandomIdentifier``): nothing about the
/// customer, site, date or original name is in an object's name. The embedded mode keeps them in a folder
/// (``FileBlobStore``); an object store can implement the same protocol.
public protocol BlobStore: Sendable {
  /// Moves the finished local file `path` in as `objectID`; durable when it returns.
  func put(objectID: String, movingFile path: String) async throws
  /// A local path to read the object from.
  func readablePath(objectID: String) async throws -> String
  /// Removes the object (no error when absent).
  func delete(objectID: String) async throws
  /// True when the object exists.
  func exists(objectID: String) async throws -> Bool
}

/// Objects as files `ROOT/ab/abcdef…` (the first two hex digits spread them over 256 folders), mode 0600,
/// moved in by `rename(2)` and made durable by `fsync` of the folder. Identifiers are checked to be 32 hex
/// digits before any path is built, so no name can leave the folder.
public struct FileBlobStore: BlobStore {
  /// The folder.
  public let root: String

  /// A store in `root` (created, mode 0700).
  public init(root: String) throws {
    self.root = root
    try SecureFile.makePrivateDirectory(root)
  }

  func path(_ objectID: String) throws -> String {
    guard RandomIdentifier.isWellFormed(objectID) else { throw BlobError.badIdentifier }
    return "\(root)/\(objectID.prefix(2))/\(objectID)"
  }

  public func put(objectID: String, movingFile source: String) async throws {
    let target = try path(objectID)
    let folder = "\(root)/\(objectID.prefix(2))"
    try SecureFile.makePrivateDirectory(folder)
    guard rename(source, target) == 0 else { throw BlobError.io("rename into the blob store failed: errno \(errno)") }
    let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw BlobError.io("cannot open \(folder): errno \(errno)") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw BlobError.io("fsync of \(folder) failed: errno \(errno)") }
  }

  public func readablePath(objectID: String) async throws -> String {
    let target = try path(objectID)
    guard FileManager.default.fileExists(atPath: target) else { throw BlobError.missing }
    return target
  }

  public func delete(objectID: String) async throws {
    let target = try path(objectID)
    if unlink(target) != 0, errno != ENOENT { throw BlobError.io("cannot delete an object: errno \(errno)") }
  }

  public func exists(objectID: String) async throws -> Bool {
    FileManager.default.fileExists(atPath: try path(objectID))
  }
}

/// Failures of a blob store.
public enum BlobError: Error, Equatable {
  /// Not a 32-hex-digit identifier.
  case badIdentifier
  /// No such object.
  case missing
  /// A system call failed.
  case io(String)
}
