import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A browser's side of a conversation with the router in process: cookie jar, the CSRF token of the last page,
/// the Origin of this service on every post.
final class ConsoleBrowser: @unchecked Sendable {
  let client: any TestClientProtocol
  var cookies: [String: String] = [:]
  var csrf: String?

  init(_ client: any TestClientProtocol) {
    self.client = client
  }

  @discardableResult
  func get(_ path: String) async throws -> TestResponse {
    try await send(path, method: .get, headers: [:], body: nil)
  }

  @discardableResult
  func post(_ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
    var all = fields
    if let csrf { all.append(("csrf", csrf)) }
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let body = all.map {
      "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
    return try await send(
      path, method: .post,
      headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://localhost"],
      body: ByteBuffer(string: body))
  }

  func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
    var headers = headers
    if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
    let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
    for line in response.headers[values: .setCookie] {
      let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
      let value = pair.count > 1 ? String(pair[1]) : ""
      cookies[String(pair[0])] = value.isEmpty || line.contains("Max-Age=0") ? nil : value
    }
    let text = String(buffer: response.body)
    if let range = text.range(of: "name=\"csrf\" value=\"") {
      csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
    }
    return response
  }

  @discardableResult
  func logIn(_ user: String, _ password: String) async throws -> TestResponse {
    try await get("/login")
    return try await post("/login", [("username", user), ("password", password)])
  }
}

extension TestResponse {
  var text: String { String(buffer: body) }
}
