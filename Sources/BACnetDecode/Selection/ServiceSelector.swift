/// One BACnet service to select: a confirmed service (matched in Confirmed-Request, SimpleACK, ComplexACK and
/// Error PDUs, as Wireshark's `bacapp.confirmed_service`) or an unconfirmed one (Unconfirmed-Request,
/// `bacapp.unconfirmed_service`).
public enum ServiceSelector: Hashable, Sendable, CustomStringConvertible {
  /// A confirmed service choice.
  case confirmed(ConfirmedServiceChoice)
  /// An unconfirmed service choice.
  case unconfirmed(UnconfirmedServiceChoice)

  /// Parses a service: a name as the decoder and Wireshark print it or as the standard writes it, in any case and
  /// with or without hyphens (`readProperty`, `read-property`, `ReadProperty`, `who-is`, `I-Am`); a number is a
  /// confirmed service (`12`, like `bacapp.confirmed_service == 12`), `u:N` an unconfirmed one (`u:8` = who-Is).
  /// - Returns: nil for a name no table knows or a number above 255.
  public init?(parsing text: String) {
    let t = Substring(text)
    if let n = UInt8(t) {
      self = .confirmed(ConfirmedServiceChoice(rawValue: n))
    } else if t.lowercased().hasPrefix("u:"), let n = UInt8(t.dropFirst(2)) {
      self = .unconfirmed(UnconfirmedServiceChoice(rawValue: n))
    } else if let c = SelectionNames.code(of: t, in: WiresharkNames.confirmedServices, below: 64) {
      self = .confirmed(ConfirmedServiceChoice(rawValue: UInt8(c)))
    } else if let c = SelectionNames.code(of: t, in: WiresharkNames.unconfirmedServices, below: 64) {
      self = .unconfirmed(UnconfirmedServiceChoice(rawValue: UInt8(c)))
    } else {
      return nil
    }
  }

  /// True when `apdu` carries this service.
  public func matches(_ apdu: APDU) -> Bool {
    switch self {
    case .confirmed(let c): apdu.confirmedService == c
    case .unconfirmed(let u): apdu.unconfirmedService == u
    }
  }

  /// The name as the decoder prints it.
  public var description: String {
    switch self {
    case .confirmed(let c): c.name
    case .unconfirmed(let u): u.name
    }
  }
}
