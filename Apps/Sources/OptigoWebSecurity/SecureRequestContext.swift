public import Hummingbird

/// What the security middlewares need from a service's request context.
public protocol SecureRequestContext: RequestContext {
  /// The logged-in session, set by ``SessionMiddleware``.
  var session: Session? { get set }
  /// The form of a state-changing request, set by ``CSRFMiddleware`` once its token has been checked.
  var form: FormFields { get set }
  /// The client's address (for the audit log), nil when unknown.
  var clientAddress: String? { get }
}
