extension PcapNGWriter {
  /// Writes an Interface Statistics Block (§4.6) for an interface of the current section.
  /// - Parameters:
  ///   - interfaceID: an interface written earlier in this section.
  ///   - timestamp: when the counters were taken (in the interface's resolution and offset).
  ///   - startTime: `isb_starttime`, if known.
  ///   - endTime: `isb_endtime`, if known.
  ///   - counters: 64-bit counter options in order, e.g. (``OptionCode/isbIfReceived``, 1200); each is written with
  ///     its code as given.
  ///   - comment: an `opt_comment`, if any.
  /// - Throws: ``CaptureError/Code/invalidArgument`` for an unknown interface or a time it cannot represent.
  public mutating func writeInterfaceStatistics(
    interfaceID: Int, timestamp: CaptureTimestamp, startTime: CaptureTimestamp? = nil,
    endTime: CaptureTimestamp? = nil, counters: [(OptionCode, UInt64)] = [], comment: String? = nil
  ) throws(CaptureError) {
    guard interfaceID >= 0, interfaceID < interfaces.count else {
      throw CaptureError(.invalidArgument, offset: nil, "ISB for interface \(interfaceID), but only \(interfaces.count) written")
    }
    let iface = interfaces[interfaceID]
    func units(_ t: CaptureTimestamp) throws(CaptureError) -> UInt64 {
      let u = t.ticks(in: iface.resolution) - Int128(iface.offsetSeconds) * Int128(iface.resolution.unitsPerSecond)
      guard u >= 0, u <= Int128(UInt64.max) else {
        throw CaptureError(.invalidArgument, offset: nil, "time \(t) not representable on interface \(interfaceID)")
      }
      return UInt64(u)
    }
    let now = try units(timestamp)
    var options: [PcapNGOption] = []
    var w = ByteWriter(order: byteOrder)
    if let comment { options.append(PcapNGOption(code: .comment, value: Array(comment.utf8)[...])) }
    for (code, time) in [(OptionCode.isbStartTime, startTime), (.isbEndTime, endTime)] {
      guard let time else { continue }
      let u = try units(time)
      w.reset(order: byteOrder)
      w.u32(UInt32(truncatingIfNeeded: u >> 32))
      w.u32(UInt32(truncatingIfNeeded: u))
      options.append(PcapNGOption(code: code, value: w.bytes[...]))
    }
    for (code, value) in counters {
      w.reset(order: byteOrder)
      w.u64(value)
      options.append(PcapNGOption(code: code, value: w.bytes[...]))
    }
    scratch.reset(order: byteOrder)
    let s = scratch.beginBlock(.interfaceStatistics)
    scratch.u32(UInt32(interfaceID))
    scratch.u32(UInt32(truncatingIfNeeded: now >> 32))
    scratch.u32(UInt32(truncatingIfNeeded: now))
    scratch.options(options)
    scratch.endBlock(s)
    try emit()
  }

}
