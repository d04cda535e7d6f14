/// A pcapng option code (draft-ietf-opsawg-pcapng §3.5). Codes are per block type, so most constants carry the
/// block's prefix (`if`, `epb`, `isb`, …) as the spec names them.
public struct OptionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 16-bit option code.
  public var rawValue: UInt16
  /// Wraps an option code.
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  /// The number.
  public var description: String { "\(rawValue)" }

  /// `opt_endofopt` (0): ends the option list.
  public static let endOfOptions = OptionCode(rawValue: 0)
  /// `opt_comment` (1): UTF-8 comment, repeatable, valid in every block.
  public static let comment = OptionCode(rawValue: 1)
  /// Custom option, UTF-8, copyable (2988).
  public static let customStringCopyable = OptionCode(rawValue: 2988)
  /// Custom option, binary, copyable (2989).
  public static let customBinaryCopyable = OptionCode(rawValue: 2989)
  /// Custom option, UTF-8, do not copy (19372).
  public static let customStringNoCopy = OptionCode(rawValue: 19372)
  /// Custom option, binary, do not copy (19373).
  public static let customBinaryNoCopy = OptionCode(rawValue: 19373)

  /// `shb_hardware` (2).
  public static let shbHardware = OptionCode(rawValue: 2)
  /// `shb_os` (3).
  public static let shbOS = OptionCode(rawValue: 3)
  /// `shb_userappl` (4).
  public static let shbUserApplication = OptionCode(rawValue: 4)

  /// `if_name` (2).
  public static let ifName = OptionCode(rawValue: 2)
  /// `if_description` (3).
  public static let ifDescription = OptionCode(rawValue: 3)
  /// `if_IPv4addr` (4): address and netmask, 8 bytes, repeatable.
  public static let ifIPv4Address = OptionCode(rawValue: 4)
  /// `if_IPv6addr` (5): address and prefix length, 17 bytes, repeatable.
  public static let ifIPv6Address = OptionCode(rawValue: 5)
  /// `if_MACaddr` (6).
  public static let ifMACAddress = OptionCode(rawValue: 6)
  /// `if_EUIaddr` (7).
  public static let ifEUIAddress = OptionCode(rawValue: 7)
  /// `if_speed` (8), bits per second.
  public static let ifSpeed = OptionCode(rawValue: 8)
  /// `if_tsresol` (9).
  public static let ifTimestampResolution = OptionCode(rawValue: 9)
  /// `if_tzone` (10).
  public static let ifTimeZone = OptionCode(rawValue: 10)
  /// `if_filter` (11): filter type byte then the filter.
  public static let ifFilter = OptionCode(rawValue: 11)
  /// `if_os` (12).
  public static let ifOS = OptionCode(rawValue: 12)
  /// `if_fcslen` (13).
  public static let ifFCSLength = OptionCode(rawValue: 13)
  /// `if_tsoffset` (14): signed seconds added to every timestamp.
  public static let ifTimestampOffset = OptionCode(rawValue: 14)
  /// `if_hardware` (15).
  public static let ifHardware = OptionCode(rawValue: 15)
  /// `if_txspeed` (16).
  public static let ifTxSpeed = OptionCode(rawValue: 16)
  /// `if_rxspeed` (17).
  public static let ifRxSpeed = OptionCode(rawValue: 17)
  /// `if_iana_tzname` (18).
  public static let ifIANATimeZoneName = OptionCode(rawValue: 18)

  /// `epb_flags` (2) (also the obsolete Packet Block's `pack_flags`).
  public static let epbFlags = OptionCode(rawValue: 2)
  /// `epb_hash` (3) (also `pack_hash`).
  public static let epbHash = OptionCode(rawValue: 3)
  /// `epb_dropcount` (4).
  public static let epbDropCount = OptionCode(rawValue: 4)
  /// `epb_packetid` (5).
  public static let epbPacketID = OptionCode(rawValue: 5)
  /// `epb_queue` (6).
  public static let epbQueue = OptionCode(rawValue: 6)
  /// `epb_verdict` (7).
  public static let epbVerdict = OptionCode(rawValue: 7)
  /// `epb_processid_threadid` (8).
  public static let epbProcessIDThreadID = OptionCode(rawValue: 8)

  /// `ns_dnsname` (2).
  public static let nsDNSName = OptionCode(rawValue: 2)
  /// `ns_dnsIP4addr` (3).
  public static let nsDNSIPv4Address = OptionCode(rawValue: 3)
  /// `ns_dnsIP6addr` (4).
  public static let nsDNSIPv6Address = OptionCode(rawValue: 4)

  /// `isb_starttime` (2).
  public static let isbStartTime = OptionCode(rawValue: 2)
  /// `isb_endtime` (3).
  public static let isbEndTime = OptionCode(rawValue: 3)
  /// `isb_ifrecv` (4).
  public static let isbIfReceived = OptionCode(rawValue: 4)
  /// `isb_ifdrop` (5).
  public static let isbIfDropped = OptionCode(rawValue: 5)
  /// `isb_filteraccept` (6).
  public static let isbFilterAccepted = OptionCode(rawValue: 6)
  /// `isb_osdrop` (7).
  public static let isbOSDropped = OptionCode(rawValue: 7)
  /// `isb_usrdeliv` (8).
  public static let isbUserDelivered = OptionCode(rawValue: 8)
}

/// One option TLV of a pcapng block: its code and its value bytes (a view, padding excluded).
public struct PcapNGOption: Sendable {
  /// The option code.
  public var code: OptionCode
  /// The value, `length` bytes, without padding.
  public var value: ArraySlice<UInt8>
  /// Absolute offset of the option's code field.
  public var offset: Int

  /// Creates an option (for writers).
  public init(code: OptionCode, value: ArraySlice<UInt8>, offset: Int = 0) {
    self.code = code
    self.value = value
    self.offset = offset
  }

  /// The value as text: UTF-8 up to the first NUL, invalid sequences repaired (the spec forbids assuming validity).
  public var string: String { decodeString(value) }
}

/// The options of a pcapng block: a lazily decoded sequence of ``PcapNGOption``s over the block's bytes.
///
/// The reader has validated the list (no option overruns the block) before handing it out; iteration stops at
/// `opt_endofopt` or at the end of the bytes.
public struct OptionList: Sequence, Sendable {
  /// The option area's bytes (a view into the block).
  public let bytes: ArraySlice<UInt8>
  /// The byte order of the section.
  public let byteOrder: ByteOrder
  /// Absolute offset of `bytes.first`.
  public let baseOffset: Int

  /// An option list over `bytes`.
  public init(bytes: ArraySlice<UInt8>, byteOrder: ByteOrder, baseOffset: Int) {
    self.bytes = bytes
    self.byteOrder = byteOrder
    self.baseOffset = baseOffset
  }

  /// No options.
  public static let empty = OptionList(bytes: [], byteOrder: .little, baseOffset: 0)

  /// True when there are no options (other than `opt_endofopt`).
  public var isEmpty: Bool { first(where: { _ in true }) == nil }

  /// Iterates the options in order.
  public struct Iterator: IteratorProtocol {
    let list: OptionList
    var i: Int
    /// The next option, or nil at `opt_endofopt` or the end.
    public mutating func next() -> PcapNGOption? {
      let b = list.bytes
      guard b.endIndex - i >= 4 else { return nil }
      let code = load16(b, i, list.byteOrder)
      let len = Int(load16(b, i + 2, list.byteOrder))
      if code == 0 { return nil }
      let start = i + 4
      guard len <= b.endIndex - start else { return nil }
      let padded = (len + 3) & ~3
      let opt = PcapNGOption(code: OptionCode(rawValue: code), value: b[start..<(start + len)],
                             offset: list.baseOffset + (i - b.startIndex))
      i = Swift.min(start + padded, b.endIndex)
      return opt
    }
  }

  /// An iterator from the first option.
  public func makeIterator() -> Iterator { Iterator(list: self, i: bytes.startIndex) }

  /// The first option with `code`.
  public func first(_ code: OptionCode) -> PcapNGOption? { first { $0.code == code } }
  /// Every option with `code`, in order.
  public func all(_ code: OptionCode) -> [PcapNGOption] { filter { $0.code == code } }
  /// The first option with `code` as text.
  public func string(_ code: OptionCode) -> String? { first(code)?.string }
  /// Every option with `code` as text (e.g. all comments).
  public func strings(_ code: OptionCode) -> [String] { all(code).map(\.string) }
  /// The first option with `code` as a section-order unsigned integer of its width (1, 2, 4 or 8 bytes).
  public func integer(_ code: OptionCode) -> UInt64? {
    guard let v = first(code)?.value else { return nil }
    return loadInteger(v, byteOrder)
  }
  /// Comments (`opt_comment`).
  public var comments: [String] { strings(.comment) }

  /// Checks that every option lies inside `bytes`.
  /// - Throws: ``CaptureError/Code/optionOverrun`` with the offset of the first option that does not fit.
  static func validate(_ b: ArraySlice<UInt8>, _ order: ByteOrder, baseOffset: Int) throws(CaptureError) {
    var i = b.startIndex
    while i < b.endIndex {
      guard b.endIndex - i >= 4 else {
        throw CaptureError(.optionOverrun, offset: baseOffset + (i - b.startIndex),
                           "\(b.endIndex - i) stray bytes where an option header (4 bytes) was expected")
      }
      let code = load16(b, i, order)
      let len = Int(load16(b, i + 2, order))
      if code == 0 { return }
      let padded = (len + 3) & ~3
      guard padded <= b.endIndex - i - 4 else {
        throw CaptureError(.optionOverrun, offset: baseOffset + (i - b.startIndex),
                           "option \(code) of length \(len) runs past the end of its block (\(b.endIndex - i - 4) bytes left)")
      }
      i += 4 + padded
    }
  }
}

/// UTF-8 up to the first NUL, repaired.
func decodeString(_ bytes: ArraySlice<UInt8>) -> String {
  let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
  return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
}

@inline(__always) func load16(_ b: ArraySlice<UInt8>, _ i: Int, _ order: ByteOrder) -> UInt16 {
  let b0 = UInt16(b[i]), b1 = UInt16(b[i + 1])
  return order == .little ? (b1 << 8 | b0) : (b0 << 8 | b1)
}

@inline(__always) package func load32(_ b: ArraySlice<UInt8>, _ i: Int, _ order: ByteOrder) -> UInt32 {
  let b0 = UInt32(b[i]), b1 = UInt32(b[i + 1]), b2 = UInt32(b[i + 2]), b3 = UInt32(b[i + 3])
  return order == .little ? (b3 << 24 | b2 << 16 | b1 << 8 | b0) : (b0 << 24 | b1 << 16 | b2 << 8 | b3)
}

@inline(__always) func load64(_ b: ArraySlice<UInt8>, _ i: Int, _ order: ByteOrder) -> UInt64 {
  let a = UInt64(load32(b, i, order)), c = UInt64(load32(b, i + 4, order))
  return order == .little ? (c << 32 | a) : (a << 32 | c)
}

/// An unsigned integer of 1, 2, 4 or 8 bytes in `order`; nil for other widths.
func loadInteger(_ v: ArraySlice<UInt8>, _ order: ByteOrder) -> UInt64? {
  switch v.count {
  case 1: UInt64(v[v.startIndex])
  case 2: UInt64(load16(v, v.startIndex, order))
  case 4: UInt64(load32(v, v.startIndex, order))
  case 8: load64(v, v.startIndex, order)
  default: nil
  }
}
