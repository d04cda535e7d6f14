public import Foundation

/// Logins, lockout, password changes and the default account, over an ``AccountStore`` and an ``AuditLog``.
///
/// - A wrong password counts a failure; the ``LoginPolicy/maximumFailures``-th locks the account for
///   ``LoginPolicy/lockDuration``. While locked every login is refused, even with the right password. A lock
///   lifts when its time has passed, or at once through ``unlock(_:by:address:)`` (the console's account page,
///   or `optigo-capture-tool unlock`).
/// - An unknown name costs the same bcrypt verification as a known one and counts failures the same way, so
///   neither the timing nor the lock tells which names exist.
public actor AccountService {
  /// The result of a login attempt.
  public enum LoginResult: Sendable, Equatable {
    /// Right name and password; `mustChangePassword` sends the user to the change-password page.
    case success(Account)
    /// Wrong name or password (the same answer for both).
    case refused
    /// Too many failures: refused until the lock lifts (or an admin lifts it).
    case locked
  }

  /// Why a password change was refused.
  public enum ChangeError: Error, Equatable, CustomStringConvertible {
    /// The current password was wrong.
    case wrongCurrentPassword
    /// The new password breaks the rule (the message says how).
    case ruleViolation(String)
    /// The new password equals the old one.
    case unchanged
    /// No such account.
    case unknownAccount

    public var description: String {
      switch self {
      case .wrongCurrentPassword: "The current password is wrong."
      case .ruleViolation(let message): message
      case .unchanged: "The new password must differ from the current one."
      case .unknownAccount: "No such account."
      }
    }
  }

  /// The name of the account created at first start.
  public static let defaultAdminName = "admin"
  /// The password of the account created at first start; it must be changed at the first login and every
  /// login until it is.
  public static let defaultAdminPassword = "admin"

  private let store: any AccountStore
  private let audit: any AuditLog
  private let hasher: PasswordHasher
  private let policy: LoginPolicy
  private let now: @Sendable () -> Date
  /// A hash verified for unknown names, so they take as long as known ones.
  private var decoyHash: String?
  /// Failure counts of unknown names (bounded), so they lock like real accounts.
  private var unknownFailures: [String: (count: Int, lockedUntil: Date?)] = [:]

  /// A service over the given store, log and hasher; `now` is the clock (tests move it).
  public init(
    store: any AccountStore, audit: any AuditLog, hasher: PasswordHasher = PasswordHasher(),
    policy: LoginPolicy = LoginPolicy(), now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.store = store
    self.audit = audit
    self.hasher = hasher
    self.policy = policy
    self.now = now
  }

  /// Creates the `admin` account with the default password (marked must-change) when there is no account at
  /// all. Returns true when it did.
  @discardableResult
  public func createDefaultAdminIfNeeded() async throws -> Bool {
    guard try await store.allAccounts().isEmpty else { return false }
    let hash = try await hasher.hash(Self.defaultAdminPassword)
    try await store.save(Account(
      username: Self.defaultAdminName, passwordHash: hash, role: .admin, mustChangePassword: true,
      passwordChangedAt: now()))
    try await audit.record(AuditEvent(
      time: now(), kind: .accountCreated, user: Self.defaultAdminName, address: nil, detail: "default account"))
    return true
  }

  /// Checks a login and records it in the audit log with the client's address.
  public func login(username rawName: String, password: String, address: String?) async throws -> LoginResult {
    let username = String(rawName.trimmingCharacters(in: .whitespaces).prefix(128))
    let time = now()
    guard var account = try await store.account(named: username) else {
      return try await unknownLogin(username: username, password: password, address: address, time: time)
    }
    if account.isLocked(at: time) {
      try await audit.record(AuditEvent(time: time, kind: .loginRefusedLocked, user: username, address: address))
      return .locked
    }
    if account.lockedUntil != nil {  // the lock has run out: start counting again
      account.lockedUntil = nil
      account.consecutiveFailures = 0
    }
    if try await hasher.verify(password, against: account.passwordHash) {
      account.consecutiveFailures = 0
      try await store.save(account)
      try await audit.record(AuditEvent(
        time: time, kind: .loginSucceeded, user: username, address: address,
        detail: account.mustChangePassword ? "password change required" : nil))
      return .success(account)
    }
    account.consecutiveFailures += 1
    let locks = account.consecutiveFailures >= policy.maximumFailures
    if locks { account.lockedUntil = time.addingTimeInterval(policy.lockDuration.seconds) }
    try await store.save(account)
    try await audit.record(AuditEvent(
      time: time, kind: .loginFailed, user: username, address: address,
      detail: "failure \(account.consecutiveFailures) of \(policy.maximumFailures)"))
    if locks {
      try await audit.record(AuditEvent(
        time: time, kind: .accountLocked, user: username, address: address,
        detail: "until \(account.lockedUntil.map { ISO8601DateFormatter().string(from: $0) } ?? "?")"))
    }
    return .refused
  }

  /// Changes a password after checking the current one and the rule; clears the must-change mark and any lock.
  public func changePassword(username: String, current: String, new: String, address: String?) async throws {
    guard var account = try await store.account(named: username) else { throw ChangeError.unknownAccount }
    guard try await hasher.verify(current, against: account.passwordHash) else {
      try await audit.record(AuditEvent(
        time: now(), kind: .requestRefused, user: username, address: address,
        detail: "password change: wrong current password"))
      throw ChangeError.wrongCurrentPassword
    }
    if let violation = PasswordRule.violation(of: new) { throw ChangeError.ruleViolation(violation) }
    if new == current { throw ChangeError.unchanged }
    account.passwordHash = try await hasher.hash(new)
    account.mustChangePassword = false
    account.consecutiveFailures = 0
    account.lockedUntil = nil
    account.passwordChangedAt = now()
    try await store.save(account)
    try await audit.record(AuditEvent(time: now(), kind: .passwordChanged, user: username, address: address))
  }

  /// Lifts a lock at once (admin action); `by` is the acting admin, recorded in the audit log.
  public func unlock(_ username: String, by admin: String, address: String?) async throws {
    guard var account = try await store.account(named: username) else { throw ChangeError.unknownAccount }
    account.lockedUntil = nil
    account.consecutiveFailures = 0
    try await store.save(account)
    try await audit.record(AuditEvent(
      time: now(), kind: .accountUnlocked, user: admin, address: address, detail: "unlocked \(username)"))
  }

  /// The account with that name.
  public func account(named username: String) async throws -> Account? {
    try await store.account(named: username)
  }

  /// Every account.
  public func allAccounts() async throws -> [Account] {
    try await store.allAccounts()
  }

  private func unknownLogin(username: String, password: String, address: String?, time: Date) async throws
    -> LoginResult
  {
    var entry = unknownFailures[username] ?? (0, nil)
    if let until = entry.lockedUntil, until > time {
      try await audit.record(AuditEvent(time: time, kind: .loginRefusedLocked, user: username, address: address))
      return .locked
    }
    if entry.lockedUntil != nil { entry = (0, nil) }
    // The same bcrypt work as a known account, whose result is ignored.
    let decoy: String
    if let decoyHash {
      decoy = decoyHash
    } else {
      decoy = try await hasher.hash(UUID().uuidString)
      decoyHash = decoy
    }
    _ = try await hasher.verify(password, against: decoy)
    entry.count += 1
    if entry.count >= policy.maximumFailures { entry.lockedUntil = time.addingTimeInterval(policy.lockDuration.seconds) }
    if unknownFailures.count >= 10_000 { unknownFailures.removeAll() }  // bounded memory
    unknownFailures[username] = entry
    try await audit.record(AuditEvent(
      time: time, kind: .loginFailed, user: username, address: address, detail: "unknown account"))
    return .refused
  }
}

extension Duration {
  /// The duration in seconds, as a `TimeInterval`.
  var seconds: TimeInterval {
    let (s, attoseconds) = components
    return TimeInterval(s) + TimeInterval(attoseconds) / 1e18
  }
}
