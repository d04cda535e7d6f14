internal import BACnetDecode

/// The walk through one APDU's service parameters that replaces CharacterStrings and zeroes file data, in place,
/// as a state machine that can stop at the end of one segment and resume in the next (a tag header or a string
/// may be cut by a segment boundary).
///
/// Strings replaced: every application-tagged CharacterString (subject to the string selection, which needs the
/// property identifier the value belongs to), and the context-tagged CharacterString parameters of AcknowledgeAlarm
/// (acknowledgment source), Confirmed/UnconfirmedEventNotification (message text), DeviceCommunicationControl and
/// ReinitializeDevice (password), Confirmed/UnconfirmedTextMessage (message class, message) and Who-Has (object
/// name). OctetStrings zeroed: AtomicWriteFile requests, AtomicReadFile acknowledgements, VT-Data requests.
struct APDUStringWalk {
  let pduType: UInt8
  let service: UInt8
  private var openings: [UInt8] = []
  private var property: UInt32?
  /// Octets of a tag header cut off at the end of the previous segment.
  private var pendingHeader: [UInt8] = []
  private var remaining = 0
  private var mode = Mode.skip
  private var broken = false
  // A string that continues past a segment boundary.
  private var stringSeed: [UInt8] = []
  private var stringCharset: UInt8 = 0
  private var stringTotal = 0
  private var stringPosition = 0
  private var stringProperty: UInt32?

  enum Mode {
    case skip
    case zero
    case string
  }

  /// The deepest nesting followed.
  static let maximumDepth = 32

  init(pduType: UInt8, service: UInt8) {
    self.pduType = pduType
    self.service = service
    if pduType == 1 && service == 1 { property = 77 }  // I-Have: the string is an object name
  }

  /// The context tag and depth holding the property identifier of the values that follow, by service.
  private var propertyTag: (number: UInt8, depth: Int)? {
    switch (pduType, service) {
    case (0, 15), (0, 12), (0, 8), (0, 9), (3, 12), (3, 26): (1, 0)
    case (0, 16), (0, 1), (1, 2), (0, 10), (0, 14): (0, 1)
    case (3, 14): (2, 1)
    default: nil
    }
  }

  /// True when a context tag `number` at `depth` is a CharacterString parameter of this service.
  private func isContextString(_ number: UInt8, depth: Int) -> Bool {
    switch (pduType, service, number, depth) {
    case (0, 0, 4, 0), (0, 2, 7, 0), (1, 3, 7, 0), (0, 17, 2, 0), (0, 19, 3, 0), (1, 5, 3, 0), (0, 19, 1, 1),
      (1, 5, 1, 1), (0, 20, 1, 0), (1, 7, 3, 0):
      true
    default: false
    }
  }

  private var zeroesOctetStrings: Bool {
    switch (pduType, service) {
    case (0, 7), (3, 6), (0, 23): true
    default: false
    }
  }

  /// Walks `bytes[range]`, the service parameters (or this segment's part of them). `final` says no segment
  /// follows: a header cut off at the end is then left as it is.
  mutating func walk(_ bytes: inout [UInt8], _ range: Range<Int>, rewriter: BACnetRewriter, final: Bool) {
    var i = range.lowerBound
    let end = range.upperBound
    while i < end && !broken {
      if remaining > 0 {
        let n = min(remaining, end - i)
        switch mode {
        case .skip: break
        case .zero: for k in i..<(i + n) { bytes[k] = 0 }
        case .string:
          if stringSeed.isEmpty { beginString(bytes, i, end, rewriter: rewriter) }
          rewriter.strings.generate(
            into: &bytes, i..<(i + n), seed: stringSeed, charset: stringCharset, total: stringTotal,
            from: stringPosition, property: stringProperty)
          stringPosition += n
        }
        remaining -= n
        i += n
        continue
      }
      // A tag header, perhaps begun in the previous segment.
      let header: TagHeader
      let consumed: Int
      if pendingHeader.isEmpty {
        guard let h = TagHeader.peek(bytes[i..<end]) else {
          if !final && end - i < 7 { pendingHeader = Array(bytes[i..<end]) } else { broken = true }
          return
        }
        header = h
        consumed = h.headerLength
      } else {
        let joined = pendingHeader + bytes[i..<min(end, i + 7)]
        guard let h = TagHeader.peek(joined[...]) else {
          if !final && joined.count < 7 { pendingHeader = joined } else { broken = true }
          return
        }
        header = h
        consumed = h.headerLength - pendingHeader.count
        pendingHeader = []
        guard consumed >= 0 else {
          broken = true
          return
        }
      }
      i += consumed
      switch header.kind {
      case .opening:
        guard openings.count < Self.maximumDepth else {
          broken = true
          return
        }
        openings.append(header.number)
      case .closing:
        guard openings.popLast() == header.number else {
          broken = true
          return
        }
      case .primitive:
        start(header, &bytes, &i, end, rewriter: rewriter)
      }
    }
  }

  /// Takes the character set and the pseudonym's seed of a string cut by a segment boundary from its first part
  /// present, `bytes[i..<end]` (never empty: the callers check `i < end`).
  private mutating func beginString(_ bytes: [UInt8], _ i: Int, _ end: Int, rewriter: BACnetRewriter) {
    stringCharset = bytes[i]
    stringSeed = rewriter.strings.seed(label: 0x80, total: stringTotal, bytes[i..<end])
  }

  /// Begins a primitive value at `i`: decides what to do with it and does it to the part present.
  private mutating func start(
    _ header: TagHeader, _ bytes: inout [UInt8], _ i: inout Int, _ end: Int, rewriter: BACnetRewriter
  ) {
    let length = header.length
    let depth = openings.count
    let configuration = rewriter.configuration
    remaining = length
    mode = .skip
    if header.isContext, let p = propertyTag, header.number == p.number, depth == p.depth {
      property = nil
      if length >= 1 && length <= 4 && end - i >= length {
        var v: UInt32 = 0
        for k in 0..<length { v = v << 8 | UInt32(bytes[i + k]) }
        property = v
      }
      return
    }
    let isString = header.isContext ? isContextString(header.number, depth: depth) : header.number == 7
    if isString {
      let stringProperty = header.isContext && pduType == 1 && service == 7 ? 77 : property
      guard configuration.replacesString(property: stringProperty), length >= 2 else { return }
      if end - i >= length {
        rewriter.strings.replaceWhole(&bytes, i..<(i + length), property: stringProperty)
        i += length
        remaining = 0
        return
      }
      // Cut off by the segment (or the capture): derive the pseudonym from what is present, continue it later.
      // When the header is the last thing in this segment, the string starts in the next one (`beginString`).
      mode = .string
      stringTotal = length
      stringPosition = 0
      self.stringProperty = stringProperty
      stringSeed = []
      if i < end { beginString(bytes, i, end, rewriter: rewriter) }
      return
    }
    if !header.isContext && header.number == 6 && zeroesOctetStrings && configuration.zeroFileData {
      mode = .zero
    }
  }
}
