import Testing
@testable import WireBytes

@Suite struct ByteCursorTests {
  @Test("integers in both byte orders")
  func integers() throws {
    var c = ByteCursor([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11])
    #expect(try c.readUInt8() == 0x01)
    #expect(try c.readUInt16(.big) == 0x0203)
    #expect(try c.readUInt16(.little) == 0x0504)
    #expect(try c.readUInt32(.little) == 0x0908_0706)
    #expect(try c.readUInt64(.big) == 0x0A0B_0C0D_0E0F_1011)
    #expect(c.isAtEnd)
  }

  @Test("a short read throws with the absolute offset and leaves the cursor in place")
  func shortfall() throws {
    let data: [UInt8] = [0, 0, 0xAA, 0xBB, 0xCC]
    var c = ByteCursor(data[2...], baseOffset: 100)
    let e = #expect(throws: Shortfall.self) { try c.readUInt32() }
    #expect(e == Shortfall(offset: 100, needed: 4, available: 3))
    #expect(try c.readUInt24() == 0xAABBCC)
    #expect(throws: Shortfall.self) { try c.readBytes(-1) }
  }

  @Test("sub-cursors keep absolute offsets")
  func subCursor() throws {
    var c = ByteCursor([1, 2, 3, 4, 5, 6], baseOffset: 10)
    try c.skip(1)
    var sub = try c.subCursor(3)
    #expect(sub.offset == 11)
    #expect(try sub.readUInt8() == 2)
    #expect(c.offset == 14)
    #expect(Array(c.rest) == [5, 6])
  }
}
