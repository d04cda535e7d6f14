import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The audit log as a file of JSON lines opened with `O_APPEND` (mode 0600): a line is only ever added, each
/// write is one `write(2)` followed by `fsync`. For an append-only guarantee against the service itself, set
/// the file's append-only attribute (`chattr +a`) as root; the service never truncates or rewrites it.
public actor FileAuditLog: AuditLog {
  /// The log file.
  public let path: String
  private let encoder: JSONEncoder

  /// A log at `path` (created on the first event).
  public init(path: String) {
    self.path = path
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    self.encoder = encoder
  }

  public func record(_ event: AuditEvent) async throws {
    var line = Array(try encoder.encode(event))
    line.append(0x0A)
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw SecureFile.Failure(description: "cannot open the audit log \(path): errno \(errno)") }
    defer { close(fd) }
    let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == line.count, fsync(fd) == 0 else {
      throw SecureFile.Failure(description: "cannot append to the audit log \(path): errno \(errno)")
    }
  }

  public func recent(limit: Int) async throws -> [AuditEvent] {
    guard let bytes = try SecureFile.readIfPresent(path, limit: 256 << 20) else { return [] }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    var events: [AuditEvent] = []
    for line in bytes.split(separator: 0x0A).suffix(max(0, limit)) {
      if let event = try? decoder.decode(AuditEvent.self, from: Data(line)) { events.append(event) }
    }
    return events
  }
}
