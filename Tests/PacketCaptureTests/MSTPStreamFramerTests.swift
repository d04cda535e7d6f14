import BACnetDecode
import Testing

/// Feeds a timed octet stream to a framer in reads of the given sizes (a read never spans a silence longer than
/// T_frame_abort, as on a real line), then finishes it.
func frameStream(
  _ events: [WireEvent], baud: Int, frameAbortNs: Int64, readSize: (Int) -> Int
) -> (records: [ExpectedRecord], starts: [Int64], framer: MSTPStreamFramer) {
  let octetNs = 10_000_000_000 / Int64(baud)
  var timed: [(UInt8, Int64, Bool)] = []  // octet, end time, silence before
  var t: Int64 = 1_700_000_000_000_000_000
  var silence = false
  for e in events {
    for b in e.bytes {
      t += octetNs
      timed.append((b, t, silence))
      silence = false
    }
    t += e.gapAfterNs
    if e.gapAfterNs > frameAbortNs { silence = true }
  }
  var framer = MSTPStreamFramer(baud: baud, frameAbortNs: frameAbortNs)
  var out: [ExpectedRecord] = []
  var starts: [Int64] = []
  let collect: (MSTPStreamRecord) -> Void = { r in
    out.append(ExpectedRecord(kind: r.kind, bytes: Array(r.bytes)))
    starts.append(r.startNs)
  }
  var i = 0
  var reads = 0
  while i < timed.count {
    var n = max(1, readSize(reads))
    reads += 1
    n = min(n, timed.count - i)
    if let cut = (i + 1..<i + n).first(where: { timed[$0].2 }) { n = cut - i }
    framer.feed(timed[i..<i + n].map(\.0), arrivalNs: timed[i + n - 1].1, emit: collect)
    i += n
  }
  framer.finish(emit: collect)
  return (out, starts, framer)
}

@Suite struct MSTPStreamFramerTests {
  let events = MSTPRingGenerator(cycles: 8).events()

  @Test(arguments: [1, 2, 3, 7, 64, 1000, 1 << 20])
  func ringFramedExactlyWhateverTheReadSize(size: Int) {
    let (stream, expected) = MSTPRingGenerator.flatten(events)
    let (records, starts, framer) = frameStream(events, baud: 38400, frameAbortNs: 95_000_000) { _ in size }
    #expect(records == expected)
    #expect(records.flatMap(\.bytes) == stream, "the records are the stream, octet for octet")
    #expect(starts == starts.sorted(), "timestamps never run backwards")
    let c = framer.counters
    #expect(c.octets == stream.count)
    #expect(c.recordOctets.reduce(0, +) + c.paddingOctets == c.octets)
    #expect(framer.pendingOctets == 0 && framer.isIdle)
    #expect(c.count(.badHeaderCRC) == 1 && c.count(.badDataCRC) == 2 && c.count(.truncated) == 1 && c.count(.noise) == 1)
  }

  @Test func irregularReads() {
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    let (stream, expected) = MSTPRingGenerator.flatten(events)
    let (records, _, _) = frameStream(events, baud: 9600, frameAbortNs: 95_000_000) { _ in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(seed >> 59) + 1
    }
    #expect(records == expected)
    #expect(records.flatMap(\.bytes) == stream)
  }

  @Test func firstOctetTimestampFromReadTimeAndLineRate() throws {
    // One 8-octet token read at T at 9600 baud: it started 8 octet times (8 × 1.0417 ms) before T.
    var f = MSTPStreamFramer(baud: 9600)
    var got: [MSTPStreamRecord] = []
    f.feed(MSTPWire.frame(0, dst: 1, src: 2), arrivalNs: 10_000_000_000) { got.append($0) }
    #expect(got.count == 1)
    let first = try #require(got.first)
    let expectedStart: Int64 = 10_000_000_000 - 8 * 1_041_666
    #expect(first.startNs == expectedStart)
    #expect(first.endNs == 10_000_000_000)
  }

  @Test func preambleSearchPaddingAndLoneOctets() {
    var f = MSTPStreamFramer(baud: 38400)
    var got: [ExpectedRecord] = []
    let token = MSTPWire.frame(0, dst: 1, src: 2)
    // 55 55 FF…: the first 55 is noise. After the frame, one FF pad octet is counted, a second FF is noise.
    f.feed([0x55] + token + [0xFF, 0xFF] + [0x55], arrivalNs: 1_000_000_000) { got.append(ExpectedRecord(kind: $0.kind, bytes: Array($0.bytes))) }
    f.idle(nowNs: 1_000_000_000 + 50_000_000) { got.append(ExpectedRecord(kind: $0.kind, bytes: Array($0.bytes))) }
    #expect(got == [ExpectedRecord(kind: .noise, bytes: [0x55]), ExpectedRecord(kind: .frame, bytes: token)])
    // The lone 55 and the stray FF stay pending until T_frame_abort of silence has passed.
    f.idle(nowNs: 1_000_000_000 + 200_000_000) { got.append(ExpectedRecord(kind: $0.kind, bytes: Array($0.bytes))) }
    #expect(got.suffix(2) == [ExpectedRecord(kind: .noise, bytes: [0xFF]), ExpectedRecord(kind: .truncated, bytes: [0x55])])
    #expect(f.counters.paddingOctets == 1)
    #expect(f.counters.octets == 1 + token.count + 3)
    #expect(f.isIdle)
  }

  @Test func passiveAcceptsWhatANodeWouldNot() {
    // Any destination, a reserved type, a data frame longer than 501 octets: a passive listener keeps them all.
    let long = MSTPWire.frame(6, dst: 99, src: 200, data: Array(repeating: 0x42, count: 700))
    let reserved = MSTPWire.frame(9, dst: 1, src: 2)
    var f = MSTPStreamFramer(baud: 115_200)
    var kinds: [MSTPRecordKind] = []
    f.feed(long + reserved, arrivalNs: 5_000_000_000) { kinds.append($0.kind) }
    #expect(kinds == [.frame, .frame])
  }

  @Test func pendingOctetsAccountForAFrameInProgress() {
    var f = MSTPStreamFramer(baud: 38400)
    var emitted = 0
    let iAm = MSTPWire.frame(6, dst: 255, src: 2, data: MSTPWire.iAm)
    f.feed([0x01, 0x02] + iAm.prefix(12), arrivalNs: 1_000_000_000) { emitted += $0.bytes.count }
    #expect(emitted == 2, "the stray octets are closed by the preamble")
    #expect(f.pendingOctets == 12)
    let c = f.counters
    #expect(c.octets == c.recordOctets.reduce(0, +) + c.paddingOctets + f.pendingOctets)
    f.feed(iAm.dropFirst(12), arrivalNs: 1_001_000_000) { emitted += $0.bytes.count }
    #expect(f.pendingOctets == 0 && emitted == 2 + iAm.count)
  }

  @Test func noiseRecordsAreBounded() {
    var f = MSTPStreamFramer(baud: 38400, maximumNoiseRecord: 100)
    var sizes: [Int] = []
    f.feed(Array(repeating: 0x00, count: 250), arrivalNs: 2_000_000_000) { sizes.append($0.bytes.count) }
    f.finish { sizes.append($0.bytes.count) }
    #expect(sizes == [100, 100, 50])
  }

  @Test func badHeaderLengthIsNotTrusted() {
    // A header with a bad CRC claiming 1000 octets: only the 8 header octets form the record; the next frame is found.
    var bad = MSTPWire.frame(6, dst: 1, src: 2, data: [0x01, 0x02])
    bad[5] = 0x03; bad[6] = 0xE8
    let token = MSTPWire.frame(0, dst: 2, src: 1)
    var got: [ExpectedRecord] = []
    var f = MSTPStreamFramer(baud: 38400)
    f.feed(bad + token, arrivalNs: 3_000_000_000) { got.append(ExpectedRecord(kind: $0.kind, bytes: Array($0.bytes))) }
    f.finish { got.append(ExpectedRecord(kind: $0.kind, bytes: Array($0.bytes))) }
    #expect(got == [ExpectedRecord(kind: .badHeaderCRC, bytes: Array(bad.prefix(8))),
                    ExpectedRecord(kind: .noise, bytes: Array(bad.suffix(4))),
                    ExpectedRecord(kind: .frame, bytes: token)])
  }

  @Test func encoderMatchesTheReferenceVectors() {
    // bacnet-wire-format.md: token 5 -> 0x10, and the DNER I-Am from 5 (both CRCs checked by tshark).
    #expect(MSTPFrame.encode(type: .token, destination: 0x10, source: 5) == [0x55, 0xFF, 0x00, 0x10, 0x05, 0x00, 0x00, 0x8C])
    let iAm: [UInt8] = [0x01, 0x00, 0x10, 0x00, 0xC4, 0x02, 0x00, 0x04, 0xD2, 0x22, 0x05, 0xC4, 0x91, 0x00, 0x21, 0x0F]
    #expect(MSTPFrame.encode(type: .bacnetDataNotExpectingReply, destination: 0xFF, source: 5, data: iAm)
            == [0x55, 0xFF, 0x06, 0xFF, 0x05, 0x00, 0x10, 0xEB] + iAm + [0xCB, 0x77])
    #expect(MSTPFrame.encode(type: .token, destination: 1, source: 2, data: [UInt8](repeating: 0, count: 65536)) == nil)
  }

  @Test func extendedFrameCRCMatchesTheDecoder() {
    let good = MSTPWire.extendedFrame(33, dst: 255, src: 5, npdu: MSTPWire.iAm)
    let d = BACnetDecoder.decodeMSTP(good[...])
    #expect(d.frame?.crc32KOK == true)
    // The reference vector of bacnet-wire-format.md: the same I-Am as type 33.
    let vector: [UInt8] = [0x55, 0xFF, 0x21, 0xFF, 0x05, 0x00, 0x14, 0x71, 0x57, 0x54, 0x57, 0x45, 0x56, 0x91, 0x57, 0x52, 0x51,
                           0x87, 0x77, 0x50, 0x91, 0xC4, 0x56, 0x74, 0x5A, 0x50, 0x61, 0x52, 0xCB, 0xB9]
    var f = MSTPStreamFramer(baud: 76800)
    var kinds: [MSTPRecordKind] = []
    f.feed(vector, arrivalNs: 1) { kinds.append($0.kind) }
    #expect(kinds == [.frame])
  }
}
