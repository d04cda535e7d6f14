public import Foundation
public import OptigoWebSecurity
import SQLiteNIO

/// Accounts in the `users` table behind the shared ``AccountStore`` protocol (lockout and password logic stay in
/// ``AccountService``). Every user belongs to one organisation; ``save(_:)`` keeps the organisation of an
/// existing user and puts a new one into ``defaultOrganisation`` (only the first-start admin is created that
/// way: the console creates users with ``create(_:organisation:)``).
public struct SQLiteAccountStore: AccountStore {
  let database: ServerDatabase
  /// The organisation of accounts created through ``save(_:)``.
  public let defaultOrganisation: Int

  /// A store over `database`.
  public init(database: ServerDatabase, defaultOrganisation: Int) {
    self.database = database
    self.defaultOrganisation = defaultOrganisation
  }

  public func account(named username: String) async throws -> Account? {
    try await database.query("SELECT * FROM users WHERE username = ?", [.text(username)]).first.flatMap(Self.account)
  }

  public func allAccounts() async throws -> [Account] {
    try await database.query("SELECT * FROM users ORDER BY username").compactMap(Self.account)
  }

  public func save(_ account: Account) async throws {
    try await upsert(account, organisation: defaultOrganisation)
  }

  /// Inserts a new account into `organisation`; false when the name is taken (in any organisation).
  public func create(_ account: Account, organisation: Int) async throws -> Bool {
    let rows = try await database.query(
      """
      INSERT INTO users(username, org_id, password_hash, role, must_change, failures, locked_until, password_changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(username) DO NOTHING RETURNING username
      """, Self.values(account, organisation: organisation))
    return !rows.isEmpty
  }

  /// The organisation of a user, nil for an unknown name.
  public func organisation(of username: String) async throws -> Int? {
    try await database.query("SELECT org_id FROM users WHERE username = ?", [.text(username)]).first?.int("org_id")
  }

  /// The accounts of one organisation, sorted by name.
  public func accounts(in organisation: Int) async throws -> [Account] {
    try await database.query("SELECT * FROM users WHERE org_id = ? ORDER BY username", [.int(organisation)])
      .compactMap(Self.account)
  }

  private func upsert(_ account: Account, organisation: Int) async throws {
    try await database.query(
      """
      INSERT INTO users(username, org_id, password_hash, role, must_change, failures, locked_until, password_changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash,
        role = excluded.role, must_change = excluded.must_change, failures = excluded.failures,
        locked_until = excluded.locked_until, password_changed_at = excluded.password_changed_at
      """, Self.values(account, organisation: organisation))
  }

  static func values(_ a: Account, organisation: Int) -> [SQLiteData] {
    [.text(a.username), .int(organisation), .text(a.passwordHash), .text(a.role.rawValue),
     .int(a.mustChangePassword ? 1 : 0), .int(a.consecutiveFailures), .time(a.lockedUntil), .time(a.passwordChangedAt)]
  }

  static func account(_ row: SQLiteRow) -> Account? {
    guard let name = row.string("username"), let hash = row.string("password_hash"),
      let role = row.string("role").flatMap(Account.Role.init(rawValue:)), let changed = row.date("password_changed_at")
    else { return nil }
    var account = Account(
      username: name, passwordHash: hash, role: role, mustChangePassword: row.int("must_change") == 1,
      passwordChangedAt: changed)
    account.consecutiveFailures = row.int("failures") ?? 0
    account.lockedUntil = row.date("locked_until")
    return account
  }
}

/// Sessions in the `sessions` table behind the shared ``SessionStore`` protocol: a restart keeps users logged in.
/// Only the SHA-256 of each cookie token is stored (``Session/id``).
public struct SQLiteSessionStore: SessionStore {
  let database: ServerDatabase

  /// A store over `database`.
  public init(database: ServerDatabase) {
    self.database = database
  }

  public func save(_ session: Session) async throws {
    try await database.query(
      """
      INSERT INTO sessions(id, username, role, must_change, csrf, created_at, last_seen_at, address)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET role = excluded.role,
        must_change = excluded.must_change, csrf = excluded.csrf, last_seen_at = excluded.last_seen_at
      """,
      [.text(session.id), .text(session.username), .text(session.role.rawValue), .int(session.mustChangePassword ? 1 : 0),
       .text(session.csrfToken), .time(session.createdAt), .time(session.lastSeenAt), .text(session.address)])
  }

  public func session(id: String) async throws -> Session? {
    guard let row = try await database.query("SELECT * FROM sessions WHERE id = ?", [.text(id)]).first,
      let username = row.string("username"), let role = row.string("role").flatMap(Account.Role.init(rawValue:)),
      let csrf = row.string("csrf"), let created = row.date("created_at"), let seen = row.date("last_seen_at")
    else { return nil }
    return Session(
      id: id, username: username, role: role, mustChangePassword: row.int("must_change") == 1, csrfToken: csrf,
      createdAt: created, lastSeenAt: seen, address: row.string("address"))
  }

  public func delete(id: String) async throws {
    try await database.query("DELETE FROM sessions WHERE id = ?", [.text(id)])
  }

  public func deleteAll(username: String) async throws {
    try await database.query("DELETE FROM sessions WHERE username = ?", [.text(username)])
  }
}
