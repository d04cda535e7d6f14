import Foundation
import Hummingbird
import HummingbirdTLS
public import Logging
import NIOSSL
public import OptigoWebSecurity
public import OptigoWebTLS
public import ServiceLifecycle
import UnixSignals

/// How `optigo-capture-tool serve` runs.
public struct ServeOptions: Sendable {
  /// The data folder (`--data`).
  public var dataDirectory: String
  /// Address to listen on.
  public var host: String
  /// HTTPS port: 4000, or 443 in appliance mode.
  public var port: Int
  /// The plain-HTTP port that only redirects (appliance mode: 80), nil for none.
  public var redirectPort: Int?
  /// bcrypt cost of new password hashes.
  public var bcryptCost: UInt8

  /// Options; `appliance` sets the ports 443 and 80 unless given.
  public init(dataDirectory: String, host: String = "0.0.0.0", port: Int = 4000, redirectPort: Int? = nil,
              bcryptCost: UInt8 = PasswordHasher.defaultCost) {
    self.dataDirectory = dataDirectory
    self.host = host
    self.port = port
    self.redirectPort = redirectPort
    self.bcryptCost = bcryptCost
  }
}

/// The running service: first-start setup (folders, default account, certificate), then the HTTPS console
/// and, in appliance mode, the redirecting HTTP listener, under one service group that stops gracefully on
/// SIGTERM or SIGINT.
public struct CaptureToolServer: Sendable {
  /// The options.
  public let options: ServeOptions
  /// The console (its router and pieces).
  public let app: CaptureToolApp
  /// The served certificate.
  public let tls: ReloadableTLS

  /// Prepares the data folder and the pieces: creates `data/pcap`, the `admin` account with the default
  /// password, and a self-signed certificate when missing; refuses a stored certificate that does not
  /// validate (the message says why). `capture` is the seam to the capture library.
  public static func prepare(
    options: ServeOptions, capture: any CaptureControl = UnavailableCaptureControl(),
    inventory: SystemInventory = .system, log: @Sendable (String) -> Void = { _ in }
  ) async throws -> CaptureToolServer {
    let paths = CaptureToolPaths(root: options.dataDirectory)
    try SecureFile.makePrivateDirectory(paths.root)
    for folder in [paths.spool, paths.root + "/config", paths.root + "/state", paths.root + "/log", paths.tls] {
      try SecureFile.makePrivateDirectory(folder)
    }
    let audit = FileAuditLog(path: paths.auditLog)
    let accounts = AccountService(
      store: FileAccountStore(path: paths.accounts), audit: audit, hasher: PasswordHasher(cost: options.bcryptCost))
    if try await accounts.createDefaultAdminIfNeeded() {
      log("Created the account '\(AccountService.defaultAdminName)' with the default password; it must be changed at the first login.")
    }
    let certificates = CertificateStore(directory: paths.tls)
    let tls = try certificates.loadForServing(log: log)
    let security = WebSecurity(accounts: accounts, sessions: SessionManager(), audit: audit, scheme: "https")
    let app = CaptureToolApp(
      security: security, configuration: ConfigurationStore(path: paths.configuration),
      spool: SpoolCatalog(directory: paths.spool), capture: capture, inventory: inventory, tls: tls,
      certificates: certificates, paths: paths)
    return CaptureToolServer(options: options, app: app, tls: tls)
  }

  /// The listeners as services; `onRunning` receives each listener's role ("https", "http") and bound port.
  public func services(
    logger: Logger, onRunning: @escaping @Sendable (String, Int) -> Void = { _, _ in }
  ) throws -> [any Service] {
    let https = Application(
      router: app.buildRouter(),
      server: try .tls(.http1(), tlsConfiguration: tls.serverConfiguration()),
      configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
      onServerRunning: { channel in onRunning("https", channel.localAddress?.port ?? options.port) },
      logger: logger)
    var services: [any Service] = [https]
    if let redirectPort = options.redirectPort {
      let httpsPort = options.port
      let http = Application(
        responder: RedirectResponder(httpsPort: httpsPort),
        configuration: .init(address: .hostname(options.host, port: redirectPort), serverName: nil),
        onServerRunning: { channel in onRunning("http", channel.localAddress?.port ?? redirectPort) },
        logger: logger)
      services.append(http)
    }
    return services
  }

  /// Serves until SIGTERM or SIGINT, then stops gracefully.
  public func run(logger: Logger) async throws {
    let group = ServiceGroup(configuration: .init(
      services: try services(logger: logger), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
  }
}
