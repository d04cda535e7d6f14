import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built `optigo-capture-tool` itself: first start lays out private files, SIGTERM stops it cleanly,
/// `unlock` works on the files it wrote.
@Suite struct ExecutableTests {
  static var binary: String {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return folder.appendingPathComponent("optigo-capture-tool").path
  }

  static func permissions(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
  }

  @Test func firstStartIsPrivateAndSIGTERMStopsCleanly() async throws {
    let binary = Self.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary), "not built: \(binary)")
    let data = NSTemporaryDirectory() + "optigo-exe-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: data) }
    let logPath = data + ".log"
    defer { try? FileManager.default.removeItem(atPath: logPath) }
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve", "--data", data, "--host", "127.0.0.1", "--port", String(ExternalTool.freePort())]
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = { exited.yield($0.terminationStatus); exited.finish() }
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    var listening = false
    for _ in 0..<600 where !listening {  // up to 60 s on a loaded machine
      try await Task.sleep(for: .milliseconds(100))
      listening = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("listening on")
      if !process.isRunning { break }
    }
    let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    try #require(listening, "the service did not start: \(output)")
    #expect(output.contains("Created the account 'admin'"))
    for folder in ["", "/data/pcap", "/config", "/state", "/log", "/tls"] {
      #expect(Self.permissions(data + folder) == 0o700, "\(folder)")
    }
    for file in ["/tls/cert.pem", "/tls/key.pem", "/state/accounts.json", "/log/audit.jsonl"] {
      #expect(Self.permissions(data + file) == 0o600, "\(file)")
    }
    kill(process.processIdentifier, SIGTERM)
    var status: Int32?
    for await code in exits { status = code }
    #expect(status == 0, "exit after SIGTERM: \(String(describing: status)) \(output)")
    #expect(process.terminationReason == .exit)

    let unlock = try await ExternalTool.run(binary, ["unlock", "--data", data, "admin"])
    #expect(unlock.status == 0, "\(unlock.output)")
    let audit = try String(contentsOfFile: data + "/log/audit.jsonl", encoding: .utf8)
    #expect(audit.contains("\"kind\":\"account.unlocked\""))
    let missing = try await ExternalTool.run(binary, ["unlock", "--data", data, "nobody"])
    #expect(missing.status == 1)
  }
}
