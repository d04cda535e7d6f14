import PcapKit

/// The one capture-filter shape `filter` accepts after its input, for tcpdump habits: `[udp|tcp] port N` or
/// `[udp|tcp] portrange A-B`, joined by `or`. It means exactly `--ports` (and `--proto`): the ports replace the
/// BACnet default; without `udp`/`tcp` any transport matches, as in tcpdump. Anything else is refused with what to
/// write instead.
struct FilterExpression: Equatable {
  var ports: String
  var transport: TransportSelection

  /// Words that can start an expression (so `filter udp port 47808` reads standard input).
  static let leadingWords: Set<String> = ["udp", "tcp", "port", "portrange"]

  /// Parses the words; throws a message naming the supported form and the equivalent options.
  static func parse(_ words: [String]) throws(FilterExpressionError) -> FilterExpression {
    var ports: [String] = []
    var transports = Set<String>()
    var untyped = false
    var i = 0
    while i < words.count {
      var word = words[i].lowercased()
      var transport: String?
      if word == "udp" || word == "tcp" {
        transport = word
        i += 1
        guard i < words.count else { throw FilterExpressionError(words) }
        word = words[i].lowercased()
      }
      guard word == "port" || word == "portrange", i + 1 < words.count else { throw FilterExpressionError(words) }
      let value = words[i + 1]
      let valid = word == "port" ? UInt16(value) != nil : (try? PortSet(parsing: value)) != nil && value.contains("-")
      guard valid else { throw FilterExpressionError(words) }
      ports.append(value)
      if let transport { transports.insert(transport) } else { untyped = true }
      i += 2
      if i < words.count {
        guard words[i].lowercased() == "or", i + 1 < words.count else { throw FilterExpressionError(words) }
        i += 1
      }
    }
    guard !ports.isEmpty, transports.count <= 1, !(untyped && !transports.isEmpty) else {
      throw FilterExpressionError(words)
    }
    let transport: TransportSelection = transports.first == "udp" ? .udp : transports.first == "tcp" ? .tcp : .any
    return FilterExpression(ports: ports.joined(separator: ","), transport: transport)
  }
}

/// A trailing expression `filter` does not understand, with what to write instead.
struct FilterExpressionError: Error {
  var words: [String]
  init(_ words: [String]) { self.words = words }

  var message: String {
    "'\(words.joined(separator: " "))' is not a filter this command understands: it keeps packets by port. "
      + "Write --ports 47808,47810-47812 (with --proto udp|tcp|any), or a trailing expression of the form "
      + "'[udp|tcp] port N [or [udp|tcp] port M …]' ('portrange A-B' too)"
  }
}
