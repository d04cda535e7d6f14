public import Foundation
import Crypto

/// Timeouts of a session.
public struct SessionPolicy: Sendable {
  /// A session unused this long ends (30 minutes by default).
  public var idleTimeout: Duration
  /// A session this old ends whatever its use (12 hours by default).
  public var absoluteTimeout: Duration

  /// The product's policy.
  public init(idleTimeout: Duration = .seconds(30 * 60), absoluteTimeout: Duration = .seconds(12 * 3600)) {
    self.idleTimeout = idleTimeout
    self.absoluteTimeout = absoluteTimeout
  }
}

/// Creates, resolves and ends sessions over a ``SessionStore``, enforcing the idle and absolute timeouts.
public struct SessionManager: Sendable {
  /// The store.
  public let store: any SessionStore
  /// The timeouts.
  public let policy: SessionPolicy
  private let now: @Sendable () -> Date

  /// A manager; `now` is the clock (tests move it).
  public init(
    store: any SessionStore = MemorySessionStore(), policy: SessionPolicy = SessionPolicy(),
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.store = store
    self.policy = policy
    self.now = now
  }

  /// Starts a session for `account`; returns the cookie token (given to the browser only) and the record.
  public func start(for account: Account, address: String?) async throws -> (token: String, session: Session) {
    let token = RandomToken.make()
    let time = now()
    let session = Session(
      id: Self.id(of: token), username: account.username, role: account.role,
      mustChangePassword: account.mustChangePassword, csrfToken: RandomToken.make(), createdAt: time,
      lastSeenAt: time, address: address)
    try await store.save(session)
    return (token, session)
  }

  /// The live session for a cookie token, its last-seen time moved to now; nil (and the record deleted)
  /// when it has been idle or alive too long.
  public func resume(token: String) async throws -> Session? {
    guard RandomToken.isWellFormed(token) else { return nil }
    let id = Self.id(of: token)
    guard var session = try await store.session(id: id) else { return nil }
    let time = now()
    if time.timeIntervalSince(session.lastSeenAt) > policy.idleTimeout.seconds
      || time.timeIntervalSince(session.createdAt) > policy.absoluteTimeout.seconds
    {
      try await store.delete(id: id)
      return nil
    }
    session.lastSeenAt = time
    try await store.save(session)
    return session
  }

  /// Saves a changed session (for example once the password has been changed).
  public func update(_ session: Session) async throws {
    try await store.save(session)
  }

  /// Ends one session.
  public func end(_ session: Session) async throws {
    try await store.delete(id: session.id)
  }

  /// Ends every session of a user.
  public func endAll(username: String) async throws {
    try await store.deleteAll(username: username)
  }

  /// The store key of a token: SHA-256, hex.
  public static func id(of token: String) -> String {
    SHA256.hash(data: Array(token.utf8)).map { String($0, radix: 16).leftPadded(2) }.joined()
  }
}

/// Random 256-bit tokens in base64url without padding (43 characters).
public enum RandomToken {
  /// A new token from the system's secure random source.
  public static func make() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// True for a string that could be one of ours (length and alphabet), checked before any look-up.
  public static func isWellFormed(_ token: String) -> Bool {
    token.utf8.count == 43 && token.utf8.allSatisfy { c in
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }
  }

  /// Compares two tokens in time independent of where they differ.
  public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
