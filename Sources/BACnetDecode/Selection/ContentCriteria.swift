/// Which selection options a packet (or a transaction) satisfies: one bit per option.
public struct ContentFacets: OptionSet, Hashable, Sendable {
  /// The bits.
  public var rawValue: UInt8
  /// Creates a set.
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  /// `--device`.
  public static let device = ContentFacets(rawValue: 1)
  /// `--address` (decided by the caller, which knows the link addresses).
  public static let address = ContentFacets(rawValue: 2)
  /// `--service`.
  public static let service = ContentFacets(rawValue: 4)
  /// `--object`.
  public static let object = ContentFacets(rawValue: 8)
  /// `--pdu-type`.
  public static let pduType = ContentFacets(rawValue: 16)
  /// `--network`.
  public static let network = ContentFacets(rawValue: 32)
}

/// What to select by BACnet content: devices, objects, services, APDU types and networks. Each list is an OR
/// (any of its values); the lists are combined with AND by the caller, which asks ``facets(of:reassembled:)`` which
/// lists a message satisfies and compares with ``required``.
///
/// | option | a message satisfies it when | Wireshark's equivalent |
/// |---|---|---|
/// | ``devices`` N | it names the object `device,N` (``APDU/forEachObject(_:)``), or is a Who-Is/Who-Has whose device range holds N | `bacapp.objectType == 8 && bacapp.instance_number == N`, `bacapp.who_is.low_limit <= N && bacapp.who_is.high_limit >= N` |
/// | ``objects`` T,I | it names the object | `bacapp.objectType == T && bacapp.instance_number == I` (same object) |
/// | ``services`` | its APDU carries the service | `bacapp.confirmed_service == S`, `bacapp.unconfirmed_service == S` |
/// | ``pduTypes`` | its APDU has the type | `bacapp.type == T` |
/// | ``networks`` N | SNET or DNET is N, or a network-layer message names network N | `bacnet.snet == N \|\| bacnet.dnet == N` |
///
/// ```swift
/// var c = ContentCriteria()
/// c.services = [ServiceSelector(parsing: "read-property")!]
/// c.objects = [ObjectSelector(parsing: "analog-input,1")!]
/// let satisfied = c.facets(of: message, reassembled: nil)   // e.g. [.service, .object]
/// let keep = satisfied.isSuperset(of: c.required)
/// ```
public struct ContentCriteria: Hashable, Sendable {
  /// Device instances (`--device`).
  public var devices: [UInt32] = []
  /// Objects (`--object`).
  public var objects: [ObjectSelector] = []
  /// Services (`--service`).
  public var services: [ServiceSelector] = []
  /// APDU types (`--pdu-type`).
  public var pduTypes: [APDUType] = []
  /// Network numbers (`--network`).
  public var networks: [UInt16] = []

  /// No criteria.
  public init() {}

  /// The options given (non-empty lists); ``ContentFacets/address`` is never set here.
  public var required: ContentFacets {
    var f: ContentFacets = []
    if !devices.isEmpty { f.insert(.device) }
    if !objects.isEmpty { f.insert(.object) }
    if !services.isEmpty { f.insert(.service) }
    if !pduTypes.isEmpty { f.insert(.pduType) }
    if !networks.isEmpty { f.insert(.network) }
    return f
  }

  /// True when no list has a value.
  public var isEmpty: Bool { required.isEmpty }

  /// The options of ``required`` that `message` satisfies.
  /// - Parameters:
  ///   - message: the decode (nil: nothing is satisfied).
  ///   - reassembled: the whole APDU when the message is the last segment of a reassembled message; its objects
  ///     count too.
  public func facets(of message: BACnetMessage?, reassembled: APDU?) -> ContentFacets {
    guard let message else { return [] }
    var f: ContentFacets = []
    if !networks.isEmpty, matchesNetwork(message) { f.insert(.network) }
    guard let apdu = message.apdu else { return f }
    if !pduTypes.isEmpty, pduTypes.contains(apdu.pduType) { f.insert(.pduType) }
    if !services.isEmpty, services.contains(where: { $0.matches(apdu) }) { f.insert(.service) }
    if !devices.isEmpty, matchesDevice(apdu) || reassembled.map(matchesDevice) == true { f.insert(.device) }
    if !objects.isEmpty, matchesObject(apdu) || reassembled.map(matchesObject) == true { f.insert(.object) }
    return f
  }

  func matchesNetwork(_ m: BACnetMessage) -> Bool {
    if let n = m.npdu {
      if let s = n.source, networks.contains(s.network) { return true }
      if let d = n.destination, networks.contains(d.network) { return true }
    }
    guard let nm = m.networkMessage else { return false }
    if nm.networks.contains(where: networks.contains) { return true }
    if let n = nm.networkNumber, networks.contains(n) { return true }
    return nm.routingTable.contains { networks.contains($0.network) }
  }

  func matchesDevice(_ a: APDU) -> Bool {
    switch a.parameters {
    case .whoIs(let w):
      if let lo = w.lowLimit, let hi = w.highLimit, devices.contains(where: { lo <= $0 && $0 <= hi }) { return true }
    case .whoHas(let w):
      if let lo = w.lowLimit, let hi = w.highLimit, devices.contains(where: { lo <= $0 && $0 <= hi }) { return true }
    default:
      break
    }
    return a.forEachObject { o in o.type == .device && devices.contains(o.instance) }
  }

  func matchesObject(_ a: APDU) -> Bool {
    a.forEachObject { o in objects.contains { $0.matches(o) } }
  }
}
