import ArgumentParser
import PcapKit

/// `--ports` and `--add-ports`, shared by list, filter, summarize and capture: parsed into PcapKit's `PortSet`
/// while the arguments are read, so a bad list is a usage error (exit 64) naming the item.
struct PortOptions: ParsableArguments {
  @Option(
    help: "Ports instead of the default BACnet/IP set 47808-47823, e.g. 47808-47823,1234.",
    transform: PortOptions.parse)
  var ports: PortSet?

  @Option(
    name: .customLong("add-ports"), help: "Ports to add to the set (repeatable), e.g. 4000-4010.",
    transform: PortOptions.parse)
  var addPorts: [PortSet] = []

  /// `--ports` (or the BACnet/IP default) with every `--add-ports` added.
  var portSet: PortSet { portSet(base: ports) }

  /// `base` (or the BACnet/IP default) with every `--add-ports` added.
  func portSet(base: PortSet?) -> PortSet {
    var set = base ?? .bacnet
    for extra in addPorts { set.formUnion(extra) }
    return set
  }

  /// Parses one list; a failure becomes the usage error ArgumentParser prints after the option's name.
  /// (A transform rather than `ExpressibleByArgument`, whose failable initializer cannot say what is wrong.)
  static func parse(_ text: String) throws -> PortSet {
    do {
      return try PortSet(parsing: text)
    } catch {
      throw ValidationError(error.description)
    }
  }
}
