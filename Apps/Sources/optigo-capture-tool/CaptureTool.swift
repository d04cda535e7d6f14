import ArgumentParser
import CaptureToolCore
import Foundation
import Logging
import OptigoWebSecurity

/// `optigo-capture-tool`: the Capture Tool service.
@main
struct CaptureTool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optigo-capture-tool",
    abstract: "The optigo Capture Tool service: a web console over HTTPS for BACnet captures.",
    subcommands: [Serve.self, Unlock.self, MeasureBcrypt.self])
}

/// `serve`: runs the service.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve the console over HTTPS (port 4000; appliance mode: 443, with port 80 only redirecting).",
    discussion: """
      First start: creates DIR/data/pcap (the spool), the account 'admin' with the password 'admin' (every login \
      with it lands on the change-password page until it is changed), and a self-signed P-256 certificate in \
      DIR/tls (mode 0600). Stops gracefully on SIGTERM or SIGINT. Exit status 1 when the service cannot start.
      """)

  @Option(name: .customLong("data"), help: "The data folder (spool in DIR/data/pcap).")
  var data: String

  @Option(help: "HTTPS port (default 4000, or 443 with --appliance).")
  var port: Int?

  @Option(help: "Address to listen on.")
  var host = "0.0.0.0"

  @Flag(help: "Appliance mode: HTTPS on 443 and a plain-HTTP listener on 80 that only redirects.")
  var appliance = false

  func validate() throws {
    if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1 to 65535.") }
  }

  func run() async throws {
    let logger = {
      var logger = Logger(label: "optigo-capture-tool")
      logger.logLevel = .info
      return logger
    }()
    let options = ServeOptions(
      dataDirectory: data, host: host, port: port ?? (appliance ? 443 : 4000), redirectPort: appliance ? 80 : nil)
    let server: CaptureToolServer
    do {
      server = try await CaptureToolServer.prepare(options: options, log: { logger.info("\($0)") })
    } catch {
      FileHandle.standardError.write(Data("optigo-capture-tool: cannot start: \(error)\n".utf8))
      throw ExitCode(1)
    }
    try await server.run(logger: logger)
  }
}

/// `unlock`: lifts a login lock from the host (the admin unlock when no admin can log in).
struct Unlock: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Unlock an account locked after failed logins (recorded in the audit log).")

  @Option(name: .customLong("data"), help: "The data folder.")
  var data: String

  @Argument(help: "The account to unlock.")
  var username: String

  func run() async throws {
    let paths = CaptureToolPaths(root: data)
    let service = AccountService(
      store: FileAccountStore(path: paths.accounts), audit: FileAuditLog(path: paths.auditLog))
    do {
      try await service.unlock(username, by: "local:\(ProcessInfo.processInfo.userName)", address: nil)
    } catch {
      FileHandle.standardError.write(Data("optigo-capture-tool: \(error)\n".utf8))
      throw ExitCode(1)
    }
    print("Unlocked \(username).")
  }
}

/// `measure-bcrypt`: how long one bcrypt hash takes on this CPU at each cost, to choose the cost for a machine.
struct MeasureBcrypt: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "measure-bcrypt",
    abstract: "Time bcrypt hashing at costs 8 to 13 on this CPU (the service uses cost \(PasswordHasher.defaultCost)).")

  @Option(help: "Hashes timed per cost (the median is printed).")
  var repeats = 5

  func run() async throws {
    let clock = ContinuousClock()
    for cost in UInt8(8)...13 {
      let hasher = PasswordHasher(cost: cost)
      var times: [Double] = []
      for _ in 0..<max(1, repeats) {
        let elapsed = try await clock.measure { _ = try await hasher.hash("Measure-Password-1") }
        times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
      }
      times.sort()
      print("cost \(cost): \(String(format: "%.0f", times[times.count / 2])) ms")
    }
  }
}
