public import PcapKit

/// A serial line (a USB RS-485 adapter, a pty) opened non-blocking in raw 8N1 at any baud rate.
///
/// The rate is set with `termios2` and `BOTHER`, so rates without a `Bxxxx` constant (MS/TP's 76800) work; a pty
/// accepts them too. Close it with ``close()`` (or let it go).
public final class SerialPort {
  /// The MS/TP line rates (clause 9.2.3): 9600, 19200, 38400, 57600, 76800, 115200.
  public static let mstpRates = [9600, 19200, 38400, 57600, 76800, 115_200]

  /// The device path.
  public let path: String
  /// The open descriptor (-1 once closed).
  public private(set) var fileDescriptor: Int32
  /// The rate last set.
  public private(set) var baud: Int
  /// True when the driver accepted low-latency delivery (`ASYNC_LOW_LATENCY`; for FTDI adapters it sets the
  /// latency timer to 1 ms, so reads — and timestamps — are not held back up to 16 ms). False on a pty and on
  /// drivers without the setting: then set `latency_timer` by hand (docs/mstp-capture.md).
  public private(set) var lowLatency = false

  /// Opens `path` (non-blocking, no controlling terminal) and sets raw 8N1 at `baud`.
  /// - Throws: `CaptureError.Code.deviceAccessDenied` when the device may not be opened (EACCES, EPERM),
  ///   `CaptureError.Code.ioError` when it cannot be opened or is not a tty that accepts the settings.
  public init(path: String, baud: Int) throws(CaptureError) {
    self.path = path
    self.baud = baud
    let fd = SerialSystemCalls.open(path)
    guard fd >= 0 else {
      let e = -fd
      throw CaptureError(e == 13 || e == 1 ? .deviceAccessDenied : .ioError, offset: nil,
                         "cannot open \(path): \(SerialSystemCalls.errorText(e))")
    }
    fileDescriptor = fd
    lowLatency = SerialSystemCalls.requestLowLatency(fd) == 0
    do throws(CaptureError) {
      try setBaud(baud)
    } catch {
      close()
      throw error
    }
  }

  deinit { close() }

  /// Sets raw 8N1 at `baud` and discards unread input.
  /// - Throws: `CaptureError.Code.ioError` when the line refuses the settings (not a tty, a rate the driver
  ///   cannot produce).
  public func setBaud(_ baud: Int) throws(CaptureError) {
    let r = SerialSystemCalls.configure(fileDescriptor, baud: baud)
    guard r == 0 else {
      throw CaptureError(.ioError, offset: nil,
                         "cannot set \(path) to raw 8N1 at \(baud) baud: \(SerialSystemCalls.errorText(-r))")
    }
    self.baud = baud
  }

  /// The input rate the driver reports (what it actually set), nil if it cannot be read.
  public var reportedBaud: Int? { SerialSystemCalls.inputBaud(fileDescriptor) }

  /// Discards octets received but not yet read.
  public func discardInput() { SerialSystemCalls.discardInput(fileDescriptor) }

  /// Closes the descriptor (harmless twice).
  public func close() {
    guard fileDescriptor >= 0 else { return }
    SerialSystemCalls.close(fileDescriptor)
    fileDescriptor = -1
  }
}

extension CaptureError.Code {
  /// The device or file may not be opened by this user (EACCES, EPERM).
  public static let deviceAccessDenied = Self(rawValue: "device-access-denied")
}
