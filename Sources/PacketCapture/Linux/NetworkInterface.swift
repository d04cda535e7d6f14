public import PcapKit

/// A network interface as `capture --list-interfaces` shows it (like `dumpcap -D`), read from `/sys/class/net`
/// and `getifaddrs(3)`.
public struct NetworkInterface: Hashable, Sendable {
  /// The name (`eth0`).
  public var name: String
  /// The interface index.
  public var index: Int
  /// `ARPHRD_*` from `/sys/class/net/NAME/type` (1 Ethernet, 772 loopback…).
  public var hardwareType: Int
  /// The capture link type (`LinkType/ethernet` for Ethernet and loopback), nil when not capturable here.
  public var linkType: LinkType? { hardwareType == 1 || hardwareType == 772 ? .ethernet : nil }
  /// True when the interface is administratively up (`IFF_UP`).
  public var isUp: Bool
  /// `operstate` (`up`, `down`, `unknown`…).
  public var operationalState: String
  /// Addresses, e.g. `192.0.2.10/24`, `fe80::1/64`.
  public var addresses: [String]

  /// Every interface, sorted by index.
  public static func all() -> [NetworkInterface] {
    let addresses = SystemCalls.interfaceAddresses()
    return SystemCalls.directoryNames("/sys/class/net").compactMap { name in
      named(name, addresses: addresses[name] ?? [])
    }.sorted { $0.index < $1.index }
  }

  /// The interface called `name`, nil when there is none.
  public static func named(_ name: String) -> NetworkInterface? {
    named(name, addresses: SystemCalls.interfaceAddresses()[name] ?? [])
  }

  static func named(_ name: String, addresses: [String]) -> NetworkInterface? {
    guard !name.contains("/"), name != "." && name != "..",
      let index = number("/sys/class/net/\(name)/ifindex")
    else { return nil }
    let flags = SystemCalls.readSmallFile("/sys/class/net/\(name)/flags").flatMap {
      Int($0.trimmingPrefix("0x").filter { !$0.isWhitespace }, radix: 16)
    } ?? 0
    let state = SystemCalls.readSmallFile("/sys/class/net/\(name)/operstate")?.filter { !$0.isWhitespace } ?? "unknown"
    return NetworkInterface(name: name, index: index, hardwareType: number("/sys/class/net/\(name)/type") ?? 0,
                            isUp: flags & 1 != 0, operationalState: state, addresses: addresses)
  }

  static func number(_ path: String) -> Int? {
    SystemCalls.readSmallFile(path).flatMap { Int($0.filter { !$0.isWhitespace }) }
  }

  /// `rx_packets` and `rx_dropped` of `name`, nil when unreadable.
  static func counters(_ name: String) -> (rx: UInt64, drop: UInt64)? {
    let base = "/sys/class/net/\(name)/statistics/"
    guard let rx = number(base + "rx_packets"), let drop = number(base + "rx_dropped") else { return nil }
    return (UInt64(max(rx, 0)), UInt64(max(drop, 0)))
  }
}
