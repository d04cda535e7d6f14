import Hummingbird
import OptigoWebSecurity

/// Lets anonymous requests reach only the login page and the style sheet; sends a session that still has the
/// default password to the change-password page (every login, until it is changed); API paths answer JSON
/// 401/403 instead of redirects.
struct AccessGuard: RouterMiddleware {
  typealias Context = ToolRequestContext

  static let publicPaths: Set<String> = ["/login", "/static/style.css", "/favicon.ico"]
  static let passwordChangePaths: Set<String> = ["/change-password", "/logout"]

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    if Self.publicPaths.contains(path) { return try await next(request, context) }
    let isAPI = path.hasPrefix("/api/")
    guard let session = context.session else {
      return isAPI ? Responses.json(#"{"error":"login required"}"#, status: .unauthorized) : Responses.redirect("/login")
    }
    if session.mustChangePassword, !Self.passwordChangePaths.contains(path) {
      return isAPI
        ? Responses.json(#"{"error":"password change required"}"#, status: .forbidden)
        : Responses.redirect("/change-password")
    }
    return try await next(request, context)
  }
}
