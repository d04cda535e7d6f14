import CaptureToolCore
public import Foundation
public import Hummingbird
import HTTPTypes
public import OptigoWebSecurity

/// The server's routes: the upload API for capture tools (device tokens) and the console for people
/// (sessions, CSRF), over the shared security pieces and the server's stores. Every read of the console is
/// scoped by the viewer's organisation; an id from another organisation answers 404 like a missing one.
public struct ServerApp: Sendable {
  /// Accounts, sessions, audit (the activity log).
  public let security: WebSecurity
  /// The activity log.
  public let activity: ActivityLog
  /// The accounts table (organisations of users).
  public let accountStore: SQLiteAccountStore
  /// Organisations, sites, tokens.
  public let directory: Directory
  /// Captures and reports.
  public let catalog: CaptureCatalog
  /// The upload API.
  public let uploads: UploadService
  /// Stored captures.
  public let blobs: any BlobStore
  /// Per-token request limits.
  public let rateLimiter: RateLimiter
  /// Nudges the worker when a capture is accepted.
  let wake: Doorbell?
  /// bcrypt cost of passwords set by admins.
  public let bcryptCost: UInt8

  /// The app over its pieces.
  public init(security: WebSecurity, activity: ActivityLog, accountStore: SQLiteAccountStore, directory: Directory,
              catalog: CaptureCatalog, uploads: UploadService, blobs: any BlobStore, rateLimiter: RateLimiter,
              wake: Doorbell?, bcryptCost: UInt8 = PasswordHasher.defaultCost) {
    self.bcryptCost = bcryptCost
    self.security = security
    self.activity = activity
    self.accountStore = accountStore
    self.directory = directory
    self.catalog = catalog
    self.uploads = uploads
    self.blobs = blobs
    self.rateLimiter = rateLimiter
    self.wake = wake
  }

  static let tusVersion = "1.0.0"

  /// The router: security headers, sessions, CSRF and access checks for the console, tokens for the API.
  public func buildRouter() -> Router<ServerRequestContext> {
    let router = Router(context: ServerRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: security.scheme == "https"))
    router.add(middleware: SessionMiddleware(security: security))
    router.add(middleware: ConsoleGuard(csrf: CSRFMiddleware(security: security)))
    addUploadRoutes(router)
    router.get("/static/style.css") { _, _ in
      Response(status: .ok, headers: [.contentType: "text/css", .cacheControl: "max-age=3600"],
               body: .init(byteBuffer: ByteBuffer(string: HTML.styleSheet)))
    }
    router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    router.get("/") { _, _ in Responses.redirect("/sites") }
    router.get("/login") { request, _ in self.loginPage(notice: nil, status: .ok, request: request) }
    router.post("/login") { request, context in try await self.login(request: request, context: context) }
    router.post("/logout") { _, context in try await self.logout(context: context) }
    router.get("/change-password") { _, context in
      guard let session = context.session else { return Responses.redirect("/login") }
      return Responses.html(ServerPages.changePassword(session: session))
    }
    router.post("/change-password") { _, context in try await self.changePassword(context: context) }
    router.get("/sites") { request, context in
      try await self.withViewer(context) { viewer, csrf in
        Responses.html(ServerPages.sites(
          viewer: viewer, csrf: csrf, sites: try await self.directory.sites(organisation: viewer.organisation),
          notice: request.uri.queryParameters["notice"].map(String.init), isError: false))
      }
    }
    router.post("/sites") { _, context in try await self.createSite(context: context) }
    router.get("/sites/{site}") { _, context in try await self.sitePage(context: context) }
    router.get("/captures/{capture}") { _, context in try await self.reportPage(context: context, json: false) }
    router.get("/captures/{capture}/report.json") { _, context in try await self.reportPage(context: context, json: true) }
    router.get("/captures/{capture}/download") { _, context in try await self.download(context: context) }
    router.get("/admin/tokens") { _, context in try await self.tokensPage(context: context, newToken: nil, notice: nil) }
    router.post("/admin/tokens") { _, context in try await self.issueToken(context: context) }
    router.post("/admin/tokens/{token}/revoke") { _, context in try await self.revokeToken(context: context) }
    router.get("/admin/users") { _, context in try await self.usersPage(context: context, notice: nil) }
    router.post("/admin/users") { _, context in try await self.createUser(context: context) }
    router.post("/admin/users/unlock") { _, context in try await self.unlockUser(context: context) }
    router.get("/admin/activity") { _, context in
      try await self.withViewer(context, admin: true) { viewer, csrf in
        Responses.html(ServerPages.activity(
          viewer: viewer, csrf: csrf, entries: try await self.activity.entries(organisation: viewer.organisation, limit: 500)))
      }
    }
    router.get("/admin/activity.csv") { _, context in
      try await self.withViewer(context, admin: true) { viewer, _ in
        await self.activity.record(.activityExported, organisation: viewer.organisation, user: viewer.username,
                                   address: context.clientAddress, detail: "CSV export")
        return Response(
          status: .ok,
          headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"activity.csv\""],
          body: .init(byteBuffer: ByteBuffer(string: try await self.activity.csv(organisation: viewer.organisation))))
      }
    }
    return router
  }

  // MARK: Upload API

  func addUploadRoutes(_ router: Router<ServerRequestContext>) {
    router.on("/api/uploads", method: .options) { _, _ in
      var response = Response(status: .noContent)
      response.headers[HTTPField.Name("Tus-Resumable")!] = Self.tusVersion
      response.headers[HTTPField.Name("Tus-Version")!] = Self.tusVersion
      response.headers[HTTPField.Name("Tus-Extension")!] = "creation,checksum,expiration"
      response.headers[HTTPField.Name("Tus-Checksum-Algorithm")!] = "sha256"
      response.headers[HTTPField.Name("Tus-Max-Size")!] = "\(self.uploads.limits.maximumUploadBytes)"
      return response
    }
    router.post("/api/uploads") { request, context in
      try await self.api(request, context) { token in
        try await self.uploads.create(
          token: token, lengthHeader: request.headers[HTTPField.Name("Upload-Length")!],
          metadataHeader: request.headers[HTTPField.Name("Upload-Metadata")!], address: context.clientAddress)
      }
    }
    router.on("/api/uploads/{id}", method: .head) { request, context in
      try await self.api(request, context) { token in
        try await self.uploads.head(id: context.parameters.get("id") ?? "", token: token)
      }
    }
    router.patch("/api/uploads/{id}") { request, context in
      try await self.api(request, context) { token in
        let answer = try await self.uploads.append(
          id: context.parameters.get("id") ?? "", token: token,
          offsetHeader: request.headers[HTTPField.Name("Upload-Offset")!],
          checksumHeader: request.headers[HTTPField.Name("Upload-Checksum")!],
          contentType: request.headers[.contentType], body: request.body, address: context.clientAddress)
        if answer.headers["Optigo-Capture"] != nil { await self.wake?.ring() }
        return answer
      }
    }
  }

  /// Checks the tus version, the bearer token and its rate, then answers with the tus headers.
  func api(_ request: Request, _ context: ServerRequestContext, _ body: (DeviceToken) async throws -> UploadAnswer)
    async throws -> Response
  {
    var answer: UploadAnswer
    if request.headers[HTTPField.Name("Tus-Resumable")!] != Self.tusVersion {
      answer = UploadAnswer(412, "Tus-Resumable: 1.0.0 is required.", headers: ["Tus-Version": Self.tusVersion])
    } else if let token = try await deviceToken(request) {
      if let wait = await rateLimiter.take(token.id) {
        answer = UploadAnswer(429, "Too many requests.", headers: ["Retry-After": "\(Int(wait.rounded(.up)))"])
      } else {
        answer = try await body(token)
      }
    } else {
      answer = UploadAnswer(401, "A valid device token is required (Authorization: Bearer …).",
                            headers: ["WWW-Authenticate": "Bearer"])
    }
    var headers: HTTPFields = [HTTPField.Name("Tus-Resumable")!: Self.tusVersion, .cacheControl: "no-store"]
    for (name, value) in answer.headers { if let field = HTTPField.Name(name) { headers[field] = value } }
    let text = answer.message.isEmpty ? "" : answer.message + "\n"
    if !text.isEmpty, answer.status != 204 { headers[.contentType] = "text/plain; charset=utf-8" }
    return Response(
      status: HTTPResponse.Status(code: answer.status), headers: headers,
      body: answer.status == 204 || request.method == .head ? .init() : .init(byteBuffer: ByteBuffer(string: text)))
  }

  func deviceToken(_ request: Request) async throws -> DeviceToken? {
    guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.utf8.count < 200 else {
      return nil
    }
    return try await directory.authenticate(token: String(header.dropFirst(7)))
  }

  // MARK: Login

  func loginPage(notice: String?, status: HTTPResponse.Status, request: Request) -> Response {
    let existing = request.cookies[WebSecurity.loginCookieName]?.value
    let token = existing.flatMap { RandomToken.isWellFormed($0) ? $0 : nil } ?? RandomToken.make()
    var response = Responses.html(ServerPages.login(csrf: token, notice: notice), status: status)
    response.setCookie(security.loginCookie(token: token))
    return response
  }

  func login(request: Request, context: ServerRequestContext) async throws -> Response {
    switch try await security.logIn(
      username: context.form["username"] ?? "", password: context.form["password"] ?? "",
      replacing: context.session, address: context.clientAddress)
    {
    case .loggedIn(let token, let mustChangePassword):
      var response = Responses.redirect(mustChangePassword ? "/change-password" : "/sites")
      response.setCookie(security.sessionCookie(token: token))
      return response
    case .refused(let message):
      return loginPage(notice: message, status: .unauthorized, request: request)
    case .locked(let message):
      return loginPage(notice: message, status: .tooManyRequests, request: request)
    }
  }

  func logout(context: ServerRequestContext) async throws -> Response {
    try await security.logOut(context.session, address: context.clientAddress)
    var response = Responses.redirect("/login")
    response.setCookie(security.clearedSessionCookie())
    return response
  }

  func changePassword(context: ServerRequestContext) async throws -> Response {
    guard let session = context.session else { return Responses.redirect("/login") }
    switch try await security.changePassword(
      session: session, current: context.form["current"] ?? "", new: context.form["new"] ?? "",
      confirmation: context.form["confirm"] ?? "", address: context.clientAddress)
    {
    case .refused(let message):
      return Responses.html(ServerPages.changePassword(session: session, notice: message), status: .badRequest)
    case .accountGone:
      return Responses.redirect("/login")
    case .changed(let token):
      var response = Responses.redirect("/sites?notice=Password%20changed.")
      response.setCookie(security.sessionCookie(token: token))
      return response
    }
  }

  // MARK: Console

  /// Resolves the viewer (organisation and current role) and runs `body`; 403 for a non-admin on admin pages.
  func withViewer(
    _ context: ServerRequestContext, admin: Bool = false, _ body: (Viewer, String) async throws -> Response
  ) async throws -> Response {
    guard let session = context.session, let account = try await accountStore.account(named: session.username),
      let organisation = try await accountStore.organisation(of: session.username)
    else { return Responses.redirect("/login") }
    if admin, account.role != .admin {
      return Responses.html(ServerPages.page(title: "Not allowed", notice: "Only administrators may do this.",
                                                   isError: true, body: ""), status: .forbidden)
    }
    let viewer = Viewer(
      username: account.username, organisation: organisation,
      organisationName: try await directory.organisationName(organisation) ?? "?", role: account.role)
    return try await body(viewer, session.csrfToken)
  }

  func notFound(_ viewer: Viewer, _ csrf: String, _ what: String) -> Response {
    Responses.html(ServerPages.page(title: "Not found", notice: "No such \(what).", isError: true, viewer: viewer,
                                          csrf: csrf, body: ""), status: .notFound)
  }

  func createSite(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, csrf in
      let name = (context.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
      guard Self.isAcceptableName(name) else {
        return Responses.html(ServerPages.sites(
          viewer: viewer, csrf: csrf, sites: try await directory.sites(organisation: viewer.organisation),
          notice: "A site name has 1–200 characters and no control character.", isError: true), status: .badRequest)
      }
      guard try await directory.createSite(named: name, organisation: viewer.organisation) != nil else {
        return Responses.html(ServerPages.sites(
          viewer: viewer, csrf: csrf, sites: try await directory.sites(organisation: viewer.organisation),
          notice: "A site of that name exists.", isError: true), status: .conflict)
      }
      await activity.record(.siteCreated, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: name)
      return Responses.redirect("/sites?notice=Site%20added.")
    }
  }

  func sitePage(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context) { viewer, csrf in
      guard let id = context.parameters.get("site").flatMap({ Int($0) }),
        let site = try await directory.site(id, organisation: viewer.organisation)
      else { return notFound(viewer, csrf, "site") }
      return Responses.html(ServerPages.site(
        viewer: viewer, csrf: csrf, site: site,
        captures: try await catalog.captures(site: site.id, organisation: viewer.organisation)))
    }
  }

  func reportPage(context: ServerRequestContext, json: Bool) async throws -> Response {
    try await withViewer(context) { viewer, csrf in
      let id = context.parameters.get("capture") ?? ""
      guard let capture = try await catalog.capture(id, organisation: viewer.organisation),
        let report = try await catalog.report(id, organisation: viewer.organisation)
      else { return notFound(viewer, csrf, "report") }
      await activity.record(.reportViewed, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: "capture \(id)\(json ? " (JSON)" : "")")
      if json {
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: report)))
      }
      return Responses.html(ServerPages.report(viewer: viewer, csrf: csrf, capture: capture, json: report))
    }
  }

  func download(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context) { viewer, csrf in
      let id = context.parameters.get("capture") ?? ""
      guard let capture = try await catalog.capture(id, organisation: viewer.organisation),
        let path = try? await blobs.readablePath(objectID: capture.objectID)
      else { return notFound(viewer, csrf, "capture") }
      let pcapng = FileHandle(forReadingAtPath: path).flatMap { handle in
        defer { try? handle.close() }
        return try? handle.read(upToCount: 4)
      } == Data([0x0A, 0x0D, 0x0D, 0x0A])
      let body = try await FileIO().loadFile(path: path, context: context)
      await activity.record(.captureDownloaded, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: "capture \(id)")
      return Response(
        status: .ok,
        headers: [.contentType: pcapng ? "application/x-pcapng" : "application/vnd.tcpdump.pcap",
                  .contentDisposition: "attachment; filename=\"capture-\(capture.id).\(pcapng ? "pcapng" : "pcap")\""],
        body: body)
    }
  }

  func tokensPage(context: ServerRequestContext, newToken: String?, notice: String?, isError: Bool = false,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, csrf in
      Responses.html(ServerPages.tokens(
        viewer: viewer, csrf: csrf, tokens: try await directory.tokens(organisation: viewer.organisation),
        sites: try await directory.sites(organisation: viewer.organisation), newToken: newToken, notice: notice,
        isError: isError), status: status)
    }
  }

  func issueToken(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, _ in
      let name = (context.form["name"] ?? "").trimmingCharacters(in: .whitespaces)
      guard Self.isAcceptableName(name), let siteID = context.form["site"].flatMap({ Int($0) }),
        let site = try await directory.site(siteID, organisation: viewer.organisation)
      else {
        return try await tokensPage(context: context, newToken: nil, notice: "Give a name (1–200 characters) and one of your sites.",
                                    isError: true, status: .badRequest)
      }
      let (token, record) = try await directory.issueToken(name: name, site: site, by: viewer.username)
      await activity.record(.tokenIssued, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: "token \(record.id) '\(name)' for site \(site.name)")
      return try await tokensPage(context: context, newToken: token, notice: nil)
    }
  }

  func revokeToken(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, csrf in
      guard let id = context.parameters.get("token").flatMap({ Int($0) }),
        try await directory.revokeToken(id, organisation: viewer.organisation)
      else { return notFound(viewer, csrf, "token") }
      await activity.record(.tokenRevoked, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: "token \(id)")
      return Responses.redirect("/admin/tokens")
    }
  }

  func usersPage(context: ServerRequestContext, notice: String?, isError: Bool = false,
                 status: HTTPResponse.Status = .ok) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, csrf in
      Responses.html(ServerPages.users(
        viewer: viewer, csrf: csrf, accounts: try await accountStore.accounts(in: viewer.organisation),
        now: security.now(), notice: notice, isError: isError), status: status)
    }
  }

  func createUser(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, _ in
      let name = (context.form["username"] ?? "").trimmingCharacters(in: .whitespaces)
      let password = context.form["password"] ?? ""
      let role = Account.Role(rawValue: context.form["role"] ?? "") ?? .member
      guard Self.isAcceptableName(name), name.utf8.count <= 128 else {
        return try await usersPage(context: context, notice: "A user name has 1–128 characters and no control character.",
                                   isError: true, status: .badRequest)
      }
      if let violation = PasswordRule.violation(of: password) {
        return try await usersPage(context: context, notice: violation, isError: true, status: .badRequest)
      }
      let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
      let account = Account(username: name, passwordHash: hash, role: role, mustChangePassword: true,
                            passwordChangedAt: security.now())
      guard try await accountStore.create(account, organisation: viewer.organisation) else {
        return try await usersPage(context: context, notice: "That user name is taken.", isError: true, status: .conflict)
      }
      await activity.record(.userCreated, organisation: viewer.organisation, user: viewer.username,
                            address: context.clientAddress, detail: "\(name) (\(role.rawValue))")
      return Responses.redirect("/admin/users")
    }
  }

  func unlockUser(context: ServerRequestContext) async throws -> Response {
    try await withViewer(context, admin: true) { viewer, csrf in
      let name = context.form["username"] ?? ""
      guard try await accountStore.organisation(of: name) == viewer.organisation else {
        return notFound(viewer, csrf, "user")
      }
      try await security.accounts.unlock(name, by: viewer.username, address: context.clientAddress)
      return Responses.redirect("/admin/users")
    }
  }

  /// 1–200 characters, no control character.
  static func isAcceptableName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 200 && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
  }
}
