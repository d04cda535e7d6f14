public import Foundation
public import OptigoWebSecurity
import SQLiteNIO

/// One entry of the activity log, as an organisation admin sees it.
public struct ActivityEntry: Sendable, Equatable {
  /// Row number (increasing).
  public var id: Int
  /// When (UTC).
  public var time: Date
  /// What happened: the shared audit kinds (`login.success`, …) and the server's own (``ActivityLog/Kind``).
  public var kind: String
  /// Who acted (user name, or `token:NAME` for a capture tool).
  public var user: String?
  /// The client's address.
  public var address: String?
  /// What was acted on.
  public var detail: String?
}

/// The append-only activity log in the `activity` table: logins (success and failure, with the address),
/// uploads, downloads, report views, token and user administration. Each entry carries its organisation —
/// found from the user name for the shared ``AuditLog`` events — and every read is scoped to one organisation.
/// The server never updates or deletes a row.
public struct ActivityLog: AuditLog {
  /// The server's own kinds of entries.
  public enum Kind: String, Sendable {
    case uploadCreated = "upload.created"
    case uploadAccepted = "upload.accepted"
    case uploadDuplicate = "upload.duplicate"
    case uploadRefused = "upload.refused"
    case captureDownloaded = "capture.downloaded"
    case reportViewed = "report.viewed"
    case tokenIssued = "token.issued"
    case tokenRevoked = "token.revoked"
    case userCreated = "user.created"
    case siteCreated = "site.created"
    case activityExported = "activity.exported"
  }

  let database: ServerDatabase

  /// A log over `database`.
  public init(database: ServerDatabase) {
    self.database = database
  }

  /// A shared event; its organisation is the user's (none for an unknown login name).
  public func record(_ event: AuditEvent) async throws {
    try await database.query(
      """
      INSERT INTO activity(org_id, time, kind, user, address, detail)
      VALUES ((SELECT org_id FROM users WHERE username = ?), ?, ?, ?, ?, ?)
      """,
      [.text(event.user ?? ""), .time(event.time), .text(event.kind.rawValue), .text(event.user), .text(event.address),
       .text(event.detail)])
  }

  /// A server event in `organisation`.
  public func record(
    _ kind: Kind, organisation: Int, user: String?, address: String?, detail: String?, time: Date = Date()
  ) async {
    do {
      try await database.query(
        "INSERT INTO activity(org_id, time, kind, user, address, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [.int(organisation), .time(time), .text(kind.rawValue), .text(user), .text(address), .text(detail)])
    } catch {
      FileHandle.standardError.write(Data("activity log failure: \(error)\n".utf8))
    }
  }

  /// Every organisation's latest events (the shared protocol; the console uses ``entries(organisation:limit:)``).
  public func recent(limit: Int) async throws -> [AuditEvent] {
    try await database.query("SELECT * FROM activity ORDER BY id DESC LIMIT ?", [.int(max(0, limit))])
      .reversed().compactMap { row in
        guard let time = row.date("time"), let kind = row.string("kind").flatMap(AuditEvent.Kind.init(rawValue:))
        else { return nil }
        return AuditEvent(time: time, kind: kind, user: row.string("user"), address: row.string("address"),
                          detail: row.string("detail"))
      }
  }

  /// One organisation's latest entries, newest first.
  public func entries(organisation: Int, limit: Int) async throws -> [ActivityEntry] {
    try await database.query(
      "SELECT * FROM activity WHERE org_id = ? ORDER BY id DESC LIMIT ?", [.int(organisation), .int(max(0, limit))]
    ).compactMap { row in
      guard let id = row.int("id"), let time = row.date("time"), let kind = row.string("kind") else { return nil }
      return ActivityEntry(id: id, time: time, kind: kind, user: row.string("user"), address: row.string("address"),
                           detail: row.string("detail"))
    }
  }

  /// One organisation's whole log as CSV (RFC 4180; cells starting with `=`, `+`, `-` or `@` are prefixed with `'`
  /// so spreadsheets do not run them as formulas), oldest first.
  public func csv(organisation: Int) async throws -> String {
    let entries = try await entries(organisation: organisation, limit: 1_000_000).reversed()
    var out = "time,kind,user,address,detail\r\n"
    let format = ISO8601DateFormatter()
    for e in entries {
      out += [format.string(from: e.time), e.kind, e.user ?? "", e.address ?? "", e.detail ?? ""]
        .map(Self.csvCell).joined(separator: ",") + "\r\n"
    }
    return out
  }

  static func csvCell(_ raw: String) -> String {
    var text = raw
    if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
