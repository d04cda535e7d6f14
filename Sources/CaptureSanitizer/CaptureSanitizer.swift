public import PcapKit
public import CaptureArchive

/// Pseudonymizes the contents of a capture so it can leave the site and still be analysed: addresses (IPv4/IPv6
/// prefix-preserving with Crypto-PAn, MAC, MS/TP, BACnet/IPv6 virtual addresses, the B/IP addresses inside BVLC
/// messages and the NPDU's SADR/DADR), BACnet CharacterStrings, file data, and the pcapng metadata that names
/// hosts and people (CaptureArchive's `MetadataScrubber`, which here also removes the interfaces' address options).
///
/// The output has the input's format, packets, order and lengths (a string pseudonym has the length of the
/// original; only a re-encoded MS/TP COBS frame may change length), with every checksum that covers a change
/// updated. One instance keeps its pseudonyms consistent over many captures; the same key gives the same output
/// for the same input, byte for byte.
///
/// ```swift
/// let sanitizer = try CaptureSanitizer(key: SanitizerKey(keyFileContents: keyBytes), map: PseudonymMap())
/// var reader = try CaptureReader(path: "site.pcapng")
/// let output = try AtomicOutputFile(path: "site-sanitized.pcapng")
/// var sink = output.sink
/// let report = try sanitizer.sanitize(&reader, into: &sink)
/// try output.commit()
/// ```
///
/// Memory is bounded: caches of pseudonyms are capped or grow with the number of distinct identities, and the
/// state kept for segmented messages is capped at 1024 transactions.
public final class CaptureSanitizer {
  /// What was configured.
  public let configuration: SanitizerConfiguration
  /// The reverse map being collected, if one was asked for.
  public let map: PseudonymMap?
  let packets: PacketSanitizer

  /// Creates a sanitizer.
  /// - Parameters:
  ///   - key: the secret (the same key gives the same pseudonyms).
  ///   - configuration: what to keep and what to change.
  ///   - map: collects pseudonym → original pairs when given.
  /// - Throws: ``SanitizeError`` when AES is not available from the system's libcrypto.
  public init(key: SanitizerKey, configuration: SanitizerConfiguration = .init(), map: PseudonymMap? = nil)
    throws(SanitizeError)
  {
    guard let addresses = AddressPseudonymizer(key: key, configuration: configuration, map: map),
      let strings = StringPseudonymizer(key: key, map: map)
    else { throw SanitizeError(.badKey, "AES-128 is not available from the system's libcrypto") }
    self.configuration = configuration
    self.map = map
    let bacnet = BACnetRewriter(addresses: addresses, strings: strings, configuration: configuration)
    packets = PacketSanitizer(addresses: addresses, bacnet: bacnet)
  }

  /// The sanitized bytes of one frame (for live capture, before anything is stored); a view valid until the next
  /// call.
  public func sanitize(frame: ArraySlice<UInt8>, linkType: LinkType) -> ArraySlice<UInt8> {
    packets.sanitize(frame, linkType: linkType)
  }

  /// Streams the sanitized form of the capture `reader` reads into `sink`.
  /// - Returns: what was done.
  /// - Throws: `CaptureError` from the reader (damaged input, with its offset) or the sink; what was written
  ///   before is a valid prefix of the output.
  public func sanitize(_ reader: inout CaptureReader, into sink: inout some ByteSink) throws(CaptureError)
    -> SanitizeReport
  {
    var report = SanitizeReport()
    let scrub = try MetadataScrubber.scrub(
      &reader, into: &sink, shiftingTimestampsBy: configuration.timeShiftSeconds, removingInterfaceAddresses: true
    ) { packet in
      packets.sanitize(packet.data, linkType: packet.linkType)
    }
    report.packets = scrub.packets
    report.metadata = scrub
    report.unfollowedSegments = packets.bacnet.unfollowedSegments
    return report
  }

  /// The offset, in whole seconds within ±`range` seconds (at least 1), that the key chooses for
  /// `--shift-time keyed`: the same for every capture sanitized with the key.
  public static func keyedTimeShift(_ key: SanitizerKey, range: Int64 = 365 * 86_400) -> Int64 {
    let bytes = key.derive("time-shift")
    var v: UInt64 = 0
    for b in bytes.prefix(8) { v = v << 8 | UInt64(b) }
    let span = UInt64(max(1, range)) * 2 + 1
    let shift = Int64(v % span) - max(1, range)
    return shift == 0 ? 1 : shift
  }
}

@available(*, unavailable)
extension CaptureSanitizer: Sendable {}

/// What a sanitization did.
public struct SanitizeReport: Sendable {
  /// Packets written.
  public var packets = 0
  /// The metadata removed (pcapng comments, names, blocks).
  public var metadata = ScrubReport()
  /// Continuation segments of segmented messages whose earlier segments were not in the capture: their strings
  /// could not be found and were left as they are.
  public var unfollowedSegments = 0

  /// An empty report.
  public init() {}
}
