public import Hummingbird
public import OptigoWebSecurity

/// The request context of the server's routes.
public struct ServerRequestContext: SecureRequestContext {
  public var coreContext: CoreRequestContextStorage
  public var session: Session?
  public var form = FormFields()
  public let clientAddress: String?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    clientAddress = source.channel.remoteAddress?.ipAddress
  }
}

/// The console's guards: the upload API (device tokens, no cookies) skips CSRF and sessions checks; anonymous
/// requests reach only the login page and the style sheet; a session with the default password reaches only the
/// change-password page.
struct ConsoleGuard: RouterMiddleware {
  typealias Context = ServerRequestContext
  let csrf: CSRFMiddleware<ServerRequestContext>

  static let publicPaths: Set<String> = ["/login", "/static/style.css", "/favicon.ico"]
  static let passwordChangePaths: Set<String> = ["/change-password", "/logout"]

  static func isUploadAPI(_ path: String) -> Bool { path == "/api/uploads" || path.hasPrefix("/api/uploads/") }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    if Self.isUploadAPI(path) { return try await next(request, context) }
    return try await csrf.handle(request, context: context) { request, context in
      if Self.publicPaths.contains(path) { return try await next(request, context) }
      guard let session = context.session else { return Responses.redirect("/login") }
      if session.mustChangePassword, !Self.passwordChangePaths.contains(path) {
        return Responses.redirect("/change-password")
      }
      return try await next(request, context)
    }
  }
}
