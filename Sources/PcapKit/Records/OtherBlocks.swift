/// A pcapng Interface Statistics Block (§4.6).
///
/// ```
///  |                         Interface ID                          |
///  |                        Timestamp (High)                       |
///  |                        Timestamp (Low)                        |
///  /                      Options (variable)                       /
/// ```
public struct InterfaceStatistics: Sendable {
  /// The interface the counters are for.
  public var interfaceID: Int
  /// When the statistics were taken (interface resolution and offset applied).
  public var timestamp: CaptureTimestamp
  /// The interface's `if_tsresol`, used for the start/end time options.
  public var resolution: TimestampResolution
  /// The interface's `if_tsoffset`.
  public var offsetSeconds: Int64
  /// The block's options.
  public var options: OptionList
  /// The original block.
  public var raw: RawBlock

  func time(_ code: OptionCode) -> CaptureTimestamp? {
    guard let v = options.first(code)?.value, v.count == 8 else { return nil }
    let hi = UInt64(load32(v, v.startIndex, options.byteOrder)), lo = UInt64(load32(v, v.startIndex + 4, options.byteOrder))
    return CaptureTimestamp(units: hi << 32 | lo, resolution: resolution, offsetSeconds: offsetSeconds)
  }
  func counter(_ code: OptionCode) -> UInt64? {
    guard options.first(code)?.value.count == 8 else { return nil }
    return options.integer(code)
  }
  /// `isb_starttime`.
  public var startTime: CaptureTimestamp? { time(.isbStartTime) }
  /// `isb_endtime`.
  public var endTime: CaptureTimestamp? { time(.isbEndTime) }
  /// `isb_ifrecv`: packets received by the interface.
  public var interfaceReceived: UInt64? { counter(.isbIfReceived) }
  /// `isb_ifdrop`: packets dropped by the interface.
  public var interfaceDropped: UInt64? { counter(.isbIfDropped) }
  /// `isb_filteraccept`: packets accepted by the filter.
  public var filterAccepted: UInt64? { counter(.isbFilterAccepted) }
  /// `isb_osdrop`: packets dropped by the OS.
  public var osDropped: UInt64? { counter(.isbOSDropped) }
  /// `isb_usrdeliv`: packets delivered to the user.
  public var userDelivered: UInt64? { counter(.isbUserDelivered) }
  /// `opt_comment`s.
  public var comments: [String] { options.comments }
}

/// A pcapng Name Resolution Block (§4.5): address-to-name records, then options.
public struct NameResolution: Sendable {
  /// One record: `nrb_record_ipv4` (1), `nrb_record_ipv6` (2), `nrb_record_eui48` (3), `nrb_record_eui64` (4),
  /// or an unknown type kept raw.
  public struct Record: Sendable {
    /// The record type.
    public var type: UInt16
    /// The record value (without padding).
    public var value: ArraySlice<UInt8>
    /// The address bytes (4, 16, 6 or 8 for the known types; empty for unknown types).
    public var address: ArraySlice<UInt8> {
      let n: Int
      switch type { case 1: n = 4 case 2: n = 16 case 3: n = 6 case 4: n = 8 default: n = 0 }
      return value.count >= n ? value.prefix(n) : []
    }
    /// The NUL-terminated names after the address.
    public var names: [String] {
      let a = address.count
      guard a > 0 else { return [] }
      return value.dropFirst(a).split(separator: 0, omittingEmptySubsequences: true).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
  }
  /// The records' bytes (up to but excluding `nrb_record_end`).
  public var recordBytes: ArraySlice<UInt8>
  /// The block's options (after the end record).
  public var options: OptionList
  /// The original block.
  public var raw: RawBlock

  /// The records, in order.
  public var records: [Record] {
    var out: [Record] = []
    var i = recordBytes.startIndex
    let o = raw.byteOrder
    while recordBytes.endIndex - i >= 4 {
      let t = load16(recordBytes, i, o), len = Int(load16(recordBytes, i + 2, o))
      guard len <= recordBytes.endIndex - i - 4 else { break }
      out.append(Record(type: t, value: recordBytes[(i + 4)..<(i + 4 + len)]))
      i = min(i + 4 + ((len + 3) & ~3), recordBytes.endIndex)
    }
    return out
  }
  /// `ns_dnsname`.
  public var dnsName: String? { options.string(.nsDNSName) }
  /// `opt_comment`s.
  public var comments: [String] { options.comments }
}

/// A pcapng Decryption Secrets Block (§4.7). Holds secrets: treat as sensitive.
public struct DecryptionSecrets: Sendable {
  /// The secrets type, e.g. `0x544c534b` TLS key log, `0x5353484b` SSH, `0x57474b4c` WireGuard.
  public var secretsType: UInt32
  /// The secrets.
  public var data: ArraySlice<UInt8>
  /// The block's options.
  public var options: OptionList
  /// The original block.
  public var raw: RawBlock
}

/// A pcapng Custom Block (§4.8): an IANA Private Enterprise Number then opaque data (which may end with options
/// only its owner can find).
public struct CustomBlock: Sendable {
  /// The Private Enterprise Number.
  public var enterpriseNumber: UInt32
  /// Everything after the PEN (custom data and any options).
  public var data: ArraySlice<UInt8>
  /// True for type `0x00000BAD` (may be copied), false for `0x40000BAD` (should not be copied).
  public var isCopyable: Bool { raw.type == .customCopyable }
  /// The original block.
  public var raw: RawBlock
}
