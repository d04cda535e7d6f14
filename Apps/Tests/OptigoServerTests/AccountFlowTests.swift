import Foundation
import Hummingbird
import HummingbirdTesting
import OptigoServerCore
import OptigoWebSecurity
import SQLiteNIO
import Testing

/// The shared account, lockout and session logic over the server's SQLite stores, through the server's router.
@Suite(.serialized) struct AccountFlowTests {
  @Test func defaultAdminMustChangeThePasswordAndFiveFailuresLock() async throws {
    try await ServerFixture.with { fixture in
      let org = fixture.server.defaultOrganisation
      let app = Application(router: fixture.server.app.buildRouter())
      try await app.test(.router) { client in
        let browser = ConsoleBrowser(client)
        let first = try await browser.logIn("admin", "admin")
        #expect(first.headers[.location] == "/change-password")
        #expect(try await browser.get("/sites").headers[.location] == "/change-password")
        let weak = try await browser.post("/change-password", [("current", "admin"), ("new", "short"), ("confirm", "short")])
        #expect(weak.status == .badRequest && weak.text.contains("at least 8"))
        let changed = try await browser.post(
          "/change-password", [("current", "admin"), ("new", "Strong-pass-1"), ("confirm", "Strong-pass-1")])
        #expect(changed.headers[.location]?.hasPrefix("/sites") == true)
        #expect(try await browser.get("/sites").status == .ok)

        let intruder = ConsoleBrowser(client)
        for _ in 0..<5 { #expect(try await intruder.logIn("admin", "Wrong-pass-1").status == .unauthorized) }
        #expect(try await intruder.logIn("admin", "Strong-pass-1").status == .tooManyRequests)
      }
      let kinds = try await fixture.server.app.activity.entries(organisation: org, limit: 100).map(\.kind)
      #expect(kinds.filter { $0 == "login.failure" }.count == 5)
      #expect(kinds.contains("account.locked") && kinds.contains("login.locked") && kinds.contains("password.changed"))
      // The lock is in the database: an admin unlock through the store works.
      try await fixture.server.app.security.accounts.unlock("admin", by: "host", address: nil)
      #expect(try await fixture.server.app.accountStore.account(named: "admin")?.lockedUntil == nil)
    }
  }

  @Test func sessionsLiveInTheDatabaseAndSurviveARestart() async throws {
    try await ServerFixture.with { fixture in
      let account = try #require(try await fixture.server.app.accountStore.account(named: "admin"))
      let (token, session) = try await fixture.server.app.security.sessions.start(for: account, address: "192.0.2.7")
      // Only the token's hash is stored.
      #expect(try await fixture.server.database.integer("SELECT count(*) FROM sessions WHERE id = ?", [.text(token)]) == 0)
      #expect(try await fixture.server.database.integer("SELECT count(*) FROM sessions WHERE id = ?", [.text(session.id)]) == 1)
      // A second manager over the same database (a restarted server) resumes it.
      let restarted = SessionManager(store: SQLiteSessionStore(database: fixture.server.database))
      let resumed = try #require(try await restarted.resume(token: token))
      #expect(resumed.username == "admin" && resumed.address == "192.0.2.7")
      try await restarted.endAll(username: "admin")
      #expect(try await fixture.server.app.security.sessions.resume(token: token) == nil)
    }
  }
}
