import ArgumentParser

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
      Sanitize.self,
    ]
  )
}
