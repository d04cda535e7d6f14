/// Number spellings for terminal text, shared by every target (JSON numbers are ``JSONWriter``'s).
package enum NumberText {
  /// `v` rounded to `digits` decimals, always with that many (`fixed(2.5, digits: 3)` is `2.500`), without
  /// Foundation; magnitudes beyond 9·10¹⁸ after scaling, and non-finite values, in Swift's own spelling.
  package static func fixed(_ v: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (v * scale).rounded()
    guard r.isFinite, abs(r) < 9e18 else { return "\(v)" }
    let n = Int64(r)
    let neg = n < 0
    let a = neg ? -n : n
    let ip = a / Int64(scale), fp = a % Int64(scale)
    let fs = String(fp)
    let frac = digits > 0 ? "." + String(repeating: "0", count: digits - fs.count) + fs : ""
    return (neg ? "-" : "") + String(ip) + frac
  }
}
