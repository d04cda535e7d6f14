import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A raw HTTP/1.1 client over TLS (or plain TCP) for the live tests: sends exactly the bytes given and reads
/// until the server closes, so a test can cut a request body short on purpose.
enum RawHTTP {
  struct Reply {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
  }

  final class Collector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    var bytes: [UInt8] = []
    let done: EventLoopPromise<[UInt8]>
    init(done: EventLoopPromise<[UInt8]>) { self.done = done }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      var buffer = unwrapInboundIn(data)
      bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
    }
    func channelInactive(context: ChannelHandlerContext) { done.succeed(bytes) }
    func errorCaught(context: ChannelHandlerContext, error: Error) {
      // A TLS close without close_notify after the response is fine: keep what arrived.
      context.close(promise: nil)
    }
  }

  /// Sends `head` + `body` to 127.0.0.1:`port`; with `cutAfterSending`, closes the connection at once (an
  /// interrupted upload) and returns nil, otherwise waits for the whole reply.
  static func send(
    port: Int, tls: Bool = true, head: String, body: [UInt8] = [], cutAfterSending: Bool = false
  ) async throws -> Reply? {
    let group = MultiThreadedEventLoopGroup.singleton
    let promise = group.any().makePromise(of: [UInt8].self)
    let collector = Collector(done: promise)
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.certificateVerification = .none
    configuration.minimumTLSVersion = .tlsv12
    let channel: any Channel
    do {
      channel = try await connect(group: group, port: port, tls: tls, configuration: configuration, collector: collector)
    } catch {
      promise.fail(error)  // a promise must be completed
      throw error
    }
    return try await useChannel(channel, promise: promise, head: head, body: body, cutAfterSending: cutAfterSending)
  }

  static func connect(
    group: MultiThreadedEventLoopGroup, port: Int, tls: Bool, configuration: TLSConfiguration, collector: Collector
  ) async throws -> any Channel {
    let context = try NIOSSLContext(configuration: configuration)
    return try await ClientBootstrap(group: group)
      .channelInitializer { channel in
        let collector = collector
        return channel.eventLoop.makeCompletedFuture {
          if tls {
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
          }
          try channel.pipeline.syncOperations.addHandler(collector)
        }
      }
      .connect(host: "127.0.0.1", port: port).get()
  }

  static func useChannel(
    _ channel: any Channel, promise: EventLoopPromise<[UInt8]>, head: String, body: [UInt8], cutAfterSending: Bool
  ) async throws -> Reply? {
    var buffer = channel.allocator.buffer(capacity: head.utf8.count + body.count)
    buffer.writeString(head)
    buffer.writeBytes(body)
    try await channel.writeAndFlush(buffer).get()
    if cutAfterSending {
      try? await channel.close().get()
      _ = try? await promise.futureResult.get()
      return nil
    }
    let bytes = try await withThrowingTaskGroup(of: [UInt8].self) { tasks in
      tasks.addTask { try await promise.futureResult.get() }
      tasks.addTask {
        try await Task.sleep(for: .seconds(120))
        channel.close(promise: nil)
        throw CancellationError()
      }
      let first = try await tasks.next()!
      tasks.cancelAll()
      return first
    }
    return parse(bytes)
  }

  static func parse(_ bytes: [UInt8]) -> Reply? {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
      return nil
    }
    let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
      let status = Int(statusLine.split(separator: " ")[1])
    else { return nil }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Array(bytes[(end + 4)...])
    if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
    return Reply(status: status, headers: headers, body: body)
  }

  static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
        let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
      else { break }
      if size == 0 { break }
      let start = lineEnd + 2
      out += bytes[start..<min(bytes.count, start + size)]
      i = start + size + 2
    }
    return out
  }
}

/// The tus requests a capture tool sends.
struct TusClient {
  let port: Int
  let token: String

  func headers(_ extra: [String: String]) -> String {
    var lines = ["Host: localhost:\(port)", "Tus-Resumable: 1.0.0", "Authorization: Bearer \(token)", "Connection: close"]
    for (name, value) in extra.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
    return lines.joined(separator: "\r\n") + "\r\n\r\n"
  }

  static func metadata(name: String?, sha256: [UInt8]) -> String {
    var items = ["sha256 " + Data(sha256).base64EncodedString()]
    if let name { items.append("filename " + Data(name.utf8).base64EncodedString()) }
    return items.joined(separator: ",")
  }

  func create(length: Int, metadata: String) async throws -> RawHTTP.Reply {
    try await RawHTTP.send(
      port: port, head: "POST /api/uploads HTTP/1.1\r\n" + headers(["Upload-Length": "\(length)", "Upload-Metadata": metadata, "Content-Length": "0"]))!
  }

  func head(_ location: String) async throws -> RawHTTP.Reply {
    try await RawHTTP.send(port: port, head: "HEAD \(location) HTTP/1.1\r\n" + headers([:]))!
  }

  func patch(_ location: String, offset: Int, bytes: ArraySlice<UInt8>, checksum: [UInt8]? = nil,
             declaredLength: Int? = nil, cut: Bool = false) async throws -> RawHTTP.Reply? {
    var extra = ["Upload-Offset": "\(offset)", "Content-Type": "application/offset+octet-stream",
                 "Content-Length": "\(declaredLength ?? bytes.count)"]
    if let checksum { extra["Upload-Checksum"] = "sha256 " + Data(checksum).base64EncodedString() }
    // The server may still be finishing an earlier (cut) request on this upload for a moment: it answers 409
    // "Another request is writing"; a capture tool retries, and so does this client.
    for _ in 0..<100 {
      let reply = try await RawHTTP.send(
        port: port, head: "PATCH \(location) HTTP/1.1\r\n" + headers(extra), body: Array(bytes), cutAfterSending: cut)
      guard let reply, reply.status == 409, reply.text.contains("Another request") else { return reply }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw FixtureError("upload \(location) stayed busy")
  }
}
