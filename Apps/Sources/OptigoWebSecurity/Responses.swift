public import Hummingbird

/// Response helpers shared by the services' routes (Capture Tool and server): typed bodies and redirects.
public enum Responses {
  /// An HTML page.
  public static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    body(text, contentType: "text/html; charset=utf-8", status: status)
  }

  /// A JSON document.
  public static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    body(text, contentType: "application/json", status: status)
  }

  /// Plain text.
  public static func text(_ text: String, status: HTTPResponse.Status) -> Response {
    body(text, contentType: "text/plain; charset=utf-8", status: status)
  }

  /// 303 See Other to `location`.
  public static func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
  }

  static func body(_ text: String, contentType: String, status: HTTPResponse.Status) -> Response {
    Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
  }
}
