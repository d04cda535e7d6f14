import CaptureToolCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OptigoWebSecurity

/// A data folder prepared exactly as `optigo-capture-tool serve` prepares it (bcrypt at the minimum cost to
/// keep the tests fast), with a fixed list of interfaces and serial ports.
struct ToolFixture {
  let folder: String
  let server: CaptureToolServer
  var paths: CaptureToolPaths { server.app.paths }

  init(port: Int = 0, redirectPort: Int? = nil) async throws {
    folder = NSTemporaryDirectory() + "optigo-tool-\(UUID().uuidString)"
    server = try await CaptureToolServer.prepare(
      options: ServeOptions(dataDirectory: folder, host: "127.0.0.1", port: port, redirectPort: redirectPort, bcryptCost: 4),
      inventory: SystemInventory(networkInterfaces: { ["eth0", "lo"] }, serialPorts: { ["/dev/ttyUSB0"] }))
  }

  func remove() { try? FileManager.default.removeItem(atPath: folder) }

  func auditKinds() async throws -> [AuditEvent.Kind] {
    try await server.app.security.audit.recent(limit: 10_000).map(\.kind)
  }

  /// The router served in process.
  func application() -> some ApplicationProtocol {
    Application(router: server.app.buildRouter())
  }
}

/// A browser's part of a conversation with the router: a cookie jar, the CSRF token of the last page, an Origin.
final class Browser: @unchecked Sendable {
  let client: any TestClientProtocol
  var cookies: [String: String] = [:]
  var lastSetCookies: [String] = []
  var csrf: String?
  let origin: String

  init(_ client: any TestClientProtocol, origin: String = "https://localhost") {
    self.client = client
    self.origin = origin
  }

  @discardableResult
  func get(_ path: String) async throws -> TestResponse {
    try await send(path, method: .get, headers: [:], body: nil)
  }

  /// Posts a form as a same-origin page would: Origin header and the page's CSRF token, unless told otherwise.
  @discardableResult
  func post(_ path: String, _ fields: [(String, String)], origin: String?? = .none, csrf: String?? = .none,
            extraHeaders: HTTPFields = [:]) async throws -> TestResponse {
    var all = fields
    let token: String? = csrf ?? self.csrf
    if let token { all.append(("csrf", token)) }
    var headers = extraHeaders
    headers[.contentType] = "application/x-www-form-urlencoded"
    if let sentOrigin = origin ?? self.origin { headers[.origin] = sentOrigin }
    return try await send(path, method: .post, headers: headers, body: ByteBuffer(string: Self.encode(all)))
  }

  func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
    var headers = headers
    if !cookies.isEmpty {
      headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
    }
    let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
    lastSetCookies = response.headers[values: .setCookie]
    for line in lastSetCookies {
      let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
      let name = String(pair[0])
      let value = pair.count > 1 ? String(pair[1]) : ""
      if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
    }
    let text = String(buffer: response.body)
    if let range = text.range(of: "name=\"csrf\" value=\"") {
      csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
    }
    return response
  }

  /// Logs in through the login page; returns the login's response.
  @discardableResult
  func logIn(_ user: String, _ password: String) async throws -> TestResponse {
    try await get("/login")
    return try await post("/login", [("username", user), ("password", password)])
  }

  static func encode(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map {
      "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
  }
}

extension TestResponse {
  var text: String { String(buffer: body) }
  var location: String? { headers[.location] }
}

/// A classic pcap (microsecond, Ethernet) with two packets one second apart, at 2027-01-15T08:00:00Z.
func twoPacketCapture() -> [UInt8] {
  func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  var bytes = le32(0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
  let frame = [UInt8](repeating: 0xAB, count: 60)
  for (seconds, micro) in [(UInt32(1_800_000_000), UInt32(0)), (1_800_000_001, 500_000)] {
    bytes += le32(seconds) + le32(micro) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
  }
  return bytes
}
