extension APDUType {
  /// Parses an APDU type for selection: Wireshark's names (`Confirmed-REQ`, `Complex-ACK`, `Error`), the
  /// standard's (`confirmed-request`, `simple-ack`, `segment-ack`, `reject`, `abort`) in any case, or the number
  /// 0–7 (as `bacapp.type`); nil for anything else.
  public init?(selecting text: String) {
    if let n = UInt8(text) {
      guard n <= 7 else { return nil }
      self.init(rawValue: n)
      return
    }
    let folded = SelectionNames.fold(Substring(text))
    if let n = SelectionNames.pduTypeAliases[folded] {
      self.init(rawValue: n)
    } else if let c = SelectionNames.code(of: Substring(text), in: WiresharkNames.pduTypes, below: 8) {
      self.init(rawValue: UInt8(c))
    } else {
      return nil
    }
  }
}
