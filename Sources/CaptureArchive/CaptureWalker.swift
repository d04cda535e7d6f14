import PcapKit
import _CaptureInternals

/// Collects the regular files to examine from the paths a user gave, without following symbolic links.
///
/// A directory given explicitly is resolved once (the user chose it); below it, only real directories are
/// entered (with `recursive`) and symbolic links, devices, sockets and FIFOs are skipped with a message, so the
/// walk never leaves the given directories. Names are sorted so runs are reproducible.
struct CaptureWalker {
  let fileSystem: any ArchiveFileSystem
  let recursive: Bool
  /// The journal's absolute path, never returned (it is not a capture anyway, but it is being written).
  let journal: String?
  /// On resume: absolute paths the journal already names, silently left out.
  let handled: Set<String>
  let onSkip: (String, String) -> Void
  private(set) var skippedCount = 0
  private(set) var failedCount = 0
  private var seen = Set<FileIdentity>()
  /// Directory depth limit (a guard against pathological trees).
  static let maximumDepth = 256

  init(
    fileSystem: any ArchiveFileSystem, recursive: Bool, journal: String?, handled: Set<String> = [],
    onSkip: @escaping (String, String) -> Void
  ) {
    self.fileSystem = fileSystem
    self.recursive = recursive
    self.journal = journal
    self.handled = handled
    self.onSkip = onSkip
  }

  private mutating func skip(_ path: String, _ reason: String) {
    skippedCount += 1
    onSkip(path, reason)
  }

  /// Absolute paths of the regular files to examine, each file once.
  mutating func collect(_ inputs: [String]) -> [String] {
    var files: [String] = []
    for input in inputs {
      do throws(ArchiveError) {
        guard let st = try fileSystem.status(of: input) else {
          failedCount += 1
          onSkip(input, "no such file or directory")
          continue
        }
        switch st.kind {
        case .regular where TemporaryFileNames.isTemporary(name: ArchivePaths.name(of: input)):
          skip(input, "temporary file of an unfinished write, never a capture")
        case .regular:
          // Resolve the directory part only: the file itself is never a link here.
          let directory = try fileSystem.resolve(ArchivePaths.directory(of: input))
          add(ArchivePaths.join(directory, ArchivePaths.name(of: input)), st, to: &files)
        case .directory:
          let directory = try fileSystem.resolve(input)
          walk(directory, depth: 0, into: &files)
        case .symbolicLink:
          skip(input, "symbolic link, not followed")
        case .other:
          skip(input, "not a regular file")
        }
      } catch {
        failedCount += 1
        onSkip(input, error.description)
      }
    }
    return files
  }

  private mutating func add(_ path: String, _ st: FileStatus, to files: inout [String]) {
    if path == journal {
      skip(path, "the map itself")
      return
    }
    if handled.contains(path) { return }
    guard seen.insert(st.identity).inserted else {
      skip(path, "already listed (the same file was given twice or is a hard link)")
      return
    }
    files.append(path)
  }

  private mutating func walk(_ directory: String, depth: Int, into files: inout [String]) {
    let listing: (names: [String], undecodable: Int)
    do throws(ArchiveError) {
      listing = try fileSystem.contents(ofDirectory: directory)
    } catch {
      failedCount += 1
      onSkip(directory, error.description)
      return
    }
    if listing.undecodable > 0 {
      skip(directory, "\(listing.undecodable) name(s) in it are not valid UTF-8 and were left alone")
    }
    for name in listing.names.sorted() {
      let path = ArchivePaths.join(directory, name)
      if name.hasPrefix(ArchivePaths.partialPrefix) || name.hasPrefix(ArchivePaths.undoPrefix) {
        skip(path, "temporary file of an interrupted run (use --resume or --undo with its map)")
        continue
      }
      if TemporaryFileNames.isTemporary(name: name) {
        skip(path, "temporary file of an unfinished write, never a capture")
        continue
      }
      let st: FileStatus?
      do throws(ArchiveError) {
        st = try fileSystem.status(of: path)
      } catch {
        failedCount += 1
        onSkip(path, error.description)
        continue
      }
      guard let st else { continue }  // vanished during the walk
      switch st.kind {
      case .regular:
        add(path, st, to: &files)
      case .directory:
        if recursive && depth < Self.maximumDepth {
          walk(path, depth: depth + 1, into: &files)
        } else if recursive {
          skip(path, "deeper than \(Self.maximumDepth) directories")
        }
      case .symbolicLink:
        skip(path, "symbolic link, not followed")
      case .other:
        skip(path, "not a regular file")
      }
    }
  }
}
