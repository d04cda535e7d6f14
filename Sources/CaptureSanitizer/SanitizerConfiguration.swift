/// What a sanitization changes, beyond the addresses (which are always pseudonymized).
public struct SanitizerConfiguration: Sendable {
  /// Which BACnet CharacterString values are replaced.
  public enum StringSelection: Hashable, Sendable {
    /// Every CharacterString (the default).
    case all
    /// None: strings are kept.
    case none
    /// Values of these property identifiers, and every string that is not a property value (service parameters
    /// such as passwords, message texts, acknowledgment sources); values of other properties are kept.
    case properties(Set<UInt32>)
  }

  /// Private IPv4/IPv6 ranges keep their range prefix (default true).
  public var keepPrivateRanges = true
  /// MAC addresses keep their first three octets (the vendor's OUI) (default false).
  public var keepOUI = false
  /// MS/TP station numbers (and 1-octet SADR/DADR) are kept (default false).
  public var keepMSTPAddresses = false
  /// Which CharacterStrings are replaced.
  public var strings: StringSelection = .all
  /// OctetString values of file transfers and virtual terminals (AtomicWriteFile requests, AtomicReadFile
  /// acknowledgements, VT-Data) are zeroed (default true).
  public var zeroFileData = true
  /// Seconds added to every timestamp (default 0).
  public var timeShiftSeconds: Int64 = 0

  /// The defaults.
  public init() {}

  /// Property identifiers by the names accepted in a selection (`object-name`, `description`, …).
  public static let propertyNames: [String: UInt32] = [
    "object-name": 77, "description": 28, "location": 58, "model-name": 70, "vendor-name": 121,
    "application-software-version": 12, "firmware-revision": 44, "profile-name": 168, "serial-number": 372,
    "device-type": 31, "active-text": 4, "inactive-text": 46, "state-text": 110, "event-message-texts": 351,
    "tags": 486, "profile-location": 485, "deployed-profile-location": 484,
  ]

  /// Parses a string selection: `all`, `none`, or a comma-separated list of property names (see
  /// ``propertyNames``) or numbers.
  /// - Throws: ``SanitizeError`` for an unknown name or a number above 4194303.
  public static func parseStrings(_ text: String) throws(SanitizeError) -> StringSelection {
    switch text {
    case "all": return .all
    case "none": return .none
    default:
      var set = Set<UInt32>()
      for item in text.split(separator: ",") {
        let name = item.trimmingCharacters()
        if let id = propertyNames[name] {
          set.insert(id)
        } else if let n = UInt32(name), n <= 4_194_303 {
          set.insert(n)
        } else {
          throw SanitizeError(
            .badOption,
            "unknown property \"\(name)\" in the string selection (use all, none, or names such as object-name,description, or numbers)"
          )
        }
      }
      if set.isEmpty { throw SanitizeError(.badOption, "the string selection is empty") }
      return .properties(set)
    }
  }

  /// True when a string in the value of `property` (nil: not a property value) is replaced.
  func replacesString(property: UInt32?) -> Bool {
    switch strings {
    case .all: true
    case .none: false
    case .properties(let set): property.map { set.contains($0) } ?? true
    }
  }
}

extension Substring {
  func trimmingCharacters() -> String {
    String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}
