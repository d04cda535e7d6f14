extension WiresharkNames {
  /// Wireshark's `val_to_split_str`: the table's name, else `(N) Reserved for Use by ASHRAE` below the
  /// proprietary range and `(N) Vendor Proprietary Value` in it.
  static func split(_ table: NameTable, _ value: UInt32, proprietaryFrom: UInt32) -> String {
    if let n = table[value] { return n }
    return value >= proprietaryFrom ? "(\(value)) Vendor Proprietary Value" : "(\(value)) Reserved for Use by ASHRAE"
  }
}
