import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OptigoServerCore
import OptigoWebSecurity
import Testing

/// No organisation sees another's anything: every console page and every upload endpoint is tried with the
/// other organisation's ids (and guessed ones), and answers as if they did not exist.
@Suite(.serialized) struct OrganisationIsolationTests {
  /// Stores `bytes` as a capture of `site` through the real ingest, and analyses it.
  static func storeAndAnalyse(_ fixture: ServerFixture, _ bytes: [UInt8], site: Site, name: String) async throws -> String {
    let path = NSTemporaryDirectory() + "optigo-ingest-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let ingest = CaptureIngest(
      database: fixture.server.database, blobs: fixture.server.app.blobs, staging: fixture.server.paths.staging,
      maximumStoredBytes: 1 << 30, maximumAttempts: 2)
    let outcome = try await ingest.ingest(
      path: path, declaredSHA256: Captures.hex(Captures.sha256(bytes)), organisation: site.organisation, site: site.id,
      originalName: name)
    guard case .accepted(let id, false) = outcome else { throw FixtureError("not accepted: \(outcome)") }
    #expect(try await fixture.server.worker.runOne())
    return id
  }

  @Test func consoleRefusesEveryOtherOrganisationsId() async throws {
    try await ServerFixture.with { fixture in
      let (orgA, siteA) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let (orgB, siteB) = try await fixture.organisation("Bolt", admin: "admin@bolt.test", password: "Bolt-pass-1")
      let captureA = try await Self.storeAndAnalyse(fixture, Captures.whoIs(packets: 20), site: siteA, name: "a.pcap")
      let captureB = try await Self.storeAndAnalyse(fixture, Captures.whoIs(packets: 20, salt: 1), site: siteB, name: "bolt-secret.pcap")
      let (_, tokenB) = try await fixture.directory.issueToken(name: "bolt-tool", site: siteB, by: "admin@bolt.test")
      let (_, tokenA) = try await fixture.directory.issueToken(name: "acme-tool", site: siteA, by: "admin@acme.test")
      // B does something that lands in B's activity log.
      await fixture.server.app.activity.record(.tokenIssued, organisation: orgB, user: "admin@bolt.test", address: "192.0.2.9",
                                               detail: "bolt-only-entry")

      let app = Application(router: fixture.server.app.buildRouter())
      try await app.test(.router) { client in
        let browser = ConsoleBrowser(client)
        let login = try await browser.logIn("admin@acme.test", "Acme-pass-1")
        #expect(login.status == .seeOther && login.headers[.location] == "/sites")

        // Own resources work (so the refusals below are not a blanket failure).
        for path in ["/sites/\(siteA.id)", "/captures/\(captureA)", "/captures/\(captureA)/report.json",
                     "/captures/\(captureA)/download", "/admin/activity", "/admin/activity.csv"] {
          #expect(try await browser.get(path).status == .ok, "\(path)")
        }
        let download = try await browser.get("/captures/\(captureA)/download")
        #expect(Array(download.body.readableBytesView) == Captures.whoIs(packets: 20))
        #expect(download.headers[.contentDisposition] == "attachment; filename=\"capture-\(captureA).pcap\"")
        let sitesPage = try await browser.get("/sites").text
        #expect(sitesPage.contains("Acme plant") && !sitesPage.contains("Bolt"))

        // B's ids, and guessed ones, answer 404 like missing ones.
        let guessed = RandomIdentifier.make()
        for path in ["/sites/\(siteB.id)", "/sites/999999", "/captures/\(captureB)", "/captures/\(captureB)/report.json",
                     "/captures/\(captureB)/download", "/captures/\(guessed)", "/captures/\(guessed)/download",
                     "/captures/..%2F..%2Fetc%2Fpasswd/download", "/sites/..%2F1"] {
          let response = try await browser.get(path)
          #expect(response.status == .notFound, "\(path): \(response.status)")
          #expect(!response.text.contains("bolt-secret"), "\(path)")
        }
        #expect(try await browser.post("/admin/tokens/\(tokenB.id)/revoke", []).status == .notFound)
        #expect(try await fixture.directory.tokens(organisation: orgB).first?.revokedAt == nil)
        #expect(try await browser.post("/admin/tokens", [("name", "x"), ("site", "\(siteB.id)")]).status == .badRequest)
        #expect(try await browser.post("/admin/users/unlock", [("username", "admin@bolt.test")]).status == .notFound)
        #expect(try await browser.post("/admin/users", [("username", "admin@bolt.test"), ("password", "Other-pass-2"),
                                                        ("role", "admin")]).status == .conflict)
        #expect(try await fixture.server.app.accountStore.organisation(of: "admin@bolt.test") == orgB)

        // Lists and logs hold only A's.
        let tokens = try await browser.get("/admin/tokens").text
        #expect(tokens.contains("acme-tool") && !tokens.contains("bolt-tool"))
        let users = try await browser.get("/admin/users").text
        #expect(users.contains("admin@acme.test") && !users.contains("admin@bolt.test"))
        let activity = try await browser.get("/admin/activity").text
        #expect(activity.contains("login.success") && !activity.contains("bolt-only-entry") && !activity.contains("bolt"))
        let csv = try await browser.get("/admin/activity.csv").text
        #expect(csv.hasPrefix("time,kind,user,address,detail\r\n"))
        #expect(csv.contains("capture.downloaded") && csv.contains("report.viewed") && !csv.contains("bolt"))
        _ = tokenA
      }
      let own = try await fixture.server.app.activity.entries(organisation: orgA, limit: 1000)
      #expect(own.contains { $0.kind == "capture.downloaded" && $0.detail == "capture \(captureA)" })
      #expect(try await fixture.server.app.activity.entries(organisation: orgB, limit: 1000).allSatisfy { !$0.kind.hasPrefix("capture.") })
    }
  }

  @Test func membersCannotAdministerAndAnonymousRequestsGoToLogin() async throws {
    try await ServerFixture.with { fixture in
      let (org, _) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let hash = try await PasswordHasher(cost: 4).hash("Member-pass-1")
      _ = try await fixture.server.app.accountStore.create(
        Account(username: "m@acme.test", passwordHash: hash, role: .member, mustChangePassword: false, passwordChangedAt: Date()),
        organisation: org)
      let app = Application(router: fixture.server.app.buildRouter())
      try await app.test(.router) { client in
        let anonymous = ConsoleBrowser(client)
        for path in ["/sites", "/admin/activity", "/admin/activity.csv", "/captures/\(RandomIdentifier.make())/download"] {
          let response = try await anonymous.get(path)
          #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(path)")
        }
        let member = ConsoleBrowser(client)
        try await member.logIn("m@acme.test", "Member-pass-1")
        #expect(try await member.get("/sites").status == .ok)
        for path in ["/admin/activity", "/admin/activity.csv", "/admin/tokens", "/admin/users"] {
          #expect(try await member.get(path).status == .forbidden, "\(path)")
        }
        #expect(try await member.post("/sites", [("name", "new")]).status == .forbidden)
        // A post without the CSRF token is refused before anything happens.
        member.csrf = nil
        #expect(try await member.post("/logout", []).status == .forbidden)
      }
    }
  }

  @Test func uploadEndpointsRefuseOtherOrganisationsAndOtherTokensUploads() async throws {
    try await ServerFixture.with { fixture in
      let (_, siteA) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let (_, siteB) = try await fixture.organisation("Bolt", admin: "admin@bolt.test", password: "Bolt-pass-1")
      let (tokenA, _) = try await fixture.directory.issueToken(name: "a", site: siteA, by: "x")
      let (tokenA2, _) = try await fixture.directory.issueToken(name: "a2", site: siteA, by: "x")
      let (tokenB, recordB) = try await fixture.directory.issueToken(name: "b", site: siteB, by: "x")
      let bytes = Captures.whoIs(packets: 10)
      let app = Application(router: fixture.server.app.buildRouter())
      try await app.test(.router) { client in
        func call(_ method: HTTPRequest.Method, _ path: String, token: String?, _ extra: HTTPFields = [:],
                  body: [UInt8]? = nil) async throws -> TestResponse {
          var headers = extra
          headers[HTTPField.Name("Tus-Resumable")!] = "1.0.0"
          if let token { headers[.authorization] = "Bearer \(token)" }
          return try await client.executeRequest(uri: path, method: method, headers: headers,
                                                 body: body.map { ByteBuffer(bytes: $0) })
        }
        let metadata = "sha256 " + Data(Captures.sha256(bytes)).base64EncodedString()
        let created = try await call(.post, "/api/uploads", token: tokenB,
                                     [HTTPField.Name("Upload-Length")!: "\(bytes.count)", HTTPField.Name("Upload-Metadata")!: metadata])
        #expect(created.status == .created)
        let location = try #require(created.headers[.location])
        let patchHeaders: HTTPFields = [HTTPField.Name("Upload-Offset")!: "0", .contentType: "application/offset+octet-stream"]
        for token in [tokenA, tokenA2] {
          #expect(try await call(.head, location, token: token).status == .notFound)
          #expect(try await call(.patch, location, token: token, patchHeaders, body: bytes).status == .notFound)
        }
        // No token, a malformed one, a revoked one: 401.
        #expect(try await call(.head, location, token: nil).status == .unauthorized)
        #expect(try await call(.head, location, token: "odt_../../etc/passwd").status == .unauthorized)
        _ = try await fixture.directory.revokeToken(recordB.id, organisation: siteB.organisation)
        #expect(try await call(.head, location, token: tokenB).status == .unauthorized)
        // Without Tus-Resumable: 412.
        let noVersion = try await client.executeRequest(uri: "/api/uploads", method: .post,
                                                        headers: [.authorization: "Bearer \(tokenA)"], body: nil)
        #expect(noVersion.status == .preconditionFailed)
        // Ids that are not ids.
        for path in ["/api/uploads/..%2F..%2Fetc%2Fpasswd", "/api/uploads/\(RandomIdentifier.make())", "/api/uploads/ABC"] {
          #expect(try await call(.head, path, token: tokenA).status == .notFound, "\(path)")
        }
      }
      #expect(try await fixture.server.database.integer("SELECT upload_offset FROM uploads") == 0)
    }
  }

  @Test func badNamesAndOversizedValuesAreRefused() async throws {
    try await ServerFixture.with(limits: UploadLimits(maximumUploadBytes: 1 << 20)) { fixture in
      let (_, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let (token, _) = try await fixture.directory.issueToken(name: "a", site: site, by: "x")
      let sha = Data(Captures.sha256([1])).base64EncodedString()
      let app = Application(router: fixture.server.app.buildRouter())
      try await app.test(.router) { client in
        func create(length: String, metadata: String) async throws -> TestResponse {
          try await client.executeRequest(
            uri: "/api/uploads", method: .post,
            headers: [HTTPField.Name("Tus-Resumable")!: "1.0.0", .authorization: "Bearer \(token)",
                      HTTPField.Name("Upload-Length")!: length, HTTPField.Name("Upload-Metadata")!: metadata],
            body: nil)
        }
        func name(_ text: String) -> String { "sha256 \(sha),filename " + Data(text.utf8).base64EncodedString() }
        for bad in ["../../etc/passwd", "a/b.pcap", "a\\b.pcap", "..", ".", "x\u{0}y", "line\nbreak",
                    String(repeating: "n", count: 256)] {
          let response = try await create(length: "1", metadata: name(bad))
          #expect(response.status == .badRequest, "\(bad.debugDescription): \(response.status)")
        }
        #expect(try await create(length: "1", metadata: name(String(repeating: "é", count: 127))).status == .created)
        #expect(try await create(length: "1", metadata: name(String(repeating: "x", count: 4000))).status == .badRequest)
        #expect(try await create(length: "\((1 << 20) + 1)", metadata: "sha256 \(sha)").status == .contentTooLarge)
        #expect(try await create(length: "-1", metadata: "sha256 \(sha)").status == .badRequest)
        #expect(try await create(length: "99999999999999999999999", metadata: "sha256 \(sha)").status == .badRequest)
        #expect(try await create(length: "1", metadata: "filename eA==").status == .badRequest)  // no sha256
        #expect(try await create(length: "1", metadata: "sha256 !!!").status == .badRequest)
      }
      // The blob store refuses anything but a 32-hex-digit name.
      await #expect(throws: BlobError.badIdentifier) {
        try await fixture.server.app.blobs.readablePath(objectID: "../../../../etc/passwd")
      }
    }
  }
}
