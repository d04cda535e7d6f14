import CaptureToolCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptigoWebSecurity
import OptigoWebTLS
import NIOSSL
import Testing

/// The console's security rules through the real router, in process.
@Suite struct RouterFlowTests {
  static let strong = "New-Secret-42"

  @Test func anonymousRequestsGoToLogin() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let browser = Browser(client)
      #expect(try await browser.get("/console").location == "/login")
      #expect(try await browser.get("/files/x.pcap").location == "/login")
      #expect(try await browser.get("/api/status").status == .unauthorized)
      let login = try await browser.get("/login")
      #expect(login.status == .ok)
      #expect(login.text.contains("name=\"csrf\""))
    }
  }

  @Test func cookiesCarryTheFlags() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let browser = Browser(client)
      try await browser.get("/login")
      let loginCookie = try #require(browser.lastSetCookies.first { $0.hasPrefix(WebSecurity.loginCookieName + "=") })
      let response = try await browser.post("/login", [("username", "admin"), ("password", "admin")])
      #expect(response.status == .seeOther)
      let session = try #require(browser.lastSetCookies.first { $0.hasPrefix(WebSecurity.sessionCookieName + "=") })
      for cookie in [loginCookie, session] {
        let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        #expect(attributes.contains("secure"), "\(cookie)")
        #expect(attributes.contains("httponly"), "\(cookie)")
        #expect(attributes.contains("samesite=strict"), "\(cookie)")
        #expect(attributes.contains("path=/"), "\(cookie)")
        #expect(!attributes.contains { $0.hasPrefix("domain=") }, "\(cookie)")
      }
      // The session cookie has no lifetime of its own: the server's timeouts end it.
      #expect(!session.lowercased().contains("max-age") && !session.lowercased().contains("expires"))
    }
  }

  @Test func defaultPasswordForcesChangeOnEveryLoginUntilChanged() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let browser = Browser(client)
      for _ in 0..<2 {
        #expect(try await browser.logIn("admin", "admin").location == "/change-password")
        #expect(try await browser.get("/console").location == "/change-password")
        #expect(try await browser.get("/").location == "/change-password")
        #expect(try await browser.get("/api/status").status == .forbidden)
        let page = try await browser.get("/change-password")
        #expect(page.text.contains("default password"))
        #expect(page.text.contains(PasswordRule.summary))
        #expect(try await browser.post("/logout", []).location == "/login")
        #expect(try await browser.get("/console").location == "/login")
      }
      try await browser.logIn("admin", "admin")
      try await browser.get("/change-password")
      // A weak password is refused with the rule shown.
      let weak = try await browser.post("/change-password", [("current", "admin"), ("new", "weakpassword"), ("confirm", "weakpassword")])
      #expect(weak.status == .badRequest)
      #expect(weak.text.contains("an upper-case letter"))
      #expect(weak.text.contains(HTMLText.escape(PasswordRule.summary)))
      let differ = try await browser.post("/change-password", [("current", "admin"), ("new", Self.strong), ("confirm", "Other-1234")])
      #expect(differ.status == .badRequest)
      let changed = try await browser.post("/change-password", [("current", "admin"), ("new", Self.strong), ("confirm", Self.strong)])
      #expect(changed.status == .seeOther)
      #expect(changed.location?.hasPrefix("/console") == true)
      let console = try await browser.get("/console")
      #expect(console.status == .ok)
      #expect(console.text.contains("Capture files"))
      try await browser.post("/logout", [])
      #expect(try await browser.logIn("admin", "admin").status == .unauthorized)
      #expect(try await browser.logIn("admin", Self.strong).location == "/console")
    }
    #expect(try await fixture.auditKinds().contains(.passwordChanged))
  }

  @Test func sixthLoginRefusedWhileLocked() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let browser = Browser(client)
      for _ in 1...5 {
        let refused = try await browser.logIn("admin", "wrong")
        #expect(refused.status == .unauthorized)
        #expect(refused.text.contains("Wrong user name or password"))
      }
      let locked = try await browser.logIn("admin", "admin")
      #expect(locked.status == .tooManyRequests)
      #expect(locked.text.contains("locked"))
      #expect(browser.cookies[WebSecurity.sessionCookieName] == nil)
    }
    let kinds = try await fixture.auditKinds()
    #expect(kinds.filter { $0 == .loginFailed }.count == 5)
    #expect(kinds.contains(.accountLocked))
    #expect(kinds.contains(.loginRefusedLocked))
  }

  /// Logs in and replaces the default password, leaving the browser on a console page.
  static func admin(_ client: any TestClientProtocol) async throws -> Browser {
    let browser = Browser(client)
    try await browser.logIn("admin", "admin")
    try await browser.get("/change-password")
    try await browser.post("/change-password", [("current", "admin"), ("new", strong), ("confirm", strong)])
    try await browser.get("/console")
    return browser
  }

  @Test func crossSitePostsAreRefused() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    let capture = fixture.paths.spool + "/keep.pcap"
    _ = FileManager.default.createFile(atPath: capture, contents: Data(twoPacketCapture()))
    try await fixture.application().test(.router) { client in
      let browser = try await Self.admin(client)
      let form = [("name", "keep.pcap")]
      // Another site's page posting with the user's cookies (a browser ignoring SameSite).
      #expect(try await browser.post("/files/delete", form, origin: "https://evil.example").status == .forbidden)
      // Right origin, but the token is missing or wrong.
      #expect(try await browser.post("/files/delete", form, csrf: .some(nil)).status == .forbidden)
      #expect(try await browser.post("/files/delete", form, csrf: "x").status == .forbidden)
      // No Origin and no Referer.
      #expect(try await browser.post("/files/delete", form, origin: .some(nil)).status == .forbidden)
      // The fetch metadata says cross-site.
      #expect(try await browser.post("/files/delete", form, extraHeaders: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]).status == .forbidden)
      // A plain-HTTP origin is not this HTTPS service.
      #expect(try await browser.post("/files/delete", form, origin: "http://localhost").status == .forbidden)
      #expect(FileManager.default.fileExists(atPath: capture))
      // A login form posted from elsewhere (no login cookie) is refused too.
      let stranger = Browser(client)
      #expect(try await stranger.post("/login", [("username", "admin"), ("password", Self.strong)], csrf: "forged").status == .forbidden)
      // The same request from the console itself works.
      #expect(try await browser.post("/files/delete", form).status == .seeOther)
      #expect(!FileManager.default.fileExists(atPath: capture))
    }
    let kinds = try await fixture.auditKinds()
    #expect(kinds.filter { $0 == .requestRefused }.count >= 7)
    #expect(kinds.contains(.fileDeleted))
  }

  @Test func filesAreListedDownloadedAndDeletedWithAudit() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    let bytes = twoPacketCapture()
    _ = FileManager.default.createFile(atPath: fixture.paths.spool + "/site-a.pcap", contents: Data(bytes))
    _ = FileManager.default.createFile(atPath: fixture.paths.spool + "/.hidden.pcap", contents: Data(bytes))
    _ = FileManager.default.createFile(atPath: fixture.paths.spool + "/notes.txt", contents: Data("x".utf8))
    try FileManager.default.createSymbolicLink(atPath: fixture.paths.spool + "/link.pcap", withDestinationPath: "/etc/passwd")
    try await fixture.application().test(.router) { client in
      let browser = try await Self.admin(client)
      let console = try await browser.get("/console")
      #expect(console.text.contains("site-a.pcap"))
      #expect(console.text.contains("<td>2</td>"))  // packets
      #expect(console.text.contains("2027-01-15T08:00:00Z"))
      #expect(console.text.contains("2027-01-15T08:00:01Z"))
      #expect(!console.text.contains(".hidden.pcap"))
      #expect(!console.text.contains("notes.txt"))
      #expect(!console.text.contains("link.pcap"))
      let download = try await browser.get("/files/site-a.pcap")
      #expect(download.status == .ok)
      #expect(Array(buffer: download.body) == bytes)
      #expect(download.headers[.contentDisposition] == "attachment; filename=\"site-a.pcap\"")
      #expect(try await browser.get("/files/link.pcap").status == .notFound)
      #expect(try await browser.get("/files/..%2Fconfig%2Fcapture.json").status == .notFound)
      #expect(try await browser.get("/files/.hidden.pcap").status == .notFound)
      #expect(try await browser.post("/files/delete", [("name", "../state/accounts.json")]).status == .notFound)
      #expect(try await browser.post("/files/delete", [("name", "site-a.pcap")]).location?.hasPrefix("/console") == true)
      #expect(!FileManager.default.fileExists(atPath: fixture.paths.spool + "/site-a.pcap"))
      #expect(FileManager.default.fileExists(atPath: fixture.paths.accounts))
    }
    let events = try await fixture.server.app.security.audit.recent(limit: 1000)
    #expect(events.contains { $0.kind == .fileDownloaded && $0.detail == "site-a.pcap" && $0.user == "admin" })
    #expect(events.contains { $0.kind == .fileDeleted && $0.detail == "site-a.pcap" && $0.user == "admin" })
  }

  @Test func configurationIsValidatedStoredAndAudited() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    @Sendable func form(ip: String = "60", interface: String = "eth0", ports: String = "47900, 1234",
              serial: String = "/dev/ttyUSB0 38400\n/dev/ttyUSB1 auto") -> [(String, String)] {
      [("interface", interface), ("userPorts", ports), ("serialPorts", serial), ("ipDurationMinutes", ip),
       ("mstpDurationMinutes", "15"), ("rotateMegabytes", "50"), ("rotateMinutes", "30"),
       ("spoolCapMegabytes", "2048"), ("minimumFreeMegabytes", "256")]
    }
    try await fixture.application().test(.router) { client in
      let browser = try await Self.admin(client)
      let refused = try await browser.post("/config", form(ip: "30", interface: "nope0", ports: "47808, 70000", serial: "/etc/passwd 1234"))
      #expect(refused.status == .badRequest)
      for message in ["at least 60 minutes", "nope0 does not exist", "always captured", "not between 1 and 65535",
                      "not a serial device path", "Baud rate 1234"] {
        #expect(refused.text.contains(message), "missing: \(message)")
      }
      #expect(!FileManager.default.fileExists(atPath: fixture.paths.configuration))
      #expect(try await browser.post("/config", form()).status == .seeOther)
      let console = try await browser.get("/console")
      #expect(console.text.contains("value=\"eth0\" checked"))
      let status = try await browser.get("/api/status")
      #expect(status.status == .ok)
      let json = try JSONSerialization.jsonObject(with: Data(status.text.utf8)) as? [String: Any]
      let ports = try #require(json?["capturedPorts"] as? [Int])
      #expect(ports == [1234] + Array(47808...47823) + [47900])
      #expect((json?["capture"] as? [String: Any])?["available"] as? Bool == false)
    }
    let stored = try JSONDecoder().decode(CaptureConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: fixture.paths.configuration)))
    #expect(stored.interfaces == ["eth0"])
    #expect(stored.userPorts == [47900, 1234])
    #expect(stored.serialPorts == [.init(device: "/dev/ttyUSB0", baud: 38400), .init(device: "/dev/ttyUSB1", baud: nil)])
    #expect(stored.rotateMegabytes == 50)
    let modeValue = (try FileManager.default.attributesOfItem(atPath: fixture.paths.configuration)[.posixPermissions] as? NSNumber)?.intValue
    #expect(modeValue == 0o600)
    let events = try await fixture.server.app.security.audit.recent(limit: 1000)
    #expect(events.contains { $0.kind == .configurationChanged && ($0.detail ?? "").contains("userPorts=47900,1234") })
  }

  @Test func captureStartReachesTheSeam() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let browser = try await Self.admin(client)
      let start = try await browser.post("/capture/start", [])
      #expect(start.status == .serviceUnavailable)
      #expect(start.text.contains("not available in this build"))
    }
  }

  @Test func securityHeaders() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try await fixture.application().test(.router) { client in
      let response = try await Browser(client).get("/login")
      #expect(response.headers[.strictTransportSecurity] == "max-age=31536000")
      #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
      #expect(response.headers[.cacheControl] == "no-store")
    }
  }
}

/// The pages' escaping, for comparing with page text.
enum HTMLText {
  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
      .replacingOccurrences(of: "'", with: "&#39;")
  }
}

@Suite struct CertificateRouteTests {
  @Test func consoleReplacesTheCertificateAfterValidation() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    let old = try #require(try fixture.server.app.certificates.load())
    let other = try SelfSignedCertificate.generate(hostName: "other.example", addresses: [])
    let replacement = try SelfSignedCertificate.generate(hostName: "new.example", addresses: ["192.0.2.1"])
    try await fixture.application().test(.router) { client in
      let browser = try await RouterFlowTests.admin(client)
      let mismatch = try await browser.post("/certificate", [("certificate", replacement.certificatePEM), ("key", other.privateKeyPEM)])
      #expect(mismatch.status == .badRequest)
      #expect(mismatch.text.contains("does not match"))
      #expect(try fixture.server.app.certificates.load() == old)
      let ok = try await browser.post("/certificate", [("certificate", replacement.certificatePEM), ("key", replacement.privateKeyPEM)])
      #expect(ok.status == .seeOther)
    }
    #expect(try fixture.server.app.certificates.load() == replacement)
    let served = try fixture.server.tls.currentChain.first?.toDERBytes()
    let expected = try NIOSSLCertificate.fromPEMBytes(Array(replacement.certificatePEM.utf8)).first?.toDERBytes()
    #expect(served == expected)
    #expect(try await fixture.auditKinds().contains(.certificateReplaced))
  }
}

@Suite struct SummaryRouteTests {
  /// The repository's BACnet/IP sample (Fixtures/bacnet-ip/sample.pcap).
  static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/bacnet-ip/sample.pcap").path

  @Test func consoleShowsTheAnalysisSummary() async throws {
    let fixture = try await ToolFixture()
    defer { fixture.remove() }
    try FileManager.default.copyItem(atPath: Self.sample, toPath: fixture.paths.spool + "/sample.pcap")
    try await fixture.application().test(.router) { client in
      let browser = try await RouterFlowTests.admin(client)
      let page = try await browser.get("/files/sample.pcap/summary")
      #expect(page.status == .ok)
      // The analysis library's report of the 25-packet sample, escaped into the page.
      #expect(page.text.contains("Packets:             25"))
      #expect(page.text.contains("discovery.who_is_storm"))
      #expect(page.text.contains("requests.errors"))
      #expect(!page.text.contains("<pre>\n</pre>"))
      #expect(try await browser.get("/files/nothing.pcap/summary").status == .notFound)
    }
  }
}
