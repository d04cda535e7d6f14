import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built `optigo-server` itself: first start, serving HTTPS, SIGTERM stops it cleanly; `add-organisation`.
@Suite struct ServerExecutableTests {
  @Test func serveStartsPrivatelyAnswersAndStopsOnSIGTERM() async throws {
    let binary = ServerFixture.executable
    try #require(FileManager.default.isExecutableFile(atPath: binary), "not built: \(binary)")
    let data = NSTemporaryDirectory() + "optigo-server-exe-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: data) }
    let port = try freePort()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve", "--data", data, "--host", "127.0.0.1", "--port", "\(port)", "--http-port", "0"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    var status = 0
    for _ in 0..<300 {
      if let reply = try? await RawHTTP.send(
        port: port, head: "GET /login HTTP/1.1\r\nHost: localhost:\(port)\r\nConnection: close\r\n\r\n")
      {
        status = reply.status
        break
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(status == 200)
    let mode = ((try? FileManager.default.attributesOfItem(atPath: data)[.posixPermissions]) as? NSNumber)?.intValue
    #expect(mode == 0o700)
    #expect(FileManager.default.fileExists(atPath: data + "/db/optigo.sqlite"))
    #expect(FileManager.default.fileExists(atPath: data + "/tls/key.pem"))
    kill(process.processIdentifier, SIGTERM)
    for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
    #expect(!process.isRunning)
    if !process.isRunning { #expect(process.terminationStatus == 0) }

    let add = Process()
    add.executableURL = URL(fileURLWithPath: binary)
    add.arguments = ["add-organisation", "--data", data, "Bolt", "admin@bolt.test"]
    let pipe = Pipe()
    add.standardOutput = pipe
    add.standardError = FileHandle.nullDevice
    try add.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    add.waitUntilExit()
    #expect(add.terminationStatus == 0)
    #expect(output.contains("Organisation Bolt: admin admin@bolt.test, initial password Init-"))
  }
}
