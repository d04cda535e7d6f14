import SQLiteNIO

/// The database schema as numbered migrations, applied in order at start, each in its own transaction with its
/// number recorded in `schema_migrations`. A migration is never edited once released: changes are new numbers.
public enum Migrations {
  /// Every migration: its number and its statements.
  public static let all: [(version: Int, statements: [String])] = [
    (1, [
      """
      CREATE TABLE organisations(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at REAL NOT NULL)
      """,
      """
      CREATE TABLE sites(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        name TEXT NOT NULL, created_at REAL NOT NULL, UNIQUE(org_id, name))
      """,
      """
      CREATE TABLE users(username TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        password_hash TEXT NOT NULL, role TEXT NOT NULL, must_change INTEGER NOT NULL, failures INTEGER NOT NULL,
        locked_until REAL, password_changed_at REAL NOT NULL)
      """,
      """
      CREATE TABLE sessions(id TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL,
        must_change INTEGER NOT NULL, csrf TEXT NOT NULL, created_at REAL NOT NULL, last_seen_at REAL NOT NULL,
        address TEXT)
      """,
      "CREATE INDEX sessions_user ON sessions(username)",
      """
      CREATE TABLE device_tokens(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        site_id INTEGER NOT NULL REFERENCES sites(id), name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL, created_by TEXT NOT NULL, revoked_at REAL)
      """,
      """
      CREATE TABLE uploads(id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        site_id INTEGER NOT NULL REFERENCES sites(id), token_id INTEGER NOT NULL REFERENCES device_tokens(id),
        length INTEGER NOT NULL, upload_offset INTEGER NOT NULL, sha256 TEXT NOT NULL, filename TEXT,
        created_at REAL NOT NULL, expires_at REAL NOT NULL, state TEXT NOT NULL, capture_id TEXT)
      """,
      """
      CREATE TABLE captures(id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        site_id INTEGER NOT NULL REFERENCES sites(id), sha256 TEXT NOT NULL, object_id TEXT NOT NULL UNIQUE,
        original_name TEXT, size INTEGER NOT NULL, stored_size INTEGER NOT NULL, packets INTEGER NOT NULL,
        status TEXT NOT NULL, repair_account TEXT, scrub_account TEXT, uploaded_at REAL NOT NULL,
        UNIQUE(org_id, sha256))
      """,
      "CREATE INDEX captures_site ON captures(org_id, site_id, uploaded_at)",
      """
      CREATE TABLE jobs(id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organisations(id),
        capture_id TEXT NOT NULL UNIQUE REFERENCES captures(id), state TEXT NOT NULL, attempts INTEGER NOT NULL,
        max_attempts INTEGER NOT NULL, available_at REAL NOT NULL, lease_until REAL, worker TEXT, error TEXT,
        created_at REAL NOT NULL, finished_at REAL)
      """,
      "CREATE INDEX jobs_ready ON jobs(state, available_at)",
      """
      CREATE TABLE reports(capture_id TEXT PRIMARY KEY REFERENCES captures(id),
        org_id INTEGER NOT NULL REFERENCES organisations(id), json TEXT NOT NULL, created_at REAL NOT NULL)
      """,
      """
      CREATE TABLE activity(id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES organisations(id), time REAL NOT NULL,
        kind TEXT NOT NULL, user TEXT, address TEXT, detail TEXT)
      """,
      "CREATE INDEX activity_org ON activity(org_id, id)",
    ]),
  ]

  /// The highest migration number.
  public static var latest: Int { all.map(\.version).max() ?? 0 }

  /// Applies every migration newer than the database's, in order.
  static func apply(to database: ServerDatabase) async throws {
    try await database.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
    for migration in all.sorted(by: { $0.version < $1.version }) {
      try await database.transaction { db in
        let done = try await db.query("SELECT 1 FROM schema_migrations WHERE version = ?", [.int(migration.version)])
        guard done.isEmpty else { return }
        for statement in migration.statements { _ = try await db.query(statement, []) }
        _ = try await db.query(
          "INSERT INTO schema_migrations(version, applied_at) VALUES (?, unixepoch('subsec'))", [.int(migration.version)])
      }
    }
  }

  /// The versions recorded as applied.
  public static func appliedVersions(in database: ServerDatabase) async throws -> [Int] {
    try await database.query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.int("version") }
  }
}
