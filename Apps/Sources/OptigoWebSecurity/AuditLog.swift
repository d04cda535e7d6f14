public import Foundation

/// One line of the audit log.
public struct AuditEvent: Codable, Sendable, Equatable {
  /// What happened.
  public enum Kind: String, Codable, Sendable {
    case loginSucceeded = "login.success"
    case loginFailed = "login.failure"
    case loginRefusedLocked = "login.locked"
    case accountLocked = "account.locked"
    case accountUnlocked = "account.unlocked"
    case accountCreated = "account.created"
    case passwordChanged = "password.changed"
    case logout = "logout"
    case configurationChanged = "config.changed"
    case certificateReplaced = "certificate.replaced"
    case captureStarted = "capture.started"
    case captureStopped = "capture.stopped"
    case fileDownloaded = "file.downloaded"
    case fileDeleted = "file.deleted"
    case requestRefused = "request.refused"
  }

  /// When (UTC).
  public var time: Date
  /// What happened.
  public var kind: Kind
  /// The user acting, or the name tried at login.
  public var user: String?
  /// The client's address.
  public var address: String?
  /// Free text: a file name, a changed field, a reason.
  public var detail: String?

  /// An event.
  public init(time: Date, kind: Kind, user: String?, address: String?, detail: String? = nil) {
    self.time = time
    self.kind = kind
    self.user = user
    self.address = address
    self.detail = detail
  }
}

/// An append-only record of security-relevant actions. The Capture Tool writes JSON lines to a file
/// (``FileAuditLog``); the upload server writes to its database behind the same protocol.
public protocol AuditLog: Sendable {
  /// Appends one event; durable when it returns.
  func record(_ event: AuditEvent) async throws
  /// The most recent events, newest last, at most `limit`.
  func recent(limit: Int) async throws -> [AuditEvent]
}
