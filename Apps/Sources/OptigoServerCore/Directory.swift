public import Foundation
import Crypto
import OptigoWebSecurity
import SQLiteNIO

/// A site of an organisation (a building or plant where capture tools run).
public struct Site: Sendable, Equatable {
  /// Row id.
  public var id: Int
  /// Its organisation.
  public var organisation: Int
  /// Its name.
  public var name: String
}

/// A capture tool's device token, as listed (the token itself is shown once, at issue).
public struct DeviceToken: Sendable, Equatable {
  /// Row id.
  public var id: Int
  /// Its organisation.
  public var organisation: Int
  /// The site its uploads go to.
  public var site: Int
  /// A name given by the admin (which capture tool).
  public var name: String
  /// When it was issued.
  public var createdAt: Date
  /// When it was revoked; a revoked token is refused.
  public var revokedAt: Date?
}

/// Organisations, sites and device tokens. Every read takes the caller's organisation and filters by it, so an
/// id from another organisation answers exactly like an id that does not exist.
public struct Directory: Sendable {
  let database: ServerDatabase

  /// The directory over `database`.
  public init(database: ServerDatabase) {
    self.database = database
  }

  /// The prefix of every device token (so a leaked one is recognisable by secret scanners).
  public static let tokenPrefix = "odt_"

  /// Creates an organisation (or returns the existing one of that name).
  public func organisation(named name: String) async throws -> Int {
    if let id = try await database.query("SELECT id FROM organisations WHERE name = ?", [.text(name)]).first?.int("id") {
      return id
    }
    let rows = try await database.query(
      "INSERT INTO organisations(name, created_at) VALUES (?, ?) RETURNING id", [.text(name), .time(Date())])
    guard let id = rows.first?.int("id") else { throw ServerError.internalFailure("organisation not created") }
    return id
  }

  /// The name of an organisation.
  public func organisationName(_ id: Int) async throws -> String? {
    try await database.query("SELECT name FROM organisations WHERE id = ?", [.int(id)]).first?.string("name")
  }

  /// Creates a site in `organisation`; nil when the name is taken there.
  public func createSite(named name: String, organisation: Int) async throws -> Site? {
    let rows = try await database.query(
      "INSERT INTO sites(org_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      [.int(organisation), .text(name), .time(Date())])
    return rows.first?.int("id").map { Site(id: $0, organisation: organisation, name: name) }
  }

  /// The sites of `organisation`, by name.
  public func sites(organisation: Int) async throws -> [Site] {
    try await database.query("SELECT id, name FROM sites WHERE org_id = ? ORDER BY name", [.int(organisation)])
      .compactMap { row in
        guard let id = row.int("id"), let name = row.string("name") else { return nil }
        return Site(id: id, organisation: organisation, name: name)
      }
  }

  /// One site of `organisation`, nil when it does not exist there.
  public func site(_ id: Int, organisation: Int) async throws -> Site? {
    try await sites(organisation: organisation).first { $0.id == id }
  }

  /// Issues a token for a capture tool at `site`; returns the token (shown once) and its record. Only the
  /// token's SHA-256 is stored.
  public func issueToken(name: String, site: Site, by user: String) async throws -> (token: String, record: DeviceToken) {
    let token = Self.tokenPrefix + RandomToken.make()
    let now = Date()
    let rows = try await database.query(
      """
      INSERT INTO device_tokens(org_id, site_id, name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
      RETURNING id
      """, [.int(site.organisation), .int(site.id), .text(name), .text(Self.hash(token)), .time(now), .text(user)])
    guard let id = rows.first?.int("id") else { throw ServerError.internalFailure("token not stored") }
    return (token, DeviceToken(id: id, organisation: site.organisation, site: site.id, name: name, createdAt: now))
  }

  /// Revokes a token of `organisation`; false when there is no such live token there.
  public func revokeToken(_ id: Int, organisation: Int) async throws -> Bool {
    !(try await database.query(
      "UPDATE device_tokens SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL RETURNING id",
      [.time(Date()), .int(id), .int(organisation)]).isEmpty)
  }

  /// The tokens of `organisation`, newest first.
  public func tokens(organisation: Int) async throws -> [DeviceToken] {
    try await database.query("SELECT * FROM device_tokens WHERE org_id = ? ORDER BY id DESC", [.int(organisation)])
      .compactMap(Self.token)
  }

  /// The live token a capture tool presents, nil when unknown, malformed or revoked.
  public func authenticate(token: String) async throws -> DeviceToken? {
    guard token.hasPrefix(Self.tokenPrefix), RandomToken.isWellFormed(String(token.dropFirst(Self.tokenPrefix.count)))
    else { return nil }
    return try await database.query(
      "SELECT * FROM device_tokens WHERE token_hash = ? AND revoked_at IS NULL", [.text(Self.hash(token))]
    ).first.flatMap(Self.token)
  }

  static func hash(_ token: String) -> String {
    SHA256.hash(data: Array(token.utf8)).hexString
  }

  static func token(_ row: SQLiteRow) -> DeviceToken? {
    guard let id = row.int("id"), let org = row.int("org_id"), let site = row.int("site_id"),
      let name = row.string("name"), let created = row.date("created_at")
    else { return nil }
    return DeviceToken(id: id, organisation: org, site: site, name: name, createdAt: created, revokedAt: row.date("revoked_at"))
  }
}

/// Failures of the server's own logic (input problems are answered with HTTP statuses, not thrown).
public enum ServerError: Error, CustomStringConvertible {
  /// Something that should not happen (a row not returned).
  case internalFailure(String)

  public var description: String {
    switch self {
    case .internalFailure(let what): "internal failure: \(what)"
    }
  }
}

extension Sequence where Element == UInt8 {
  /// Lower-case hex.
  var hexString: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in self {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Random 128-bit identifiers in hex (32 characters): upload, capture and stored-object names.
public enum RandomIdentifier {
  /// A new identifier.
  public static func make() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
  }

  /// True for exactly 32 lower-case hex digits (checked before any look-up or path is built).
  public static func isWellFormed(_ text: String) -> Bool {
    text.utf8.count == 32 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }
}
