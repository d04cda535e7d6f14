/// Path-string helpers (POSIX paths as Swift strings).
enum ArchivePaths {
  /// The directory part of an absolute path ("/" for a top-level name).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The last component of a path.
  static func name(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// `directory/name`, without doubling a slash.
  static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// Prefix of the temporary files a copy writes beside its destination (skipped by directory walks).
  static let partialPrefix = ".optigo-partial-"
  /// Prefix of the temporary files an undo writes beside the original name.
  static let undoPrefix = ".optigo-undo-"
}
