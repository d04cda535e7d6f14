/// Everything decoded from one BACnet/IP payload, BACnet/Ethernet LLC payload or MS/TP data frame.
///
/// Layers that were not present, or could not be decoded, are nil; ``diagnostics`` says why.
public struct BACnetMessage: Hashable, Sendable {
  /// The BVLC header (BACnet/IP and BACnet/IPv6 only).
  public var bvlc: BVLC?
  /// The NPDU header.
  public var npdu: NPDU?
  /// The network-layer message, when the NPDU carries one.
  public var networkMessage: NetworkMessage?
  /// The APDU, when the NPDU carries one.
  public var apdu: APDU?
  /// What could not be decoded, and where.
  public var diagnostics: [BACnetDiagnostic]

  /// Creates a message.
  public init(bvlc: BVLC? = nil, npdu: NPDU? = nil, networkMessage: NetworkMessage? = nil, apdu: APDU? = nil,
              diagnostics: [BACnetDiagnostic] = []) {
    self.bvlc = bvlc
    self.npdu = npdu
    self.networkMessage = networkMessage
    self.apdu = apdu
    self.diagnostics = diagnostics
  }
}
