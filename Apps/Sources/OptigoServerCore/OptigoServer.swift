public import Foundation
import CaptureToolCore
import Hummingbird
import HummingbirdTLS
public import Logging
import NIOSSL
public import OptigoWebSecurity
public import OptigoWebTLS
public import ServiceLifecycle
import UnixSignals

/// How `optigo-server serve` runs.
public struct ServerOptions: Sendable {
  /// The data folder (`--data`).
  public var dataDirectory: String
  /// Address to listen on.
  public var host: String
  /// HTTPS port (443).
  public var port: Int
  /// Plain-HTTP port that only redirects (80), nil for none.
  public var redirectPort: Int?
  /// bcrypt cost of new password hashes.
  public var bcryptCost: UInt8
  /// Name of the organisation created at first start.
  public var organisationName: String
  /// Upload limits.
  public var limits: UploadLimits
  /// Limits of an analysis child.
  public var analysisLimits: AnalysisLimits
  /// Analysis attempts per capture.
  public var maximumAttempts: Int
  /// The executable run as the analysis child (`optigo-server` itself by default).
  public var analyzerExecutable: String
  /// Seconds between polls of an idle worker; a lease lasts `lease` seconds.
  public var idlePollSeconds: Int
  /// Seconds a job's lease lasts without heartbeat.
  public var leaseSeconds: Int
  /// Seconds before a failed attempt is retried.
  public var retrySeconds: Int

  /// Options with the product's defaults.
  public init(
    dataDirectory: String, host: String = "0.0.0.0", port: Int = 443, redirectPort: Int? = 80,
    bcryptCost: UInt8 = PasswordHasher.defaultCost, organisationName: String = "default",
    limits: UploadLimits = UploadLimits(), analysisLimits: AnalysisLimits = AnalysisLimits(), maximumAttempts: Int = 3,
    analyzerExecutable: String = ServerOptions.ownExecutable, idlePollSeconds: Int = 2, leaseSeconds: Int = 60,
    retrySeconds: Int = 5
  ) {
    self.dataDirectory = dataDirectory
    self.host = host
    self.port = port
    self.redirectPort = redirectPort
    self.bcryptCost = bcryptCost
    self.organisationName = organisationName
    self.limits = limits
    self.analysisLimits = analysisLimits
    self.maximumAttempts = maximumAttempts
    self.analyzerExecutable = analyzerExecutable
    self.idlePollSeconds = idlePollSeconds
    self.leaseSeconds = leaseSeconds
    self.retrySeconds = retrySeconds
  }

  /// This process's executable (`/proc/self/exe`).
  public static var ownExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}

/// The folders of a data directory.
public struct ServerPaths: Sendable {
  /// The data folder.
  public let root: String
  /// The SQLite database.
  public var database: String { root + "/db/optigo.sqlite" }
  /// Stored captures.
  public var blobs: String { root + "/blobs" }
  /// Partial uploads.
  public var uploads: String { root + "/uploads" }
  /// Scrubbed captures before they move into the blob store.
  public var staging: String { root + "/staging" }
  /// Certificate and key.
  public var tls: String { root + "/tls" }

  /// The folders of `root`.
  public init(root: String) {
    self.root = root
  }
}

/// The embedded single-machine server: first-start setup (folders, database and migrations, organisation,
/// default admin, certificate), then HTTPS, the redirecting HTTP listener and the analysis worker under one
/// service group that stops gracefully on SIGTERM or SIGINT.
public struct OptigoServer: Sendable {
  /// The options.
  public let options: ServerOptions
  /// The folders.
  public let paths: ServerPaths
  /// The database.
  public let database: ServerDatabase
  /// The routes and their pieces.
  public let app: ServerApp
  /// The worker.
  public let worker: AnalysisWorker
  /// The job queue.
  public let queue: SQLiteJobQueue
  /// The served certificate.
  public let tls: ReloadableTLS
  /// The first-start organisation.
  public let defaultOrganisation: Int

  /// Prepares the data folder and every piece.
  public static func prepare(options: ServerOptions, log: @Sendable (String) -> Void = { _ in }) async throws -> OptigoServer {
    let paths = ServerPaths(root: options.dataDirectory)
    for folder in [paths.root, paths.root + "/db", paths.blobs, paths.uploads, paths.staging, paths.tls] {
      try SecureFile.makePrivateDirectory(folder)
    }
    let database = try await ServerDatabase.open(path: paths.database)
    let directory = Directory(database: database)
    let organisation = try await directory.organisation(named: options.organisationName)
    let activity = ActivityLog(database: database)
    let accountStore = SQLiteAccountStore(database: database, defaultOrganisation: organisation)
    let accounts = AccountService(store: accountStore, audit: activity, hasher: PasswordHasher(cost: options.bcryptCost))
    if try await accounts.createDefaultAdminIfNeeded() {
      log("Created the account '\(AccountService.defaultAdminName)' in organisation '\(options.organisationName)' with the default password; it must be changed at the first login.")
    }
    let certificates = CertificateStore(directory: paths.tls)
    let tls = try certificates.loadForServing(log: log)
    let security = WebSecurity(
      accounts: accounts, sessions: SessionManager(store: SQLiteSessionStore(database: database)), audit: activity,
      scheme: "https")
    let blobs = try FileBlobStore(root: paths.blobs)
    let ingest = CaptureIngest(
      database: database, blobs: blobs, staging: paths.staging, maximumStoredBytes: options.limits.maximumStoredBytes,
      maximumAttempts: options.maximumAttempts)
    let uploads = UploadService(database: database, folder: paths.uploads, limits: options.limits, ingest: ingest,
                                activity: activity)
    let doorbell = Doorbell()
    let start = ContinuousClock.now
    let limiter = RateLimiter(rate: options.limits.requestsPerSecond, burst: options.limits.burst) {
      let elapsed = ContinuousClock.now - start
      return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    let app = ServerApp(
      security: security, activity: activity, accountStore: accountStore, directory: directory,
      catalog: CaptureCatalog(database: database), uploads: uploads, blobs: blobs, rateLimiter: limiter, wake: doorbell,
      bcryptCost: options.bcryptCost)
    let queue = SQLiteJobQueue(database: database)
    let worker = AnalysisWorker(
      queue: queue, database: database, blobs: blobs, uploads: uploads, executable: options.analyzerExecutable,
      limits: options.analysisLimits, lease: .seconds(options.leaseSeconds), idlePoll: .seconds(options.idlePollSeconds),
      retryAfter: .seconds(options.retrySeconds), doorbell: doorbell)
    return OptigoServer(
      options: options, paths: paths, database: database, app: app, worker: worker, queue: queue, tls: tls,
      defaultOrganisation: organisation)
  }

  /// The listeners and the worker as services; `onRunning` receives each listener's role ("https", "http") and
  /// bound port.
  public func services(
    logger: Logger, withWorker: Bool = true, onRunning: @escaping @Sendable (String, Int) -> Void = { _, _ in }
  ) throws -> [any Service] {
    let port = options.port
    let https = Application(
      router: app.buildRouter(),
      server: try .tls(.http1(), tlsConfiguration: tls.serverConfiguration()),
      configuration: .init(address: .hostname(options.host, port: port), serverName: nil),
      onServerRunning: { channel in onRunning("https", channel.localAddress?.port ?? port) },
      logger: logger)
    var services: [any Service] = [https]
    if let redirectPort = options.redirectPort {
      let http = Application(
        responder: RedirectResponder(httpsPort: port),
        configuration: .init(address: .hostname(options.host, port: redirectPort), serverName: nil),
        onServerRunning: { channel in onRunning("http", channel.localAddress?.port ?? redirectPort) },
        logger: logger)
      services.append(http)
    }
    if withWorker { services.append(worker) }
    return services
  }

  /// Serves until SIGTERM or SIGINT, then stops gracefully and closes the database.
  public func run(logger: Logger) async throws {
    let group = ServiceGroup(configuration: .init(
      services: try services(logger: logger), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    do {
      try await group.run()
    } catch {
      try? await database.close()
      throw error
    }
    try await database.close()
  }
}
