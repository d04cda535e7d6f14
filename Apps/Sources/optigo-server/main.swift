import ArgumentParser
import Foundation
import Logging
import OptigoServerCore
import OptigoWebSecurity

#if canImport(Glibc)
  import Glibc
#endif

@main
struct OptigoServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optigo-server",
    abstract: "The optigo upload and analysis server (embedded single-machine mode).",
    subcommands: [Serve.self, Analyze.self, AddOrganisation.self, Unlock.self])
}

/// `optigo-server serve --data DIR`.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve HTTPS (self-signed certificate on first start) with the upload API, the console and the analysis worker.")

  @Option(help: "Data folder (created mode 0700): database, stored captures, certificate.")
  var data: String
  @Option(help: "Address to listen on.")
  var host = "0.0.0.0"
  @Option(help: "HTTPS port.")
  var port = 443
  @Option(name: .customLong("http-port"), help: "Plain-HTTP port that only redirects to HTTPS (0: none).")
  var httpPort = 80
  @Option(help: "Name of the organisation created at first start.")
  var organisation = "default"
  @Option(name: .customLong("analysis-memory"), help: "Address-space limit of an analysis child, MiB.")
  var analysisMemory = 2048
  @Option(name: .customLong("analysis-seconds"), help: "CPU-time limit of an analysis child, seconds.")
  var analysisSeconds = 600

  func run() async throws {
    var logger = Logger(label: "optigo-server")
    logger.logLevel = .info
    let options = ServerOptions(
      dataDirectory: data, host: host, port: port, redirectPort: httpPort == 0 ? nil : httpPort,
      organisationName: organisation,
      analysisLimits: AnalysisLimits(memoryBytes: analysisMemory << 20, cpuSeconds: analysisSeconds,
                                     wallSeconds: Double(analysisSeconds) * 1.5 + 10))
    let noticeLogger = logger
    let server = try await OptigoServer.prepare(options: options) { noticeLogger.notice("\($0)") }
    logger.notice("Serving https://\(host):\(port)/")
    try await server.run(logger: logger)
  }
}

/// `optigo-server analyze FILE`: the child process of the worker.
struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the BACnet analysis of one capture as JSON (run by the server in a limited child process).")

  @Option(name: .customLong("memory-limit"), help: "Address-space limit in bytes, applied before reading.")
  var memoryLimit: Int?
  @Option(name: .customLong("cpu-seconds"), help: "CPU-time limit in seconds, applied before reading.")
  var cpuSeconds: Int?
  @Argument(help: "The capture file.")
  var file: String

  func run() throws {
    if memoryLimit != nil || cpuSeconds != nil {
      guard AnalysisLimits.applyToSelf(memoryBytes: memoryLimit ?? Int(Int32.max), cpuSeconds: cpuSeconds ?? 86_400) else {
        FileHandle.standardError.write(Data("optigo-server analyze: cannot set the resource limits\n".utf8))
        throw ExitCode(1)
      }
    }
    do {
      let json = try CaptureAnalysis.reportJSON(path: file)
      FileHandle.standardOutput.write(Data((json + "\n").utf8))
    } catch {
      FileHandle.standardError.write(Data("optigo-server analyze: \(error)\n".utf8))
      throw ExitCode(65)
    }
  }
}

/// `optigo-server add-organisation --data DIR NAME ADMIN`.
struct AddOrganisation: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add-organisation",
    abstract: "Create an organisation with its first admin; prints the admin's initial password (changed at first login).")

  @Option(help: "Data folder.")
  var data: String
  @Argument(help: "Organisation name.")
  var name: String
  @Argument(help: "User name of its first admin.")
  var admin: String

  func run() async throws {
    let database = try await ServerDatabase.open(path: ServerPaths(root: data).database)
    let directory = Directory(database: database)
    let organisation = try await directory.organisation(named: name)
    let store = SQLiteAccountStore(database: database, defaultOrganisation: organisation)
    let password = "Init-" + RandomToken.make().prefix(16)
    let account = Account(
      username: admin, passwordHash: try await PasswordHasher().hash(password), role: .admin, mustChangePassword: true,
      passwordChangedAt: Date())
    guard try await store.create(account, organisation: organisation) else {
      FileHandle.standardError.write(Data("optigo-server: the user name \(admin) is taken\n".utf8))
      throw ExitCode(1)
    }
    await ActivityLog(database: database).record(
      .userCreated, organisation: organisation, user: "host", address: nil, detail: "\(admin) (admin)")
    print("Organisation \(name): admin \(admin), initial password \(password)")
    try await database.close()
  }
}

/// `optigo-server unlock --data DIR NAME`.
struct Unlock: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Lift a login lock from the host.")

  @Option(help: "Data folder.")
  var data: String
  @Argument(help: "User name.")
  var username: String

  func run() async throws {
    let database = try await ServerDatabase.open(path: ServerPaths(root: data).database)
    let store = SQLiteAccountStore(database: database, defaultOrganisation: 0)
    let service = AccountService(store: store, audit: ActivityLog(database: database))
    do {
      try await service.unlock(username, by: "host", address: nil)
    } catch {
      FileHandle.standardError.write(Data("optigo-server: no account \(username)\n".utf8))
      throw ExitCode(1)
    }
    print("Unlocked \(username).")
    try await database.close()
  }
}
