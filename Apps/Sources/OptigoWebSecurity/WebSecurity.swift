public import Foundation
public import Hummingbird
public import HTTPTypes

/// The security pieces of one service bundled for its routes and middlewares: accounts, sessions, audit log,
/// and how cookies are named and flagged.
public struct WebSecurity: Sendable {
  /// Name of the session cookie. The `__Host-` prefix makes browsers insist on `Secure`, `Path=/` and no
  /// `Domain`.
  public static let sessionCookieName = "__Host-optigo-session"
  /// Name of the cookie holding the login form's CSRF token (double-submit: no session exists yet).
  public static let loginCookieName = "__Host-optigo-login"
  /// Name of the form field carrying the CSRF token on every state-changing form.
  public static let csrfFieldName = "csrf"
  /// Header that may carry the CSRF token instead of the form (scripts).
  public static let csrfHeaderName = HTTPField.Name("X-CSRF-Token")!

  /// Accounts and logins.
  public let accounts: AccountService
  /// Sessions.
  public let sessions: SessionManager
  /// The audit log.
  public let audit: any AuditLog
  /// The scheme the service is reached with (`https` in production), for the Origin check.
  public let scheme: String
  /// The clock.
  public let now: @Sendable () -> Date

  /// Bundles the pieces; `scheme` is what browsers see (`https` unless a test serves plain HTTP).
  public init(
    accounts: AccountService, sessions: SessionManager, audit: any AuditLog, scheme: String = "https",
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.accounts = accounts
    self.sessions = sessions
    self.audit = audit
    self.scheme = scheme
    self.now = now
  }

  /// The session cookie: `Secure; HttpOnly; SameSite=Strict; Path=/`, no expiry (the server enforces the
  /// idle and absolute timeouts).
  public func sessionCookie(token: String) -> Cookie {
    Cookie(name: Self.sessionCookieName, value: token, path: "/", secure: true, httpOnly: true, sameSite: .strict)
  }

  /// A cookie that removes the session cookie.
  public func clearedSessionCookie() -> Cookie {
    Cookie(
      name: Self.sessionCookieName, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true,
      sameSite: .strict)
  }

  /// The login form's CSRF cookie (one hour).
  public func loginCookie(token: String) -> Cookie {
    Cookie(
      name: Self.loginCookieName, value: token, maxAge: 3600, path: "/", secure: true, httpOnly: true,
      sameSite: .strict)
  }

  /// What became of a login form.
  public enum LoginOutcome: Sendable, Equatable {
    /// Logged in: the new session's cookie token; `mustChangePassword` sends the browser to the change form.
    case loggedIn(token: String, mustChangePassword: Bool)
    /// Wrong name or password (answer 401 with the message).
    case refused(String)
    /// Locked (answer 429 with the message).
    case locked(String)
  }

  /// Checks a login form (audited with the address) and, on success, replaces the browser's previous session
  /// with a new one — the flow of every service's login form.
  public func logIn(username: String, password: String, replacing previous: Session?, address: String?)
    async throws -> LoginOutcome
  {
    switch try await accounts.login(username: username, password: password, address: address) {
    case .success(let account):
      if let previous { try await sessions.end(previous) }
      let (token, _) = try await sessions.start(for: account, address: address)
      return .loggedIn(token: token, mustChangePassword: account.mustChangePassword)
    case .refused:
      return .refused("Wrong user name or password.")
    case .locked:
      return .locked("Too many failed logins: this account is locked for a while. An administrator can unlock it.")
    }
  }

  /// Ends the browser's session (if any) and records the logout.
  public func logOut(_ session: Session?, address: String?) async throws {
    guard let session else { return }
    try await sessions.end(session)
    await record(.logout, user: session.username, address: address)
  }

  /// What became of a password change asked for in a form.
  public enum PasswordChangeOutcome: Sendable, Equatable {
    /// Changed: every session of the user has ended, and this browser gets a new one (its cookie token).
    case changed(token: String)
    /// Refused; the message is for the form (the confirmation differs, the current password is wrong, the rule).
    case refused(String)
    /// The account no longer exists.
    case accountGone
  }

  /// Changes the session user's password (the confirmation must match), ends every session of the user and
  /// starts a fresh one without the must-change mark — the flow of every service's change-password form.
  public func changePassword(
    session: Session, current: String, new: String, confirmation: String, address: String?
  ) async throws -> PasswordChangeOutcome {
    guard new == confirmation else { return .refused("The two new passwords differ.") }
    do {
      try await accounts.changePassword(username: session.username, current: current, new: new, address: address)
    } catch let error as AccountService.ChangeError {
      return .refused(error.description)
    }
    try await sessions.endAll(username: session.username)
    guard let account = try await accounts.account(named: session.username) else { return .accountGone }
    return .changed(token: try await sessions.start(for: account, address: address).token)
  }

  /// Records an event now.
  public func record(_ kind: AuditEvent.Kind, user: String?, address: String?, detail: String? = nil) async {
    do {
      try await audit.record(AuditEvent(time: now(), kind: kind, user: user, address: address, detail: detail))
    } catch {
      // The event could not be written: the request still completes, the failure goes to the service log.
      FileHandle.standardError.write(Data("audit log failure: \(error)\n".utf8))
    }
  }
}
