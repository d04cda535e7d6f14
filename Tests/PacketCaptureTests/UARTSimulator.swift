/// What a UART set to `rxBaud` receives when `bytes` are sent back to back at `txBaud` (8N1, line idle high):
/// it hunts for a falling edge (16× oversampling), checks the start bit at its middle, samples 8 data bits at the
/// middle of each of its own bit times, and delivers the octet whatever the stop bit (INPCK off), then waits for
/// the line to go high. At the right rate this returns `bytes`; at a wrong one, the garbage a real adapter gives.
func uartResample(_ bytes: [UInt8], txBaud: Int, rxBaud: Int) -> [UInt8] {
  if txBaud == rxBaud || rxBaud <= 0 { return bytes }
  let bitsTotal = bytes.count * 10
  let tx = Double(txBaud)
  func level(_ t: Double) -> Int {
    let bit = Int((t * tx).rounded(.down))
    if bit < 0 || bit >= bitsTotal { return 1 }
    let j = bit % 10
    if j == 0 { return 0 }
    if j == 9 { return 1 }
    return Int(bytes[bit / 10] >> UInt8(j - 1) & 1)
  }
  let rxBit = 1.0 / Double(rxBaud)
  let step = rxBit / 16
  let end = Double(bitsTotal) / tx + 20 * rxBit
  var out: [UInt8] = []
  var t = 0.0
  while t < end {
    guard level(t) == 0, level(t + rxBit / 2) == 0 else {
      t += step
      continue
    }
    var b: UInt8 = 0
    for j in 0..<8 where level(t + (Double(j) + 1.5) * rxBit) == 1 { b |= 1 << UInt8(j) }
    out.append(b)
    t += 9.5 * rxBit
    while t < end && level(t) == 0 { t += step }
  }
  return out
}
