extension PacketLayers {
  /// The link header's hardware addresses, as 48-bit values: the Ethernet destination and source MACs, or the
  /// 6-byte link-layer address of a Linux cooked capture (v1 and v2; source only). Nil where the link type carries
  /// none (raw IP, loopback, MS/TP) or the header is cut short.
  ///
  /// Read on demand from the same frame the walk saw (the walk itself does not keep them, so filters that never
  /// ask pay nothing): the link header layouts stay here, in PcapKit, and no other module parses them again.
  ///
  /// - Parameter frame: the frame this walk was made from.
  @inlinable @inline(__always)
  public func hardwareAddresses(in frame: ArraySlice<UInt8>) -> (source: UInt64?, destination: UInt64?) {
    let s = frame.startIndex, n = frame.count
    @inline(__always) func mac(_ i: Int) -> UInt64 {
      var v: UInt64 = 0
      for k in 0..<6 { v = v << 8 | UInt64(frame[i + k]) }
      return v
    }
    switch linkType.rawValue {
    case 1 where n >= 14:
      return (mac(s + 6), mac(s))
    case 113 where n >= 16:  // type(2) ARPHRD(2) address length(2) address(8)
      return (frame[s + 4] == 0 && frame[s + 5] == 6 ? mac(s + 6) : nil, nil)
    case 276 where n >= 20:  // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8)
      return (frame[s + 11] == 6 ? mac(s + 12) : nil, nil)
    default:
      return (nil, nil)
    }
  }
}
