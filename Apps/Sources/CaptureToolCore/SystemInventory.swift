import Foundation

/// What the system offers for capture: network interfaces and serial ports, read from `/sys` and `/dev`.
public struct SystemInventory: Sendable {
  /// The network interfaces (names in `/sys/class/net`), sorted.
  public var networkInterfaces: @Sendable () -> [String]
  /// Serial devices that may carry MS/TP (`/dev/ttyUSB*`, `/dev/ttyACM*`, `/dev/ttyAMA*`, `/dev/serial/by-id/*`).
  public var serialPorts: @Sendable () -> [String]

  /// An inventory with the given sources (tests pass fixed lists).
  public init(networkInterfaces: @escaping @Sendable () -> [String], serialPorts: @escaping @Sendable () -> [String]) {
    self.networkInterfaces = networkInterfaces
    self.serialPorts = serialPorts
  }

  /// The running system's.
  public static let system = SystemInventory(
    networkInterfaces: {
      ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []).sorted()
    },
    serialPorts: {
      let tty = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? [])
        .filter { $0.hasPrefix("ttyUSB") || $0.hasPrefix("ttyACM") || $0.hasPrefix("ttyAMA") }
        .map { "/dev/" + $0 }
      let byID = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/serial/by-id")) ?? [])
        .map { "/dev/serial/by-id/" + $0 }
      return (tty + byID).sorted()
    })
}
