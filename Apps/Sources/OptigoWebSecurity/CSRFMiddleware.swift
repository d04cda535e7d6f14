public import Hummingbird
import HTTPTypes

/// Refuses cross-site state changes. For every method other than GET, HEAD and OPTIONS:
/// 1. `Sec-Fetch-Site`, when sent, must be `same-origin` or `none`; `Origin` (or, without it, `Referer`)
///    must name this service (scheme, host and port of the `Host` header); a request with neither is refused.
/// 2. The form field ``WebSecurity/csrfFieldName`` (or the header ``WebSecurity/csrfHeaderName``) must equal
///    the session's token or the login form's cookie (double submit; `__Host-`, `HttpOnly`, `SameSite=Strict`,
///    so another site can neither read nor plant it).
/// The decoded form is then handed on in ``SecureRequestContext/form``. A refusal answers 403 and is
/// audited.
public struct CSRFMiddleware<Context: SecureRequestContext>: RouterMiddleware {
  let security: WebSecurity
  let maximumFormBytes: Int

  /// A middleware over the service's security pieces; larger form bodies are refused.
  public init(security: WebSecurity, maximumFormBytes: Int = 1 << 20) {
    self.security = security
    self.maximumFormBytes = maximumFormBytes
  }

  public func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    switch request.method {
    case .get, .head, .options: return try await next(request, context)
    default: break
    }
    if let reason = originProblem(request) {
      return await refuse(reason, context: context)
    }
    var request = request
    var context = context
    let body = try await request.collectBody(upTo: maximumFormBytes)
    let form = FormFields(parsing: String(buffer: body))
    let sent = request.headers[WebSecurity.csrfHeaderName] ?? form[WebSecurity.csrfFieldName] ?? ""
    // The session's token, or the login form's double-submit cookie (a login form may be posted while an
    // older session still exists: a second tab, a logout racing the next login).
    let expected = [context.session?.csrfToken, request.cookies[WebSecurity.loginCookieName]?.value]
      .compactMap { $0 }.filter { !$0.isEmpty }
    guard expected.contains(where: { RandomToken.constantTimeEqual(sent, $0) }) else {
      return await refuse("missing or wrong CSRF token", context: context)
    }
    context.form = form
    return try await next(request, context)
  }

  /// Why the request's origin is not this service, or nil when it is.
  func originProblem(_ request: Request) -> String? {
    if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
      return "Sec-Fetch-Site \(site)"
    }
    guard let host = request.head.authority else { return "no Host header" }
    let own = "\(security.scheme)://\(host)".lowercased()
    if let origin = request.headers[.origin] {
      return origin.lowercased() == own ? nil : "Origin \(origin)"
    }
    if let referer = request.headers[.referer] {
      let lowered = referer.lowercased()
      return lowered == own || lowered.hasPrefix(own + "/") ? nil : "Referer \(referer)"
    }
    return "no Origin or Referer"
  }

  func refuse(_ reason: String, context: Context) async -> Response {
    await security.record(
      .requestRefused, user: context.session?.username, address: context.clientAddress,
      detail: "CSRF: \(reason)")
    return Response(
      status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(string: "Refused: cross-site request (\(reason)).\n")))
  }
}
