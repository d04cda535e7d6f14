import Foundation
import Synchronization

/// A clock tests move by hand.
final class TestClock: Sendable {
  private let value: Mutex<Date>
  init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { value = Mutex(start) }
  var now: Date { value.withLock { $0 } }
  func advance(seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
  var function: @Sendable () -> Date { { [self] in self.now } }
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ label: String) throws -> String {
  let path = NSTemporaryDirectory() + "optigo-\(label)-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// The permission bits of a file.
func mode(of path: String) throws -> Int {
  ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
}
