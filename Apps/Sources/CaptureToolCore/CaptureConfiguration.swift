/// What and how the tool captures, as kept in `config/capture.json` and edited in the console.
public struct CaptureConfiguration: Codable, Sendable, Equatable {
  /// One MS/TP serial port.
  public struct SerialPort: Codable, Sendable, Equatable {
    /// The device, `/dev/ttyUSB0` or a `/dev/serial/by-id/…` link.
    public var device: String
    /// Bits per second, or nil for automatic detection.
    public var baud: Int?

    /// A port.
    public init(device: String, baud: Int?) {
      self.device = device
      self.baud = baud
    }
  }

  /// The standard BACnet/IP UDP ports, always captured: 47808–47823 (0xBAC0–0xBACF).
  public static let standardPorts: ClosedRange<Int> = 47808...47823
  /// Baud rates of MS/TP (bacnet-stack's list).
  public static let baudRates = [9600, 19200, 38400, 57600, 76800, 115200]
  /// The vendor's shortest advisable BACnet/IP capture, in minutes.
  public static let minimumIPMinutes = 60
  /// The vendor's shortest advisable MS/TP capture, in minutes.
  public static let minimumMSTPMinutes = 15
  /// At most this many user-defined ports.
  public static let maximumUserPorts = 32

  /// IP interfaces to capture on (names as the system lists them).
  public var interfaces: [String]
  /// UDP ports captured besides the standard range.
  public var userPorts: [Int]
  /// MS/TP serial ports.
  public var serialPorts: [SerialPort]
  /// Length of an IP capture, minutes (≥ ``minimumIPMinutes``).
  public var ipDurationMinutes: Int
  /// Length of an MS/TP capture, minutes (≥ ``minimumMSTPMinutes``).
  public var mstpDurationMinutes: Int
  /// A capture file is closed and a new one started at this size, MiB.
  public var rotateMegabytes: Int
  /// … or after this many minutes.
  public var rotateMinutes: Int
  /// The spool may hold at most this many MiB; capture stops rather than exceed it.
  public var spoolCapMegabytes: Int
  /// Capture stops when the file system has less free space than this, MiB.
  public var minimumFreeMegabytes: Int

  /// The configuration of a new installation: no interface chosen yet, vendor minimum durations.
  public static let initial = CaptureConfiguration(
    interfaces: [], userPorts: [], serialPorts: [], ipDurationMinutes: 60, mstpDurationMinutes: 15,
    rotateMegabytes: 100, rotateMinutes: 60, spoolCapMegabytes: 4096, minimumFreeMegabytes: 512)

  /// A configuration.
  public init(
    interfaces: [String], userPorts: [Int], serialPorts: [SerialPort], ipDurationMinutes: Int,
    mstpDurationMinutes: Int, rotateMegabytes: Int, rotateMinutes: Int, spoolCapMegabytes: Int,
    minimumFreeMegabytes: Int
  ) {
    self.interfaces = interfaces
    self.userPorts = userPorts
    self.serialPorts = serialPorts
    self.ipDurationMinutes = ipDurationMinutes
    self.mstpDurationMinutes = mstpDurationMinutes
    self.rotateMegabytes = rotateMegabytes
    self.rotateMinutes = rotateMinutes
    self.spoolCapMegabytes = spoolCapMegabytes
    self.minimumFreeMegabytes = minimumFreeMegabytes
  }

  /// Every port captured: the standard range then the user's, sorted, without repeats.
  public var capturedPorts: [Int] {
    Array(Set(Array(Self.standardPorts) + userPorts)).sorted()
  }

  /// The problems of this configuration on a system with `availableInterfaces`; empty when it is valid.
  public func problems(availableInterfaces: [String]) -> [String] {
    var problems: [String] = []
    for name in interfaces where !availableInterfaces.contains(name) {
      problems.append("Interface \(name) does not exist on this system.")
    }
    if Set(interfaces).count != interfaces.count { problems.append("An interface is listed twice.") }
    if userPorts.count > Self.maximumUserPorts {
      problems.append("At most \(Self.maximumUserPorts) user-defined ports.")
    }
    for port in userPorts where !(1...65535).contains(port) {
      problems.append("Port \(port) is not between 1 and 65535.")
    }
    if Set(userPorts).count != userPorts.count { problems.append("A user-defined port is listed twice.") }
    for port in userPorts where Self.standardPorts.contains(port) {
      problems.append("Port \(port) is in the standard BACnet range, which is always captured.")
    }
    for port in serialPorts {
      if !Self.isSerialDevicePath(port.device) {
        problems.append("\(port.device) is not a serial device path (/dev/ttyUSB0, /dev/serial/by-id/…).")
      }
      if let baud = port.baud, !Self.baudRates.contains(baud) {
        problems.append("Baud rate \(baud) is not one of \(Self.baudRates.map(String.init).joined(separator: ", ")) or auto.")
      }
    }
    if Set(serialPorts.map(\.device)).count != serialPorts.count { problems.append("A serial port is listed twice.") }
    if ipDurationMinutes < Self.minimumIPMinutes || ipDurationMinutes > 7 * 24 * 60 {
      problems.append("BACnet/IP captures last at least \(Self.minimumIPMinutes) minutes (vendor advice) and at most 7 days.")
    }
    if mstpDurationMinutes < Self.minimumMSTPMinutes || mstpDurationMinutes > 7 * 24 * 60 {
      problems.append("MS/TP captures last at least \(Self.minimumMSTPMinutes) minutes (vendor advice) and at most 7 days.")
    }
    if !(1...2048).contains(rotateMegabytes) { problems.append("Rotation size must be 1 to 2048 MiB.") }
    if !(1...1440).contains(rotateMinutes) { problems.append("Rotation interval must be 1 to 1440 minutes.") }
    if !(16...1_048_576).contains(spoolCapMegabytes) { problems.append("Spool cap must be 16 MiB to 1 TiB.") }
    if !(0...1_048_576).contains(minimumFreeMegabytes) { problems.append("Free-space guard must be 0 MiB to 1 TiB.") }
    if rotateMegabytes > spoolCapMegabytes { problems.append("Rotation size cannot exceed the spool cap.") }
    return problems
  }

  /// True for `/dev/tty…` and `/dev/serial/by-id/…` / `by-path/…` names without `..`.
  static func isSerialDevicePath(_ path: String) -> Bool {
    guard !path.contains(".."), path.utf8.count <= 256 else { return false }
    let allowed = path.unicodeScalars.allSatisfy {
      ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "/-_:.+".unicodeScalars.contains($0)
    }
    guard allowed else { return false }
    if path.hasPrefix("/dev/serial/by-id/") || path.hasPrefix("/dev/serial/by-path/") { return true }
    return path.hasPrefix("/dev/tty") && path.count > 8 && !path.dropFirst(5).contains("/")
  }
}
