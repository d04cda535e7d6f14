internal import WireBytes

/// Reads that turn a ``Shortfall`` into a ``DecodeFailure`` naming the field that was cut off.
extension ByteCursor {
  @inline(__always)
  mutating func u8(_ what: @autoclosure () -> String, _ code: BACnetDiagnostic.Code = .truncated) throws(DecodeFailure) -> UInt8 {
    do { return try readUInt8() } catch { throw DecodeFailure(code, offset, "\(what()) is missing: the data ends here") }
  }

  @inline(__always)
  mutating func u16(_ what: @autoclosure () -> String, _ code: BACnetDiagnostic.Code = .truncated) throws(DecodeFailure) -> UInt16 {
    do { return try readUInt16() } catch {
      throw DecodeFailure(code, offset, "\(what()) needs 2 octets, \(remaining) left")
    }
  }

  @inline(__always)
  mutating func u32(_ what: @autoclosure () -> String, _ code: BACnetDiagnostic.Code = .truncated) throws(DecodeFailure) -> UInt32 {
    do { return try readUInt32() } catch {
      throw DecodeFailure(code, offset, "\(what()) needs 4 octets, \(remaining) left")
    }
  }

  @inline(__always)
  mutating func bytes(_ n: Int, _ what: @autoclosure () -> String, _ code: BACnetDiagnostic.Code = .truncated) throws(DecodeFailure) -> ArraySlice<UInt8> {
    do { return try readBytes(n) } catch {
      throw DecodeFailure(code, offset, "\(what()) needs \(n) octet(s), \(remaining) left")
    }
  }
}
