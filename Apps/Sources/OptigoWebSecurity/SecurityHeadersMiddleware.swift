public import Hummingbird
import HTTPTypes

/// Headers on every response: HSTS (when served over TLS), a strict content security policy, no framing, no
/// MIME sniffing, no caching of pages.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
  let strictTransportSecurity: Bool

  /// `strictTransportSecurity` adds `Strict-Transport-Security: max-age=31536000` (only over HTTPS).
  public init(strictTransportSecurity: Bool) {
    self.strictTransportSecurity = strictTransportSecurity
  }

  public func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var response = try await next(request, context)
    if strictTransportSecurity {
      response.headers[.strictTransportSecurity] = "max-age=31536000"
    }
    response.headers[.contentSecurityPolicy] =
      "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
    if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    return response
  }
}
