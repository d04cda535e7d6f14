import BACnetDecode
import Foundation
import PacketCapture
import PcapKit
import Testing
import Synchronization

/// Replays a short ring over and over until told to stop, as a UART at the receiver's current rate would see it.
final class LoopingLine: @unchecked Sendable {
  let line: PtyLine
  let stop = Atomic<Bool>(false)
  let done = Atomic<Bool>(false)

  init(_ line: PtyLine, txBaud: Int, events: [WireEvent]) {
    self.line = line
    let t = Thread { [self] in
      while !self.stop.load(ordering: .relaxed) {
        line.replay(events, baud: txBaud) { bytes in uartResample(bytes, txBaud: txBaud, rxBaud: line.receiverBaud) }
      }
      self.done.store(true, ordering: .relaxed)
    }
    t.start()
  }

  func finish() {
    stop.store(true, ordering: .relaxed)
    while !done.load(ordering: .relaxed) { usleep(1000) }
  }
}

@Suite(.enabled(if: PtyLine.available, "no pseudo-terminals (/dev/ptmx) on this machine")) struct MSTPAutoBaudTests {
  @Test func uartModelIsIdentityAtTheRightRateAndGarbageOtherwise() {
    let token = MSTPWire.frame(0, dst: 7, src: 2)
    #expect(uartResample(token, txBaud: 38400, rxBaud: 38400) == token)
    for rx in SerialPort.mstpRates where rx != 38400 {
      #expect(uartResample(token, txBaud: 38400, rxBaud: rx) != token, "\(rx)")
    }
  }

  @Test(arguments: SerialPort.mstpRates)
  func locksOnTheLineRate(rate: Int) throws {
    let line = try PtyLine()
    // Tokens, poll-for-master and data frames, without the long silences of the full ring.
    let events = MSTPRingGenerator(cycles: 2).events()
    var progress: [String] = []
    let feeder = LoopingLine(line, txBaud: rate, events: events)
    defer { feeder.finish() }
    let source = try MSTPSerialSource(device: line.slaveName, lockAfter: 4, dwellNs: 700_000_000, timeoutNs: 30_000_000_000,
                                      frameAbortNs: 200_000_000, progress: { progress.append($0) })
    #expect(source.baud == rate, "\(progress)")
    #expect(source.autoBaud?.baud == rate)
    #expect(line.receiverBaud == rate)
    // Rates tried before the right one gave no valid frame.
    for a in source.autoBaud?.attempts.dropLast() ?? [] { #expect(a.validFrames < 4, "\(a.baud)") }
    #expect(source.interface.description?.contains("\(rate) baud") == true)
    source.close()
  }

  @Test func silentLineFailsClearly() throws {
    let line = try PtyLine()
    let start = Date()
    #expect {
      _ = try MSTPSerialSource(device: line.slaveName, dwellNs: 100_000_000, timeoutNs: 800_000_000)
    } throws: { e in
      guard let e = e as? CaptureError else { return false }
      return e.code == .noMSTPTraffic && e.message.contains("silent")
    }
    #expect(Date().timeIntervalSince(start) < 10)
  }

  @Test func noisyLineFailsClearly() throws {
    let line = try PtyLine()
    // Octets that never make a frame: no 55 at all.
    let noise = WireEvent(bytes: (0..<200).map { UInt8($0 % 0x50) }, expected: [], gapAfterNs: 5_000_000)
    let feeder = LoopingLine(line, txBaud: 38400, events: [noise])
    defer { feeder.finish() }
    #expect {
      _ = try MSTPSerialSource(device: line.slaveName, dwellNs: 100_000_000, timeoutNs: 800_000_000)
    } throws: { e in
      guard let e = e as? CaptureError else { return false }
      return e.code == .noMSTPTraffic && e.message.contains("no rate gave valid MS/TP frames")
    }
  }
}
