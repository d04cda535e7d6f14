public import Hummingbird

/// Resolves the session cookie into ``SecureRequestContext/session`` (expired sessions are dropped and the
/// cookie cleared).
public struct SessionMiddleware<Context: SecureRequestContext>: RouterMiddleware {
  let security: WebSecurity

  /// A middleware over the service's security pieces.
  public init(security: WebSecurity) {
    self.security = security
  }

  public func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var context = context
    guard let token = request.cookies[WebSecurity.sessionCookieName]?.value, !token.isEmpty else {
      return try await next(request, context)
    }
    context.session = try await security.sessions.resume(token: token)
    var response = try await next(request, context)
    if context.session == nil, response.headers[values: .setCookie].isEmpty {
      response.setCookie(security.clearedSessionCookie())
    }
    return response
  }
}
