import Foundation
import NIOPosix
public import Hummingbird
public import OptigoWebSecurity
public import OptigoWebTLS

/// The Capture Tool's web console: its pieces and its router. The executable serves ``buildRouter()`` over
/// TLS; tests drive the same router in process and over the network.
public struct CaptureToolApp: Sendable {
  /// Accounts, sessions, audit log.
  public let security: WebSecurity
  /// The capture configuration file.
  public let configuration: ConfigurationStore
  /// The spool's capture files.
  public let spool: SpoolCatalog
  /// The seam to the capture library.
  public let capture: any CaptureControl
  /// Interfaces and serial ports of the system.
  public let inventory: SystemInventory
  /// The served certificate, when serving TLS (replaceable from the console).
  public let tls: ReloadableTLS?
  /// The certificate files.
  public let certificates: CertificateStore
  /// The folders.
  public let paths: CaptureToolPaths

  /// The console over its pieces.
  public init(
    security: WebSecurity, configuration: ConfigurationStore, spool: SpoolCatalog, capture: any CaptureControl,
    inventory: SystemInventory, tls: ReloadableTLS?, certificates: CertificateStore, paths: CaptureToolPaths
  ) {
    self.security = security
    self.configuration = configuration
    self.spool = spool
    self.capture = capture
    self.inventory = inventory
    self.tls = tls
    self.certificates = certificates
    self.paths = paths
  }

  /// The router: security headers, sessions, CSRF and access checks, then the pages.
  public func buildRouter() -> Router<ToolRequestContext> {
    let router = Router(context: ToolRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: security.scheme == "https"))
    router.add(middleware: SessionMiddleware(security: security))
    router.add(middleware: CSRFMiddleware(security: security))
    router.add(middleware: AccessGuard())
    router.get("/static/style.css") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/css", .cacheControl: "max-age=3600"],
        body: .init(byteBuffer: ByteBuffer(string: HTML.styleSheet)))
    }
    router.get("/") { _, _ in Responses.redirect("/console") }
    router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    router.get("/login") { request, context in
      self.loginPage(notice: nil, status: .ok, request: request, context: context)
    }
    router.post("/login") { request, context in try await self.login(request: request, context: context) }
    router.post("/logout") { _, context in try await self.logout(context: context) }
    router.get("/change-password") { _, context in
      guard let session = context.session else { return Responses.redirect("/login") }
      return Responses.html(Pages.changePassword(session: session))
    }
    router.post("/change-password") { _, context in try await self.changePassword(context: context) }
    router.get("/console") { request, context in
      try await self.console(context: context, notice: request.uri.queryParameters["notice"].map(String.init), isError: false)
    }
    router.get("/files/{name}") { _, context in try await self.download(context: context) }
    router.get("/files/{name}/summary") { _, context in try await self.summary(context: context) }
    router.post("/files/delete") { _, context in try await self.delete(context: context) }
    router.post("/config") { _, context in try await self.saveConfiguration(context: context) }
    router.post("/capture/start") { _, context in try await self.startCapture(context: context) }
    router.post("/capture/stop") { _, context in try await self.stopCapture(context: context) }
    router.post("/certificate") { _, context in try await self.replaceCertificate(context: context) }
    router.post("/accounts/unlock") { _, context in try await self.unlock(context: context) }
    router.get("/api/status") { _, _ in try await self.statusJSON() }
    return router
  }

  // MARK: Login and passwords

  /// The login page. The login form's token is kept while the browser has a well-formed one, so that a
  /// second tab or a stray request (a favicon redirected here) does not invalidate the form on screen.
  func loginPage(notice: String?, status: HTTPResponse.Status, request: Request, context: ToolRequestContext)
    -> Response
  {
    let existing = request.cookies[WebSecurity.loginCookieName]?.value
    let token = existing.flatMap { RandomToken.isWellFormed($0) ? $0 : nil } ?? RandomToken.make()
    var response = Responses.html(Pages.login(csrf: token, notice: notice), status: status)
    response.setCookie(security.loginCookie(token: token))
    return response
  }

  func login(request: Request, context: ToolRequestContext) async throws -> Response {
    switch try await security.logIn(
      username: context.form["username"] ?? "", password: context.form["password"] ?? "",
      replacing: context.session, address: context.clientAddress)
    {
    case .loggedIn(let token, let mustChangePassword):
      var response = Responses.redirect(mustChangePassword ? "/change-password" : "/console")
      response.setCookie(security.sessionCookie(token: token))
      return response
    case .refused(let message):
      return loginPage(notice: message, status: .unauthorized, request: request, context: context)
    case .locked(let message):
      return loginPage(notice: message, status: .tooManyRequests, request: request, context: context)
    }
  }

  func logout(context: ToolRequestContext) async throws -> Response {
    try await security.logOut(context.session, address: context.clientAddress)
    var response = Responses.redirect("/login")
    response.setCookie(security.clearedSessionCookie())
    return response
  }

  func changePassword(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session else { return Responses.redirect("/login") }
    switch try await security.changePassword(
      session: session, current: context.form["current"] ?? "", new: context.form["new"] ?? "",
      confirmation: context.form["confirm"] ?? "", address: context.clientAddress)
    {
    case .refused(let message):
      return Responses.html(Pages.changePassword(session: session, notice: message), status: .badRequest)
    case .accountGone:
      return Responses.redirect("/login")
    case .changed(let token):
      var response = Responses.redirect("/console?notice=Password%20changed.")
      response.setCookie(security.sessionCookie(token: token))
      return response
    }
  }

  func unlock(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    let name = context.form["username"] ?? ""
    do {
      try await security.accounts.unlock(name, by: session.username, address: context.clientAddress)
    } catch {
      return try await console(context: context, notice: "No such account.", isError: true, status: .badRequest)
    }
    return Responses.redirect("/console?notice=Account%20unlocked.")
  }

  // MARK: Console

  func console(
    context: ToolRequestContext, notice: String?, isError: Bool, status: HTTPResponse.Status = .ok
  ) async throws -> Response {
    guard let session = context.session else { return Responses.redirect("/login") }
    let admin = session.role == .admin
    let page = Pages.console(
      session: session, files: await spool.list(), configuration: try await configuration.current(),
      interfaces: inventory.networkInterfaces(), serialPorts: inventory.serialPorts(),
      status: await capture.status(), certificate: certificateInfo(),
      accounts: admin ? try await security.accounts.allAccounts() : [],
      audit: admin ? try await security.audit.recent(limit: 20) : [], notice: notice, isError: isError,
      now: security.now())
    return Responses.html(page, status: status)
  }

  func certificateInfo() -> CertificateInfo? {
    guard let pair = try? certificates.load(), let summary = try? CertificateValidator.validate(pair) else {
      return nil
    }
    return CertificateInfo(subject: summary.subject, notValidAfter: summary.notValidAfter)
  }

  func forbidden() -> Response {
    Responses.html(HTML.page(title: "Not allowed", notice: "Only administrators may do this.", isError: true, body: ""),
                   status: .forbidden)
  }

  // MARK: Files

  func download(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session else { return Responses.redirect("/login") }
    let name = context.parameters.get("name") ?? ""
    guard let path = await spool.path(of: name) else {
      return Responses.html(HTML.page(title: "Not found", body: "<p>No such capture file.</p>"), status: .notFound)
    }
    let body = try await FileIO().loadFile(path: path, context: context)
    await security.record(.fileDownloaded, user: session.username, address: context.clientAddress, detail: name)
    return Response(
      status: .ok,
      headers: [
        .contentType: "application/vnd.tcpdump.pcap",
        .contentDisposition: "attachment; filename=\"\(name)\"",
      ],
      body: body)
  }

  /// The analysis library's summary report of one capture file (read on the blocking thread pool).
  func summary(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session else { return Responses.redirect("/login") }
    let name = context.parameters.get("name") ?? ""
    guard let path = await spool.path(of: name) else {
      return Responses.html(HTML.page(title: "Not found", body: "<p>No such capture file.</p>"), status: .notFound)
    }
    let text = try await NIOThreadPool.singleton.runIfActive { CaptureSummary.text(of: path, name: name) }
    return Responses.html(HTML.page(
      title: "Summary of \(name)", user: session.username, csrf: session.csrfToken,
      body: "<p><a href=\"/console\">Back to the console</a></p><pre>\(HTML.escape(text))</pre>"))
  }

  func delete(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    let name = context.form["name"] ?? ""
    guard try await spool.delete(name) else {
      return try await console(context: context, notice: "No such capture file.", isError: true, status: .notFound)
    }
    await security.record(.fileDeleted, user: session.username, address: context.clientAddress, detail: name)
    return Responses.redirect("/console?notice=Deleted.")
  }

  // MARK: Configuration and capture

  func saveConfiguration(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    let (parsed, parseProblems) = ConfigurationForm.parse(context.form)
    var problems = parseProblems
    let old = try await configuration.current()
    if problems.isEmpty {
      problems = try await configuration.replace(with: parsed, availableInterfaces: inventory.networkInterfaces())
    }
    if !problems.isEmpty {
      return try await console(
        context: context, notice: "Configuration not saved: " + problems.joined(separator: " "), isError: true,
        status: .badRequest)
    }
    await security.record(
      .configurationChanged, user: session.username, address: context.clientAddress,
      detail: ConfigurationForm.changes(from: old, to: parsed))
    return Responses.redirect("/console?notice=Configuration%20saved.")
  }

  func startCapture(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    do {
      try await capture.start(try await configuration.current(), spool: paths.spool)
    } catch {
      return try await console(context: context, notice: "\(error)", isError: true, status: .serviceUnavailable)
    }
    await security.record(.captureStarted, user: session.username, address: context.clientAddress)
    return Responses.redirect("/console?notice=Capture%20started.")
  }

  func stopCapture(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    try await capture.stop()
    await security.record(.captureStopped, user: session.username, address: context.clientAddress)
    return Responses.redirect("/console?notice=Capture%20stopped.")
  }

  func replaceCertificate(context: ToolRequestContext) async throws -> Response {
    guard let session = context.session, session.role == .admin else { return forbidden() }
    let pair = CertificatePair(
      certificatePEM: context.form["certificate"] ?? "", privateKeyPEM: context.form["key"] ?? "")
    let summary: CertificateValidator.Summary
    do {
      summary = try CertificateValidator.validate(pair, now: security.now())
      try tls?.replace(with: pair)
    } catch {
      return try await console(
        context: context, notice: "Certificate not replaced: \(error)", isError: true, status: .badRequest)
    }
    try certificates.save(pair)
    await security.record(
      .certificateReplaced, user: session.username, address: context.clientAddress, detail: summary.subject)
    return Responses.redirect("/console?notice=Certificate%20replaced.")
  }

  func statusJSON() async throws -> Response {
    let files = await spool.list()
    let configuration = try await configuration.current()
    let status = StatusReport(
      capture: await capture.status(), spoolFiles: files.count, spoolBytes: files.reduce(0) { $0 + $1.size },
      freeBytes: Self.freeBytes(paths.spool), capturedPorts: configuration.capturedPorts,
      interfaces: configuration.interfaces)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Responses.json(String(decoding: try encoder.encode(status), as: UTF8.self))
  }

  static func freeBytes(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: path) else { return nil }
    return (attributes[.systemFreeSize] as? NSNumber)?.intValue
  }
}

/// The body of `/api/status`.
struct StatusReport: Codable {
  var capture: CaptureStatus
  var spoolFiles: Int
  var spoolBytes: Int
  var freeBytes: Int?
  var capturedPorts: [Int]
  var interfaces: [String]
}
