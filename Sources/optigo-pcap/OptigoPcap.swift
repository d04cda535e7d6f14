import ArgumentParser
import CaptureCompression
import PcapKit

/// The `optigo-pcap` command: BACnet-aware tools for pcap and pcapng captures.
@main
struct OptigoPcap: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optigo-pcap",
    abstract: "Read, filter, merge, anonymize, summarize, repair and sanitize BACnet packet captures (pcap, pcapng, gzip).",
    version: "0.1.0",
    subcommands: [
      List.self,
      Info.self,
      Filter.self,
      Merge.self,
      Anonymize.self,
      Summarize.self,
      Repair.self,
      Capture.self,
      Sanitize.self,
    ]
  )

  /// Installs the interrupt cleanup (temporary outputs vanish on SIGINT/SIGTERM/SIGHUP, a broken pipe ends
  /// quietly), answers a mistyped subcommand with the closest one, then runs the command.
  static func main() {
    InterruptCleanup.install()
    CaptureCompression.registerDecompressors()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let first = arguments.first, !first.hasPrefix("-"), let suggestion = SubcommandSuggestion.message(for: first) {
      Diagnostics.error(suggestion)
      exit(withError: ExitCode(ExitStatus.usage.rawValue))
    }
    main(arguments)
  }
}

/// "Did you mean …?" for a first argument that is not a subcommand.
enum SubcommandSuggestion {
  /// The subcommand names (and `help`).
  static var names: [String] {
    OptigoPcap.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
  }

  /// The message for `word` when it is not a subcommand, else nil.
  static func message(for word: String) -> String? {
    let known = names
    if known.contains(word) { return nil }
    let ranked = known.map { ($0, distance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
    if let (best, d) = ranked, d <= max(2, best.count / 3) || best.hasPrefix(word.lowercased()) {
      return "unknown command '\(word)'; did you mean '\(best)'? (commands: \(known.dropLast().joined(separator: ", ")))"
    }
    return "unknown command '\(word)' (commands: \(known.dropLast().joined(separator: ", ")))"
  }

  /// Damerau–Levenshtein (optimal string alignment) distance, so a swapped pair of letters costs 1.
  static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[x.count][y.count]
  }
}
