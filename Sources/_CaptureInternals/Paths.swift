/// Path-string helpers (POSIX paths as Swift strings), and the prefixes of the temporary files the archive
/// engine writes (PcapKit's stale-temporary-file sweep recognises them).
package enum ArchivePaths {
  /// The directory part of an absolute path ("/" for a top-level name).
  package static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The last component of a path.
  package static func name(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// `directory/name`, without doubling a slash.
  package static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// Prefix of the temporary files a copy writes beside its destination (skipped by directory walks).
  package static let partialPrefix = ".optigo-partial-"
  /// Prefix of the temporary files an undo writes beside the original name.
  package static let undoPrefix = ".optigo-undo-"
}
