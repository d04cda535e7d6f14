/// One classic BPF instruction (`struct sock_filter`, linux/filter.h): opcode, jump-if-true, jump-if-false, constant.
public struct BPFInstruction: Hashable, Sendable, CustomStringConvertible {
  /// The opcode (class | size | mode, or class | operation | source).
  public var code: UInt16
  /// Instructions skipped when a conditional jump is taken.
  public var jt: UInt8
  /// Instructions skipped when it is not.
  public var jf: UInt8
  /// The constant operand.
  public var k: UInt32

  /// An instruction.
  public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32 = 0) {
    self.code = code
    self.jt = jt
    self.jf = jf
    self.k = k
  }

  /// `{ 0x28, 0, 0, 0x0000000c }`, as `tcpdump -dd` prints it.
  public var description: String {
    let hex = String(k, radix: 16)
    return "{ 0x\(String(code, radix: 16)), \(jt), \(jf), 0x\(String(repeating: "0", count: 8 - hex.count))\(hex) }"
  }

  /// Opcodes used by ``KernelFilter`` (and understood by the tests' interpreter).
  public enum Op {
    /// `ld [k]` (word, absolute).
    public static let ldw: UInt16 = 0x20
    /// `ldh [k]`.
    public static let ldh: UInt16 = 0x28
    /// `ldb [k]`.
    public static let ldb: UInt16 = 0x30
    /// `ldh [x + k]`.
    public static let ldhInd: UInt16 = 0x48
    /// `ldb [x + k]`.
    public static let ldbInd: UInt16 = 0x50
    /// `ldx #k`.
    public static let ldxImm: UInt16 = 0x01
    /// `ldxb 4*([k]&0xf)`.
    public static let ldxMSH: UInt16 = 0xb1
    /// `add #k`.
    public static let addK: UInt16 = 0x04
    /// `and #k`.
    public static let andK: UInt16 = 0x54
    /// `ja k`.
    public static let ja: UInt16 = 0x05
    /// `jeq #k, jt, jf`.
    public static let jeqK: UInt16 = 0x15
    /// `jgt #k, jt, jf`.
    public static let jgtK: UInt16 = 0x25
    /// `jge #k, jt, jf`.
    public static let jgeK: UInt16 = 0x35
    /// `jset #k, jt, jf`.
    public static let jsetK: UInt16 = 0x45
    /// `ret #k`.
    public static let retK: UInt16 = 0x06
    /// `tax`.
    public static let tax: UInt16 = 0x07
    /// `txa`.
    public static let txa: UInt16 = 0x87
  }
}
