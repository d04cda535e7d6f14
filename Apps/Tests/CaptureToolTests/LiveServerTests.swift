import CaptureToolCore
import Foundation
import Logging
import OptigoWebSecurity
import OptigoWebTLS
import ServiceLifecycle
import Testing

/// The real service over TLS on loopback, checked with openssl and curl (skipped, with a message, where the
/// tool is not installed; CI installs both).
@Suite(.serialized) struct LiveServerTests {
  /// Runs the prepared service until `body` returns; `body` gets the bound ports by role ("https", "http").
  static func withServer(
    appliance: Bool = false, _ body: @Sendable (ToolFixture, [String: Int]) async throws -> Void
  ) async throws {
    let httpsPort = appliance ? ExternalTool.freePort() : 0
    let fixture = try await ToolFixture(port: httpsPort, redirectPort: appliance ? 0 : nil)
    defer { fixture.remove() }
    var logger = Logger(label: "live-test")
    logger.logLevel = .warning
    let (stream, continuation) = AsyncStream.makeStream(of: (String, Int).self)
    let services = try fixture.server.services(logger: logger, onRunning: { continuation.yield(($0, $1)) })
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await group.run() }
      var ports: [String: Int] = [:]
      for await (role, port) in stream {
        ports[role] = port
        if ports.count == services.count { break }
      }
      do {
        try await body(fixture, ports)
      } catch {
        await group.triggerGracefulShutdown()
        throw error
      }
      await group.triggerGracefulShutdown()
      try await tasks.waitForAll()
    }
  }

  static func sClient(_ openssl: String, port: Int, _ extra: [String]) async throws -> ExternalTool.Result {
    try await ExternalTool.run(openssl, ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"] + extra)
  }

  @Test func tlsVersionsBelow12AreRefusedByTheServer() async throws {
    guard let openssl = ExternalTool.find("openssl") else {
      print("SKIP tlsVersionsBelow12AreRefusedByTheServer: openssl not installed (apt-get install openssl)")
      return
    }
    try await Self.withServer { _, ports in
      let port = try #require(ports["https"])
      for (flag, name) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        let result = try await Self.sClient(openssl, port: port, [flag])
        #expect(result.status == 0, "\(name): \(result.output)")
        #expect(result.output.contains("New, \(name), Cipher is"), "\(name): \(result.output)")
      }
      // SECLEVEL=0 lets Debian's openssl offer the old versions at all; the refusal must then come from the
      // server, as a protocol_version alert.
      for flag in ["-tls1", "-tls1_1"] {
        let result = try await Self.sClient(openssl, port: port, [flag, "-cipher", "DEFAULT@SECLEVEL=0"])
        #expect(result.status != 0, "\(flag) accepted: \(result.output)")
        #expect(result.output.contains("alert protocol version"), "\(flag): \(result.output)")
        #expect(!result.output.contains("no protocols available"), "\(flag) not offered by the client: \(result.output)")
      }
      // Only forward-secret AEAD suites in TLS 1.2.
      let cbc = try await Self.sClient(openssl, port: port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-GCM-SHA256"])
      #expect(cbc.status != 0, "weak suite accepted: \(cbc.output)")
    }
  }

  @Test func certificateReplacementTakesEffectWithoutRestart() async throws {
    guard let openssl = ExternalTool.find("openssl") else {
      print("SKIP certificateReplacementTakesEffectWithoutRestart: openssl not installed (apt-get install openssl)")
      return
    }
    try await Self.withServer { fixture, ports in
      let port = try #require(ports["https"])
      let before = try await Self.sClient(openssl, port: port, ["-tls1_3"])
      #expect(before.output.contains("optigo-pcap self-signed"))
      #expect(!before.output.contains("replaced.example"))
      let pair = try SelfSignedCertificate.generate(hostName: "replaced.example", addresses: ["127.0.0.1"])
      try CertificateValidator.validate(pair)
      try fixture.server.tls.replace(with: pair)
      let after = try await Self.sClient(openssl, port: port, ["-tls1_2"])
      #expect(after.status == 0, "\(after.output)")
      #expect(after.output.contains("CN = replaced.example"), "\(after.output)")
    }
  }

  @Test func loginOverTLSWithCurl() async throws {
    guard let curl = ExternalTool.find("curl") else {
      print("SKIP loginOverTLSWithCurl: curl not installed (apt-get install curl)")
      return
    }
    try await Self.withServer { fixture, ports in
      let port = try #require(ports["https"])
      let base = "https://localhost:\(port)"
      let jar = fixture.folder + "/jar.txt"
      let common = ["-sk", "--resolve", "localhost:\(port):127.0.0.1", "-b", jar, "-c", jar, "-D", "-"]
      let page = try await ExternalTool.run(curl, common + ["\(base)/login"])
      #expect(page.output.lowercased().contains("strict-transport-security: max-age=31536000"), "\(page.output)")
      let token = try #require(page.output.range(of: "name=\"csrf\" value=\"").map {
        String(page.output[$0.upperBound...].prefix { $0 != "\"" })
      })
      let form = ["--data-urlencode", "username=admin", "--data-urlencode", "password=admin", "--data-urlencode", "csrf=\(token)"]
      let forged = try await ExternalTool.run(curl, common + ["-H", "Origin: https://evil.example"] + form + ["\(base)/login"])
      #expect(forged.output.hasPrefix("HTTP/1.1 403"), "\(forged.output)")
      let login = try await ExternalTool.run(curl, common + ["-H", "Origin: \(base)"] + form + ["\(base)/login"])
      #expect(login.output.hasPrefix("HTTP/1.1 303"), "\(login.output)")
      #expect(login.output.lowercased().contains("location: /change-password"), "\(login.output)")
      let cookie = try #require(login.output.split(separator: "\r\n").first {
        $0.lowercased().hasPrefix("set-cookie: \(WebSecurity.sessionCookieName.lowercased())=")
      })
      #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
      let console = try await ExternalTool.run(curl, common + ["\(base)/console"])
      #expect(console.output.lowercased().contains("location: /change-password"), "\(console.output)")
    }
  }

  @Test func applianceHTTPListenerOnlyRedirects() async throws {
    guard let curl = ExternalTool.find("curl") else {
      print("SKIP applianceHTTPListenerOnlyRedirects: curl not installed (apt-get install curl)")
      return
    }
    try await Self.withServer(appliance: true) { _, ports in
      let http = try #require(ports["http"])
      let https = try #require(ports["https"])
      for (method, path) in [("GET", "/console"), ("GET", "/login"), ("POST", "/login"), ("GET", "/api/status")] {
        let result = try await ExternalTool.run(curl, ["-s", "-X", method, "-D", "-", "http://127.0.0.1:\(http)\(path)"])
        #expect(result.output.hasPrefix("HTTP/1.1 308"), "\(method) \(path): \(result.output)")
        #expect(result.output.lowercased().contains("location: https://127.0.0.1:\(https)\(path)\r\n"), "\(result.output)")
        #expect(!result.output.contains("<html"), "\(result.output)")
        #expect(!result.output.lowercased().contains("set-cookie"), "\(result.output)")
      }
      let bad = try await ExternalTool.run(curl, ["-s", "-D", "-", "-H", "Host: evil\"x", "http://127.0.0.1:\(http)/"])
      #expect(bad.output.hasPrefix("HTTP/1.1 400"), "\(bad.output)")
    }
  }

  /// The console in headless Chromium (Tests/Browser/console_browser_check.py): forced password change on
  /// every login, weak password refused with the rule, cookie flags, cross-site post refused, lockout.
  @Test func consoleInHeadlessChromium() async throws {
    guard let python = ExternalTool.find("python3") else {
      print("SKIP consoleInHeadlessChromium: python3 not installed")
      return
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Browser/console_browser_check.py").path
    try await Self.withServer { _, ports in
      let port = try #require(ports["https"])
      let result = try await ExternalTool.run(python, [script, String(port)], timeout: 240)
      if result.status == 77 {
        print("SKIP consoleInHeadlessChromium: \(result.output)")
        return
      }
      #expect(result.status == 0, "\(result.output)")
      #expect(result.output.contains("browser checks: 0 failed"), "\(result.output)")
    }
  }
}
