import Foundation
import OptigoServerCore
import OptigoWebSecurity
import SQLiteNIO
import Synchronization
import Testing

/// A clock tests move.
final class TestClock: Sendable {
  private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
  var now: Date { time.withLock { $0 } }
  func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A pcapng with descriptive text in every place the scrubber clears: SHB comment and hardware, IDB name, EPB
/// comment; one Who-Is packet.
func pcapngWithMetadata() -> [UInt8] {
  func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  func option(_ code: UInt16, _ text: String) -> [UInt8] {
    var value = Array(text.utf8)
    let length = value.count
    while value.count % 4 != 0 { value.append(0) }
    return le16(code) + le16(UInt16(length)) + value
  }
  func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
    let total = UInt32(12 + body.count)
    return le32(type) + le32(total) + body + le32(total)
  }
  let end = le16(0) + le16(0)
  let shb = block(0x0A0D_0D0A, le32(0x1A2B_3C4D) + le16(1) + le16(0) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF)
                  + option(1, "site: Customer HQ boiler room") + option(2, "secret-hardware-XYZ") + end)
  let idb = block(1, le16(1) + le16(0) + le32(65535) + option(2, "eth-customer-vlan") + end)
  var packet = Captures.whoIsFrame
  let length = packet.count
  while packet.count % 4 != 0 { packet.append(0) }
  let epb = block(6, le32(0) + le32(0x0006_5000) + le32(0) + le32(UInt32(length)) + le32(UInt32(length)) + packet
                  + option(1, "operator note: john.doe@customer") + end)
  return shb + idb + epb
}

@Suite(.serialized) struct StoreAndQueueTests {
  static func ingest(_ fixture: ServerFixture, _ bytes: [UInt8], site: Site, cap: Int = 1 << 30) async throws -> IngestOutcome {
    let path = NSTemporaryDirectory() + "optigo-ingest-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let ingest = CaptureIngest(
      database: fixture.server.database, blobs: fixture.server.app.blobs, staging: fixture.server.paths.staging,
      maximumStoredBytes: cap, maximumAttempts: 2)
    return try await ingest.ingest(
      path: path, declaredSHA256: Captures.hex(Captures.sha256(bytes)), organisation: site.organisation, site: site.id,
      originalName: "x.pcapng")
  }

  @Test func migrationsAreVersionedAndAppliedOnce() async throws {
    let path = NSTemporaryDirectory() + "optigo-db-\(UUID().uuidString).sqlite"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let first = try await ServerDatabase.open(path: path)
    #expect(try await Migrations.appliedVersions(in: first) == Migrations.all.map(\.version))
    _ = try await Directory(database: first).organisation(named: "kept")
    try await first.close()
    let second = try await ServerDatabase.open(path: path)
    #expect(try await Migrations.appliedVersions(in: second) == Migrations.all.map(\.version))
    #expect(try await second.integer("SELECT count(*) FROM organisations WHERE name = 'kept'") == 1)
    try await second.close()
  }

  @Test func pcapngMetadataIsScrubbedOnIngest() async throws {
    try await ServerFixture.with { fixture in
      let (org, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let bytes = pcapngWithMetadata()
      guard case .accepted(let id, false) = try await Self.ingest(fixture, bytes, site: site) else {
        Issue.record("not accepted")
        return
      }
      let listing = try #require(try await fixture.server.app.catalog.capture(id, organisation: org))
      let stored = try #require(FileManager.default.contents(atPath: try await fixture.server.app.blobs.readablePath(objectID: listing.objectID)))
      let text = String(decoding: stored, as: UTF8.self)
      for secret in ["Customer HQ", "secret-hardware", "eth-customer", "john.doe"] {
        #expect(String(decoding: bytes, as: UTF8.self).contains(secret))
        #expect(!text.contains(secret), "\(secret) kept")
      }
      #expect(listing.packets == 1)
      #expect(listing.scrubAccount?.contains("opt_comment") == true, "\(listing.scrubAccount ?? "nil")")
    }
  }

  @Test func damagedCapturesAreStoredRepairedWithAnAccountAndGarbageIsRefused() async throws {
    try await ServerFixture.with { fixture in
      let (org, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      var damaged = Captures.whoIs(packets: 40)
      // Record 20's captured length becomes absurd (its original length stays right).
      let recordSize = 16 + Captures.whoIsFrame.count
      let at = 24 + 20 * recordSize + 8
      damaged.replaceSubrange(at..<(at + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
      guard case .accepted(let id, true) = try await Self.ingest(fixture, damaged, site: site) else {
        Issue.record("damaged capture not accepted as damaged")
        return
      }
      let listing = try #require(try await fixture.server.app.catalog.capture(id, organisation: org))
      #expect(listing.status == "damaged")
      // Repair keeps record 20 whole: its original length still leads to record 21's header, so only the
      // captured-length field was damaged (it is set back to the original length), as pcapfix does.
      #expect(listing.packets == 40, "\(listing.packets)")
      #expect(listing.repairAccount?.contains("damaged region") == true, "\(listing.repairAccount ?? "nil")")

      let garbage = Array("this is not a capture at all, just text".utf8)
      guard case .refused(let why) = try await Self.ingest(fixture, garbage, site: site) else {
        Issue.record("garbage accepted")
        return
      }
      #expect(why.contains("not a readable capture"))
      // Larger than the stored-size cap once written: refused.
      guard case .refused(let large) = try await Self.ingest(fixture, Captures.whoIs(packets: 200, salt: 3), site: site, cap: 4096)
      else {
        Issue.record("oversized capture accepted")
        return
      }
      #expect(large.contains("too large"), "\(large)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.server.paths.staging).isEmpty)
    }
  }

  @Test func leasesRunOutRetriesStopAtTheCapAndAReportIsStoredOnce() async throws {
    try await ServerFixture.with { fixture in
      let (org, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      guard case .accepted(let capture, _) = try await Self.ingest(fixture, Captures.whoIs(packets: 5), site: site) else {
        Issue.record("not accepted")
        return
      }
      let clock = TestClock()
      let queue = SQLiteJobQueue(database: fixture.server.database, now: { clock.now })
      let first = try #require(try await queue.claim(worker: "w1", lease: .seconds(30)))
      #expect(first.captureID == capture && first.attempt == 1)
      #expect(try await queue.claim(worker: "w2", lease: .seconds(30)) == nil)  // held
      #expect(try await queue.heartbeat(first, worker: "w1", lease: .seconds(30)))
      clock.advance(31)  // w1 died: its lease runs out
      let second = try #require(try await queue.claim(worker: "w2", lease: .seconds(30)))
      #expect(second.attempt == 2)
      #expect(try await queue.heartbeat(first, worker: "w1", lease: .seconds(30)) == false)
      #expect(try await queue.complete(first, worker: "w1", reportJSON: "{\"late\":true}") == false)
      #expect(try await queue.complete(second, worker: "w2", reportJSON: "{\"ok\":true}"))
      #expect(try await fixture.server.app.catalog.report(capture, organisation: org) == "{\"ok\":true}")
      #expect(try await queue.claim(worker: "w3", lease: .seconds(30)) == nil)

      // Another capture whose attempts all fail: queued again until the cap (2), then failed.
      guard case .accepted(let other, _) = try await Self.ingest(fixture, Captures.whoIs(packets: 6), site: site) else {
        Issue.record("not accepted")
        return
      }
      let a = try #require(try await queue.claim(worker: "w1", lease: .seconds(30)))
      try await queue.fail(a, worker: "w1", error: "boom 1", retryAfter: .seconds(10))
      #expect(try await queue.claim(worker: "w1", lease: .seconds(30)) == nil)  // not before its retry time
      clock.advance(11)
      let b = try #require(try await queue.claim(worker: "w1", lease: .seconds(30)))
      try await queue.fail(b, worker: "w1", error: "boom 2", retryAfter: .seconds(10))
      clock.advance(11)
      #expect(try await queue.claim(worker: "w1", lease: .seconds(30)) == nil)
      let state = try #require(try await queue.state(captureID: other, organisation: org))
      #expect(state.state == .failed && state.attempts == 2 && state.error == "boom 2")
      #expect(try await queue.state(captureID: other, organisation: org + 1) == nil)
    }
  }

  @Test func abandonedUploadsExpireAndTokensAreRateLimited() async throws {
    try await ServerFixture.with { fixture in
      let (_, site) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      let (token, record) = try await fixture.directory.issueToken(name: "t", site: site, by: "x")
      #expect(token.hasPrefix("odt_"))
      // Only the hash is stored.
      #expect(try await fixture.server.database.integer("SELECT count(*) FROM device_tokens WHERE token_hash = ?", [.text(token)]) == 0)
      let clock = TestClock()
      let ingest = CaptureIngest(database: fixture.server.database, blobs: fixture.server.app.blobs,
                                 staging: fixture.server.paths.staging, maximumStoredBytes: 1 << 20, maximumAttempts: 1)
      let uploads = UploadService(
        database: fixture.server.database, folder: fixture.server.paths.uploads,
        limits: UploadLimits(expirySeconds: 3600), ingest: ingest, activity: fixture.server.app.activity, now: { clock.now })
      let device = try #require(try await fixture.directory.authenticate(token: token))
      #expect(device.id == record.id)
      let created = try await uploads.create(
        token: device, lengthHeader: "100", metadataHeader: "sha256 " + Data(Captures.sha256([1])).base64EncodedString(),
        address: nil)
      let id = String(try #require(created.headers["Location"]).dropFirst("/api/uploads/".count))
      #expect(try await uploads.head(id: id, token: device).status == 200)
      #expect(try await uploads.expireAbandoned() == 0)
      clock.advance(3601)
      #expect(try await uploads.expireAbandoned() == 1)
      #expect(try await uploads.head(id: id, token: device).status == 404)
      #expect(!FileManager.default.fileExists(atPath: fixture.server.paths.uploads + "/\(id).part"))

      let seconds = Mutex(0.0)
      let limiter = RateLimiter(rate: 2, burst: 3, now: { seconds.withLock { $0 } })
      for _ in 0..<3 { #expect(await limiter.take(1) == nil) }
      let wait = try #require(await limiter.take(1))
      #expect(abs(wait - 0.5) < 0.01)
      #expect(await limiter.take(2) == nil)  // another token has its own bucket
      seconds.withLock { $0 = 0.5 }
      #expect(await limiter.take(1) == nil)
      #expect(await limiter.take(1) != nil)
    }
  }

  @Test func activityCSVNeutralisesFormulasAndQuotes() async throws {
    try await ServerFixture.with { fixture in
      let (org, _) = try await fixture.organisation("Acme", admin: "admin@acme.test", password: "Acme-pass-1")
      await fixture.server.app.activity.record(
        .userCreated, organisation: org, user: "=cmd|' /C calc'!A0", address: "192.0.2.1", detail: "a,\"b\"\nc")
      let csv = try await fixture.server.app.activity.csv(organisation: org)
      #expect(csv.contains("'=cmd|' /C calc'!A0"))
      #expect(csv.contains("\"a,\"\"b\"\"\nc\""))
    }
  }
}
