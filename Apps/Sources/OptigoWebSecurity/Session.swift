public import Foundation

/// A logged-in browser session. The browser holds a random 256-bit token in a cookie; stores keep only its
/// SHA-256 (``id``), so a copy of the store cannot be replayed as cookies.
public struct Session: Codable, Sendable, Equatable {
  /// SHA-256 of the cookie token, hex.
  public var id: String
  /// Who is logged in.
  public var username: String
  /// Their role at login.
  public var role: Account.Role
  /// True until the default password is changed: only the change-password page and logout are reachable.
  public var mustChangePassword: Bool
  /// The synchronizer token every state-changing form of this session must carry.
  public var csrfToken: String
  /// Login time (for the absolute timeout).
  public var createdAt: Date
  /// Last request (for the idle timeout).
  public var lastSeenAt: Date
  /// Client address at login.
  public var address: String?

  /// A session record.
  public init(
    id: String, username: String, role: Account.Role, mustChangePassword: Bool, csrfToken: String,
    createdAt: Date, lastSeenAt: Date, address: String?
  ) {
    self.id = id
    self.username = username
    self.role = role
    self.mustChangePassword = mustChangePassword
    self.csrfToken = csrfToken
    self.createdAt = createdAt
    self.lastSeenAt = lastSeenAt
    self.address = address
  }
}

/// Where sessions live: memory for the Capture Tool (``MemorySessionStore``: a restart logs everyone out),
/// the database for the upload server.
public protocol SessionStore: Sendable {
  /// Stores a new or changed session.
  func save(_ session: Session) async throws
  /// The session with that id.
  func session(id: String) async throws -> Session?
  /// Forgets one session.
  func delete(id: String) async throws
  /// Forgets every session of a user (after a password change).
  func deleteAll(username: String) async throws
}

/// Sessions in memory, bounded: when full, the least recently used session is dropped.
public actor MemorySessionStore: SessionStore {
  private var sessions: [String: Session] = [:]
  private let capacity: Int

  /// A store keeping at most `capacity` sessions.
  public init(capacity: Int = 1000) {
    self.capacity = max(1, capacity)
  }

  public func save(_ session: Session) async throws {
    if sessions[session.id] == nil, sessions.count >= capacity,
      let oldest = sessions.values.min(by: { $0.lastSeenAt < $1.lastSeenAt })
    {
      sessions[oldest.id] = nil
    }
    sessions[session.id] = session
  }

  public func session(id: String) async throws -> Session? { sessions[id] }

  public func delete(id: String) async throws { sessions[id] = nil }

  public func deleteAll(username: String) async throws {
    sessions = sessions.filter { $0.value.username != username }
  }
}
