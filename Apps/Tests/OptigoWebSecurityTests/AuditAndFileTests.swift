import Foundation
import OptigoWebSecurity
import Testing

@Suite struct AuditAndFileTests {
  @Test func auditLogAppendsJSONLines() async throws {
    let folder = try temporaryFolder("audit")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/audit.jsonl"
    _ = FileManager.default.createFile(
      atPath: path, contents: Data("{\"kept\":true}\n".utf8), attributes: [.posixPermissions: 0o600])
    let log = FileAuditLog(path: path)
    let time = Date(timeIntervalSince1970: 1_800_000_000)
    try await log.record(AuditEvent(time: time, kind: .fileDeleted, user: "admin", address: "192.0.2.1", detail: "a.pcap"))
    try await log.record(AuditEvent(time: time, kind: .loginFailed, user: "x", address: nil))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0] == "{\"kept\":true}")
    #expect(lines[1].contains("\"kind\":\"file.deleted\""))
    #expect(lines[1].contains("\"time\":\"2027-01-15T08:00:00Z\""))
    let recent = try await log.recent(limit: 10)
    #expect(recent.map(\.kind) == [.fileDeleted, .loginFailed])
    #expect(try mode(of: path) == 0o600)
  }

  @Test func newAuditLogIsPrivate() async throws {
    let folder = try temporaryFolder("audit2")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let log = FileAuditLog(path: folder + "/a.jsonl")
    try await log.record(AuditEvent(time: Date(), kind: .logout, user: "u", address: nil))
    #expect(try mode(of: folder + "/a.jsonl") == 0o600)
  }

  @Test func secureFileIsPrivateAndReplacedAtomically() throws {
    let folder = try temporaryFolder("secure")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/f"
    try SecureFile.writeAtomically(Array("one".utf8), to: path)
    try SecureFile.writeAtomically(Array("two".utf8), to: path)
    #expect(try SecureFile.readIfPresent(path, limit: 10) == Array("two".utf8))
    #expect(try mode(of: path) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["f"])  // no temporary left
    #expect(throws: SecureFile.Failure.self) { try SecureFile.readIfPresent(path, limit: 2) }
    #expect(try SecureFile.readIfPresent(folder + "/missing", limit: 2) == nil)
  }

  @Test func formFields() {
    let form = FormFields(parsing: "a=1&b=x+y%21&a=2&empty=&flag&bad=%zz")
    #expect(form["a"] == "1")
    #expect(form.all("a") == ["1", "2"])
    #expect(form["b"] == "x y!")
    #expect(form["empty"] == "")
    #expect(form["flag"] == "")
    #expect(form["bad"] == "%zz")
    #expect(form["missing"] == nil)
  }
}
