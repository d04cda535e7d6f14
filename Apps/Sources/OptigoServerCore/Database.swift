public import Foundation
public import SQLiteNIO

/// The server's embedded SQLite database: one connection (sqlite-nio bundles its own SQLite), every use
/// serialised through ``SerialGate`` so that a transaction's statements never interleave with another task's.
///
/// WAL journal, `synchronous=FULL` (a committed upload or job survives a power cut), foreign keys on.
public final class ServerDatabase: Sendable {
  /// The open connection (only ever used inside ``run(_:)``).
  private let connection: SQLiteConnection
  private let gate = SerialGate()

  private init(connection: SQLiteConnection) {
    self.connection = connection
  }

  /// Opens (creating) the database at `path` and applies the pending ``Migrations``.
  public static func open(path: String) async throws -> ServerDatabase {
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    let database = ServerDatabase(connection: connection)
    try await database.run { db in
      _ = try await db.query("PRAGMA journal_mode=WAL", [])
      _ = try await db.query("PRAGMA synchronous=FULL", [])
      _ = try await db.query("PRAGMA foreign_keys=ON", [])
      _ = try await db.query("PRAGMA busy_timeout=5000", [])
    }
    try await Migrations.apply(to: database)
    return database
  }

  /// Runs `body` alone on the connection.
  public func run<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
    await gate.enter()
    do {
      let result = try await body(connection)
      await gate.leave()
      return result
    } catch {
      await gate.leave()
      throw error
    }
  }

  /// Runs `body` in one transaction (rolled back when it throws).
  public func transaction<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
    try await run { db in
      _ = try await db.query("BEGIN IMMEDIATE", [])
      do {
        let result = try await body(db)
        _ = try await db.query("COMMIT", [])
        return result
      } catch {
        _ = try? await db.query("ROLLBACK", [])
        throw error
      }
    }
  }

  /// One statement.
  @discardableResult
  public func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
    try await run { db in try await db.query(sql, binds) }
  }

  /// The integer in the first column of the first row (a `count(*)`), 0 when none.
  public func integer(_ sql: String, _ binds: [SQLiteData] = []) async throws -> Int {
    guard let row = try await query(sql, binds).first, let first = row.columns.first else { return 0 }
    return first.data.integer.map { Int($0) } ?? 0
  }

  /// Closes the connection.
  public func close() async throws {
    try await run { db in try await db.close() }
  }
}

/// A first-come first-served asynchronous lock.
actor SerialGate {
  private var busy = false
  private var waiters: [CheckedContinuation<Void, Never>] = []

  func enter() async {
    if !busy {
      busy = true
      return
    }
    await withCheckedContinuation { waiters.append($0) }
  }

  func leave() {
    if waiters.isEmpty {
      busy = false
    } else {
      waiters.removeFirst().resume()
    }
  }
}

extension SQLiteData {
  /// Text, or null.
  static func text(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
  /// A time as seconds since 1970 (REAL).
  static func time(_ date: Date) -> SQLiteData { .float(date.timeIntervalSince1970) }
  /// A time, or null.
  static func time(_ date: Date?) -> SQLiteData { date.map { .float($0.timeIntervalSince1970) } ?? .null }
  /// An integer.
  static func int(_ value: Int) -> SQLiteData { .integer(SQLiteInt64(value)) }
  /// An integer, or null.
  static func int(_ value: Int?) -> SQLiteData { value.map { .integer(SQLiteInt64($0)) } ?? .null }
}

extension SQLiteRow {
  func string(_ name: String) -> String? { column(name)?.string }
  func int(_ name: String) -> Int? { column(name)?.integer.map { Int($0) } }
  func date(_ name: String) -> Date? { column(name)?.double.map { Date(timeIntervalSince1970: $0) } }
}
