import PcapKit
import _CaptureInternals

/// The captures directly inside a directory, as `merge DIR` (and any other discovery) takes them: regular files
/// recognised as captures by their content (``CaptureSniffer``), in name order. Temporary files of unfinished
/// writes (PcapKit's `TemporaryFileNames.isTemporary(name:)`) are never taken, whatever they hold; symbolic links,
/// subdirectories and other files are left out too. Each file left out is named with the reason.
public struct CaptureDirectory: Sendable {
  /// The captures found, as `directory/name` paths in name order.
  public var captures: [String] = []
  /// The entries left out, with the reason.
  public var skipped: [(path: String, reason: String)] = []

  /// Lists `directory`.
  ///
  /// - Throws: ``ArchiveError`` when the directory cannot be read.
  public init(_ directory: String, fileSystem: any ArchiveFileSystem = PosixFileSystem()) throws(ArchiveError) {
    let sniffer = CaptureSniffer(fileSystem: fileSystem)
    for name in try fileSystem.contents(ofDirectory: directory).names.sorted() {
      let path = ArchivePaths.join(directory, name)
      if TemporaryFileNames.isTemporary(name: name) {
        skipped.append((path, "temporary file of an unfinished write, never a capture"))
        continue
      }
      guard let status = try? fileSystem.status(of: path), status.kind == .regular else {
        skipped.append((path, "not a regular file"))
        continue
      }
      switch Result(catching: { () throws(ArchiveError) in try sniffer.kind(ofFileAt: path) }) {
      case .success(.some): captures.append(path)
      case .success(nil): skipped.append((path, "not a capture"))
      case .failure(let error): skipped.append((path, error.description))
      }
    }
  }
}
