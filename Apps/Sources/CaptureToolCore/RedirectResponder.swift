public import Hummingbird

/// The appliance's plain-HTTP listener: every request, whatever its method or path, is answered with a
/// permanent redirect to the same path over HTTPS; nothing else is served on it.
public struct RedirectResponder: HTTPResponder {
  public typealias Context = BasicRequestContext
  /// The HTTPS port redirected to (omitted from the URL when 443).
  public let httpsPort: Int

  /// A responder redirecting to `httpsPort`.
  public init(httpsPort: Int) {
    self.httpsPort = httpsPort
  }

  public func respond(to request: Request, context: Context) async throws -> Response {
    let authority = request.head.authority ?? ""
    let host = Self.hostPart(of: authority)
    guard !host.isEmpty, Self.isPlausibleHost(host) else {
      return Response(status: .badRequest, headers: [.contentType: "text/plain"],
                      body: .init(byteBuffer: ByteBuffer(string: "HTTPS only.\n")))
    }
    let port = httpsPort == 443 ? "" : ":\(httpsPort)"
    let path = request.uri.path.hasPrefix("/") ? request.uri.path : "/"
    return Response(
      status: .permanentRedirect, headers: [.location: "https://\(host)\(port)\(path)", .contentLength: "0"])
  }

  /// `example:80` → `example`, `[::1]:80` → `[::1]`.
  static func hostPart(of authority: String) -> String {
    if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
      return String(authority[...close])
    }
    return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
  }

  /// Letters, digits, dots, dashes, colons and brackets only (no header injection, no user info).
  static func isPlausibleHost(_ host: String) -> Bool {
    host.utf8.count <= 255 && host.unicodeScalars.allSatisfy {
      ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || ".-:[]".unicodeScalars.contains($0)
    }
  }
}
