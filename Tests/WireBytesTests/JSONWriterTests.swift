import Testing
import WireBytes

@Suite struct JSONWriterTests {
  @Test("JSON objects escape strings and keep key order")
  func objectLine() {
    var j = JSONWriter.Object()
    j.add("frame", 1)
    j.add("name", "a\"b\\c\n\u{1}é\t\r\u{1f}")
    j.add("ok", true)
    j.addNull("time_ns")
    j.add("tags", ["x", "y"])
    j.add("vlan", [10, -2, 0])
    #expect(j.finish() == #"{"frame":1,"name":"a\"b\\c\n\u0001é\t\r\u001f","ok":true,"time_ns":null,"tags":["x","y"],"vlan":[10,-2,0]}"#)
    #expect(JSONWriter.Object().finish() == "{}")
  }

  @Test("numbers are spelled one way: integers as digits, integral reals as integers, non-finite as null")
  func numbers() {
    func number(_ v: Double) -> String {
      var out: [UInt8] = []
      JSONWriter.appendNumber(v, to: &out)
      return String(decoding: out, as: UTF8.self)
    }
    func integer(_ v: some BinaryInteger) -> String {
      var out: [UInt8] = []
      JSONWriter.appendInteger(v, to: &out)
      return String(decoding: out, as: UTF8.self)
    }
    #expect(number(3) == "3")
    #expect(number(-2) == "-2")
    #expect(number(0.25) == "0.25")
    #expect(number(1e20) == "1e+20")
    #expect(number(.nan) == "null")
    #expect(number(-.infinity) == "null")
    #expect(integer(0) == "0")
    #expect(integer(Int64.min) == "-9223372036854775808")
    #expect(integer(UInt64.max) == "18446744073709551615")
    #expect(JSONWriter.quoted("x\"") == #""x\"""#)
  }
}

@Suite struct NumberTextTests {
  @Test("fixed-point text keeps the given decimals and rounds half away from zero")
  func fixedPoint() {
    #expect(NumberText.fixed(2.5, digits: 3) == "2.500")
    #expect(NumberText.fixed(-0.0049, digits: 2) == "0.00")
    #expect(NumberText.fixed(-1.005, digits: 1) == "-1.0")
    #expect(NumberText.fixed(1234.5678, digits: 2) == "1234.57")
    #expect(NumberText.fixed(7, digits: 0) == "7")
    #expect(NumberText.fixed(.infinity, digits: 2) == "inf")
  }
}
