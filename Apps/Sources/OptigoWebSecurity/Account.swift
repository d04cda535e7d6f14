public import Foundation

/// One user of a service: the name they log in with, a bcrypt hash, and the state of the lockout.
public struct Account: Codable, Sendable, Equatable {
  /// What the account may do.
  public enum Role: String, Codable, Sendable {
    /// Manages accounts, configuration, certificates and files.
    case admin
    /// Uses the console without administering it.
    case member
  }

  /// The login name (compared case-sensitively after trimming).
  public var username: String
  /// bcrypt hash of the password.
  public var passwordHash: String
  /// The account's role.
  public var role: Role
  /// True while the password is a default one: every login lands on the change-password page until it changes.
  public var mustChangePassword: Bool
  /// Failed logins since the last success or unlock.
  public var consecutiveFailures: Int
  /// While in the future, every login is refused (even with the right password).
  public var lockedUntil: Date?
  /// When the password was last set.
  public var passwordChangedAt: Date

  /// An account with no failures and no lock.
  public init(username: String, passwordHash: String, role: Role, mustChangePassword: Bool, passwordChangedAt: Date) {
    self.username = username
    self.passwordHash = passwordHash
    self.role = role
    self.mustChangePassword = mustChangePassword
    self.consecutiveFailures = 0
    self.lockedUntil = nil
    self.passwordChangedAt = passwordChangedAt
  }

  /// True when a lock is in force at `now`.
  public func isLocked(at now: Date) -> Bool {
    guard let lockedUntil else { return false }
    return lockedUntil > now
  }
}
