/// A code → name table parsed once, on first use, from `code<TAB>name` lines.
///
/// Keeping the tables as text makes the generated source compile quickly (a 1,400-entry dictionary literal
/// does not); lookups are dictionary lookups.
struct NameTable: Sendable {
  let names: [UInt32: String]

  init(_ text: String) {
    var names: [UInt32: String] = [:]
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      guard let tab = line.firstIndex(of: "\t"), let code = UInt32(line[..<tab]) else { continue }
      names[code] = String(line[line.index(after: tab)...])
    }
    self.names = names
  }

  subscript(_ code: UInt32) -> String? { names[code] }

  /// Number of named codes.
  var count: Int { names.count }
}
