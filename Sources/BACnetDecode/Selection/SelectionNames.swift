// Name lookups for content selection: every name is compared in a folded form (lowercase, without `-`, `_` and
// spaces), so the decoder's and Wireshark's spelling (`readProperty`, `who-Is`, `analog-input`, `Complex-ACK`) and
// the standard's (`read-property`, `ReadProperty`, `analogInput`, `complex-ack`) all name the same code.

/// Looks up BACnet names given on a command line.
enum SelectionNames {
  /// `Read-Property` → `readproperty`.
  static func fold(_ text: Substring) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.lazy.filter { $0 != "-" && $0 != "_" && $0 != " " }))
      .lowercased()
  }

  /// The code whose name (in `table`, codes `0..<limit`) folds to the same text; nil when none does.
  static func code(of text: Substring, in table: NameTable, below limit: UInt32) -> UInt32? {
    let folded = fold(text)
    guard !folded.isEmpty else { return nil }
    for code in 0..<limit {
      if let name = table[code], fold(Substring(name)) == folded { return code }
    }
    return nil
  }

  /// Extra spellings of the APDU types besides Wireshark's (`Confirmed-REQ`, `Complex-ACK`, …).
  static let pduTypeAliases: [String: UInt8] = [
    "confirmedrequest": 0, "confirmed": 0, "unconfirmedrequest": 1, "unconfirmed": 1, "simpleack": 2,
    "complexack": 3, "segmentack": 4, "error": 5, "reject": 6, "abort": 7,
  ]
}
