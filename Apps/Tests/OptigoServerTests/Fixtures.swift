import Crypto
import Foundation
import Logging
import OptigoServerCore
import OptigoWebSecurity
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Captures built in the test: classic pcap, Ethernet, BACnet/IP Who-Is broadcasts.
enum Captures {
  static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

  static let whoIsFrame: [UInt8] = {
    let bvlc: [UInt8] = [0x81, 0x0B, 0x00, 0x0C, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08]
    let udp: [UInt8] = [0xBA, 0xC0, 0xBA, 0xC0, 0x00, UInt8(8 + bvlc.count), 0x00, 0x00] + bvlc
    let total = 20 + udp.count
    let ip: [UInt8] = [0x45, 0, 0, UInt8(total), 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 255]
    return [UInt8](repeating: 0xFF, count: 6) + [0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00] + ip + udp
  }()

  /// `packets` Who-Is broadcasts, 100 a second from `start`; `salt` changes the bytes (another capture).
  static func whoIs(packets: Int, start: UInt32 = 1_800_000_000, salt: UInt32 = 0) -> [UInt8] {
    var bytes = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(salt) + le32(0) + le32(65535) + le32(1)
    bytes.reserveCapacity(bytes.count + packets * (16 + whoIsFrame.count))
    for i in 0..<packets {
      bytes += le32(start + UInt32(i / 100)) + le32(UInt32(i % 100) * 10_000)
      bytes += le32(UInt32(whoIsFrame.count)) + le32(UInt32(whoIsFrame.count)) + whoIsFrame
    }
    return bytes
  }

  static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
  static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// A prepared server in a temporary folder (bcrypt at the minimum cost), the analysis child being the built
/// `optigo-server`.
struct ServerFixture {
  let folder: String
  let server: OptigoServer

  static var executable: String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("optigo-server").path
  }

  init(port: Int = 0, redirectPort: Int? = nil, limits: UploadLimits = UploadLimits(),
       analysis: AnalysisLimits = AnalysisLimits(memoryBytes: 2 << 30, cpuSeconds: 60, wallSeconds: 90),
       maximumAttempts: Int = 2) async throws {
    folder = NSTemporaryDirectory() + "optigo-server-\(UUID().uuidString)"
    server = try await OptigoServer.prepare(options: ServerOptions(
      dataDirectory: folder, host: "127.0.0.1", port: port, redirectPort: redirectPort, bcryptCost: 4,
      limits: limits, analysisLimits: analysis, maximumAttempts: maximumAttempts, analyzerExecutable: Self.executable,
      idlePollSeconds: 1, leaseSeconds: 30, retrySeconds: 1))
  }

  func remove() { try? FileManager.default.removeItem(atPath: folder) }

  /// A fixture for `body`, then the database closed (sqlite-nio requires it) and the folder removed.
  static func with(
    port: Int = 0, redirectPort: Int? = nil, limits: UploadLimits = UploadLimits(),
    analysis: AnalysisLimits = AnalysisLimits(memoryBytes: 2 << 30, cpuSeconds: 60, wallSeconds: 90),
    maximumAttempts: Int = 2, _ body: (ServerFixture) async throws -> Void
  ) async throws {
    let fixture = try await ServerFixture(
      port: port, redirectPort: redirectPort, limits: limits, analysis: analysis, maximumAttempts: maximumAttempts)
    defer { fixture.remove() }
    do {
      try await body(fixture)
    } catch {
      try? await fixture.server.database.close()
      throw error
    }
    try await fixture.server.database.close()
  }

  var directory: Directory { server.app.directory }

  /// A second organisation with an admin (password already changed) and a site; returns (org, site).
  func organisation(_ name: String, admin: String, password: String) async throws -> (Int, Site) {
    let org = try await directory.organisation(named: name)
    let hash = try await PasswordHasher(cost: 4).hash(password)
    var account = Account(username: admin, passwordHash: hash, role: .admin, mustChangePassword: false, passwordChangedAt: Date())
    account.mustChangePassword = false
    _ = try await server.app.accountStore.create(account, organisation: org)
    let site = try requireValue(try await directory.createSite(named: "\(name) plant", organisation: org), "site")
    return (org, site)
  }

  /// Waits until the capture's job is done or failed (at most `seconds`).
  func waitForAnalysis(_ capture: String, organisation: Int, seconds: Double = 90) async throws
    -> (state: JobState, attempts: Int, error: String?)
  {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
      if let state = try await server.queue.state(captureID: capture, organisation: organisation),
        state.state == .done || state.state == .failed
      {
        return state
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    throw FixtureError("analysis of \(capture) not finished in \(seconds) s")
  }

  /// Runs the server's services until `body` returns; `body` gets the bound ports by role.
  func run(withWorker: Bool = true, _ body: @Sendable ([String: Int]) async throws -> Void) async throws {
    var logger = Logger(label: "server-test")
    logger.logLevel = .warning
    let (stream, continuation) = AsyncStream.makeStream(of: (String, Int).self)
    let services = try server.services(logger: logger, withWorker: withWorker, onRunning: { continuation.yield(($0, $1)) })
    let listeners = server.options.redirectPort == nil ? 1 : 2
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await group.run() }
      var ports: [String: Int] = [:]
      for await (role, port) in stream {
        ports[role] = port
        if ports.count == listeners { break }
      }
      do {
        try await body(ports)
      } catch {
        await group.triggerGracefulShutdown()
        throw error
      }
      await group.triggerGracefulShutdown()
      try await tasks.waitForAll()
    }
  }
}

struct FixtureError: Error, CustomStringConvertible {
  let description: String
  init(_ text: String) { description = text }
}

func requireValue<T>(_ value: T?, _ what: String = "value") throws -> T {
  guard let value else { throw FixtureError("missing \(what)") }
  return value
}

/// A TCP port free on 127.0.0.1 right now (bound by NIO, read, released).
func freePort() throws -> Int {
  let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
  defer { try? channel.close().wait() }
  return channel.localAddress?.port ?? 0
}
