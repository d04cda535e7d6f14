#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Textual IP addresses to bytes, and the addresses of this host.
public enum IPAddressText {
  /// The 4 or 16 bytes of an IPv4 or IPv6 address in text, nil when it is neither.
  public static func bytes(of text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
      return withUnsafeBytes(of: &v6) { Array($0) }
    }
    return nil
  }

  /// The host's IPv4 and IPv6 addresses (link-local IPv6 left out: they are meaningless without a zone),
  /// loopback included.
  public static func hostAddresses() -> [String] {
    var result: [String] = []
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return ["127.0.0.1", "::1"] }
    defer { freeifaddrs(list) }
    var cursor: UnsafeMutablePointer<ifaddrs>? = first
    while let entry = cursor {
      defer { cursor = entry.pointee.ifa_next }
      guard let address = entry.pointee.ifa_addr else { continue }
      let family = Int32(address.pointee.sa_family)
      var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
      if family == AF_INET {
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
          var a = sin.pointee.sin_addr
          _ = inet_ntop(AF_INET, &a, &buffer, socklen_t(buffer.count))
        }
      } else if family == AF_INET6 {
        let linkLocal = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> Bool in
          var a = sin6.pointee.sin6_addr
          _ = inet_ntop(AF_INET6, &a, &buffer, socklen_t(buffer.count))
          return sin6.pointee.sin6_scope_id != 0
        }
        if linkLocal { continue }
      } else {
        continue
      }
      let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if !text.isEmpty, !result.contains(text) { result.append(text) }
    }
    return result
  }
}
