import Foundation
import OptigoWebSecurity
import Testing

@Suite struct SessionTests {
  let account = Account(username: "u", passwordHash: "", role: .admin, mustChangePassword: false,
                        passwordChangedAt: Date())

  @Test func idleTimeoutEndsSession() async throws {
    let clock = TestClock()
    let manager = SessionManager(policy: SessionPolicy(idleTimeout: .seconds(600), absoluteTimeout: .seconds(3600)),
                                 now: clock.function)
    let (token, session) = try await manager.start(for: account, address: nil)
    #expect(RandomToken.isWellFormed(token))
    #expect(session.id != token)  // the store keeps the hash only
    #expect(try await manager.store.session(id: token) == nil)
    clock.advance(seconds: 599)
    #expect(try await manager.resume(token: token) != nil)
    clock.advance(seconds: 599)  // used 599 s ago: still alive
    #expect(try await manager.resume(token: token) != nil)
    clock.advance(seconds: 601)
    #expect(try await manager.resume(token: token) == nil)
    #expect(try await manager.store.session(id: session.id) == nil)
  }

  @Test func absoluteTimeoutEndsActiveSession() async throws {
    let clock = TestClock()
    let manager = SessionManager(policy: SessionPolicy(idleTimeout: .seconds(600), absoluteTimeout: .seconds(3600)),
                                 now: clock.function)
    let (token, _) = try await manager.start(for: account, address: nil)
    for _ in 0..<7 {
      clock.advance(seconds: 500)
      #expect(try await manager.resume(token: token) != nil)
    }
    clock.advance(seconds: 101)  // used 101 s ago, but 3601 s old
    #expect(try await manager.resume(token: token) == nil)
  }

  @Test func endAllForgetsEveryUserSession() async throws {
    let manager = SessionManager()
    let (a, _) = try await manager.start(for: account, address: nil)
    let (b, _) = try await manager.start(for: account, address: nil)
    try await manager.endAll(username: "u")
    #expect(try await manager.resume(token: a) == nil)
    #expect(try await manager.resume(token: b) == nil)
  }

  @Test func malformedTokensAreNotLookedUp() async throws {
    let manager = SessionManager()
    #expect(try await manager.resume(token: "") == nil)
    #expect(try await manager.resume(token: String(repeating: "a", count: 44)) == nil)
    #expect(try await manager.resume(token: String(repeating: "*", count: 43)) == nil)
  }

  @Test func constantTimeEqual() {
    #expect(RandomToken.constantTimeEqual("abc", "abc"))
    #expect(!RandomToken.constantTimeEqual("abc", "abd"))
    #expect(!RandomToken.constantTimeEqual("abc", "abcd"))
  }
}
