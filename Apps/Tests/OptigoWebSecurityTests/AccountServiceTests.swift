import Foundation
import OptigoWebSecurity
import Testing

@Suite struct AccountServiceTests {
  struct Fixture {
    let folder: String
    let clock = TestClock()
    let store: FileAccountStore
    let audit: FileAuditLog
    let service: AccountService

    init(cost: UInt8 = 4) throws {
      folder = try temporaryFolder("accounts")
      store = FileAccountStore(path: folder + "/accounts.json")
      audit = FileAuditLog(path: folder + "/audit.jsonl")
      service = AccountService(store: store, audit: audit, hasher: PasswordHasher(cost: cost), now: clock.function)
    }

    func kinds() async throws -> [AuditEvent.Kind] { try await audit.recent(limit: 1000).map(\.kind) }
  }

  @Test func defaultAdminIsCreatedOnceAndMustChange() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    #expect(try await f.service.createDefaultAdminIfNeeded())
    #expect(try await !f.service.createDefaultAdminIfNeeded())
    let result = try await f.service.login(username: "admin", password: "admin", address: "192.0.2.1")
    guard case .success(let account) = result else { Issue.record("default login refused: \(result)"); return }
    #expect(account.mustChangePassword)
    #expect(account.role == .admin)
    #expect(try mode(of: f.folder + "/accounts.json") == 0o600)
    // Every login with the default password still must change it.
    guard case .success(let again) = try await f.service.login(username: "admin", password: "admin", address: nil)
    else { Issue.record("second login refused"); return }
    #expect(again.mustChangePassword)
  }

  @Test func sixthAttemptRefusedWhileLockedThenTimedUnlock() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    for _ in 1...5 {
      #expect(try await f.service.login(username: "admin", password: "wrong", address: "192.0.2.9") == .refused)
    }
    // The right password is refused while the lock holds.
    #expect(try await f.service.login(username: "admin", password: "admin", address: "192.0.2.9") == .locked)
    f.clock.advance(seconds: 14 * 60)
    #expect(try await f.service.login(username: "admin", password: "admin", address: "192.0.2.9") == .locked)
    f.clock.advance(seconds: 61)
    guard case .success = try await f.service.login(username: "admin", password: "admin", address: nil) else {
      Issue.record("still locked after 15 minutes"); return
    }
    let kinds = try await f.kinds()
    #expect(kinds.filter { $0 == .loginFailed }.count == 5)
    #expect(kinds.contains(.accountLocked))
    #expect(kinds.filter { $0 == .loginRefusedLocked }.count == 2)
    let failures = try await f.audit.recent(limit: 1000).filter { $0.kind == .loginFailed }
    #expect(failures.allSatisfy { $0.address == "192.0.2.9" && $0.user == "admin" })
  }

  @Test func failuresAreConsecutive() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    for _ in 1...4 { _ = try await f.service.login(username: "admin", password: "x", address: nil) }
    guard case .success = try await f.service.login(username: "admin", password: "admin", address: nil) else {
      Issue.record("refused"); return
    }
    for _ in 1...4 { _ = try await f.service.login(username: "admin", password: "x", address: nil) }
    guard case .success = try await f.service.login(username: "admin", password: "admin", address: nil) else {
      Issue.record("a success did not reset the count"); return
    }
  }

  @Test func adminUnlockLiftsTheLockAtOnce() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    for _ in 1...5 { _ = try await f.service.login(username: "admin", password: "x", address: nil) }
    #expect(try await f.service.login(username: "admin", password: "admin", address: nil) == .locked)
    // A second service over the same files (as `optigo-capture-tool unlock` is) sees and lifts the lock.
    let other = AccountService(store: FileAccountStore(path: f.folder + "/accounts.json"), audit: f.audit,
                               hasher: PasswordHasher(cost: 4), now: f.clock.function)
    try await other.unlock("admin", by: "root", address: nil)
    guard case .success = try await f.service.login(username: "admin", password: "admin", address: nil) else {
      Issue.record("still locked after unlock"); return
    }
    #expect(try await f.kinds().contains(.accountUnlocked))
  }

  @Test func unknownNamesAnswerLikeKnownOnesAndLock() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    for _ in 1...5 {
      #expect(try await f.service.login(username: "nobody", password: "x", address: nil) == .refused)
    }
    #expect(try await f.service.login(username: "nobody", password: "x", address: nil) == .locked)
  }

  /// An unknown name costs a full bcrypt verification: at cost 12 that is far above the microseconds a
  /// missing-account shortcut would take (a lower bound, so load cannot make it fail).
  @Test func unknownNameCostsABcryptVerification() async throws {
    let f = try Fixture(cost: 12)
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    _ = try await f.service.login(username: "warm-up", password: "x", address: nil)  // makes the decoy hash
    let clock = ContinuousClock()
    let elapsed = try await clock.measure {
      _ = try await f.service.login(username: "nobody", password: "x", address: nil)
    }
    #expect(elapsed > .milliseconds(50))
  }

  @Test func passwordChange() async throws {
    let f = try Fixture()
    defer { try? FileManager.default.removeItem(atPath: f.folder) }
    try await f.service.createDefaultAdminIfNeeded()
    await #expect(throws: AccountService.ChangeError.wrongCurrentPassword) {
      try await f.service.changePassword(username: "admin", current: "nope", new: "Abcdefg1", address: nil)
    }
    do {
      try await f.service.changePassword(username: "admin", current: "admin", new: "weakpass", address: nil)
      Issue.record("weak password accepted")
    } catch AccountService.ChangeError.ruleViolation(let message) {
      #expect(message.contains(PasswordRule.summary))
    }
    try await f.service.changePassword(username: "admin", current: "admin", new: "Better-Pass1", address: nil)
    await #expect(throws: AccountService.ChangeError.unchanged) {
      try await f.service.changePassword(username: "admin", current: "Better-Pass1", new: "Better-Pass1", address: nil)
    }
    #expect(try await f.service.login(username: "admin", password: "admin", address: nil) == .refused)
    guard case .success(let account) = try await f.service.login(username: "admin", password: "Better-Pass1", address: nil)
    else { Issue.record("new password refused"); return }
    #expect(!account.mustChangePassword)
    #expect(try await f.kinds().contains(.passwordChanged))
  }

  @Test func hashesAreSaltedBcrypt() async throws {
    let hasher = PasswordHasher(cost: 4)
    let a = try await hasher.hash("Abcdefg1")
    let b = try await hasher.hash("Abcdefg1")
    #expect(a != b)
    #expect(a.hasPrefix("$2"))
    #expect(try await hasher.verify("Abcdefg1", against: a))
    #expect(try await !hasher.verify("Abcdefg2", against: a))
  }
}
