import ArgumentParser
import CaptureArchive
import PcapKit

/// `--clean-stale`, shared by the commands that write outputs or read directories: temporary files an interrupted
/// run left behind (older than an hour; `kill -9` or a power cut can leave one) are reported, or removed.
struct StaleTemporaryOptions: ParsableArguments {
  @Flag(
    name: .customLong("clean-stale"),
    help: "Remove temporary files older than an hour that interrupted runs left in the directories this run writes or reads.")
  var cleanStale = false

  /// Reports (or removes, with `--clean-stale`) the stale temporary files in the directories of `paths` (a
  /// directory stands for itself; `-` is skipped), each directory once.
  func check(paths: [String], command: String) {
    var seen = Set<String>()
    for path in paths where path != "-" {
      let directory = Self.isDirectory(path) ? path : Self.directory(of: path)
      guard seen.insert(directory).inserted else { continue }
      for file in TemporaryFileNames.stale(in: directory) {
        let what = "\(file.path) (\(file.size) bytes, \(file.age / 3600) h old)"
        if cleanStale {
          if let error = TemporaryFileNames.remove(file) {
            StandardError.line("optigo-pcap \(command): cannot remove stale temporary file \(what): \(error)")
          } else {
            StandardError.line("optigo-pcap \(command): removed stale temporary file \(what)")
          }
        } else {
          StandardError.line(
            "optigo-pcap \(command): note: stale temporary file \(what) left by an interrupted run; --clean-stale removes it")
        }
      }
    }
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  static func isDirectory(_ path: String) -> Bool {
    (try? PosixFileSystem().status(of: path))??.kind == .directory
  }
}
