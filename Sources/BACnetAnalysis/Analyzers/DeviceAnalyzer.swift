import BACnetDecode

/// Section 2 (device inventory) and the instance/address duplicate checks of section 5.
///
/// One entry per BACnet address (network + MAC, after normalising routed and BBMD-forwarded messages), capped
/// at ``SummaryConfiguration/maxDevices``. Services are bit sets, so the per-packet work is a dictionary update.
struct DeviceAnalyzer {
  /// What a device says about itself in ReadProperty(-Multiple) replies for its device object.
  struct Names {
    var objectName: String?
    var modelName: String?
    var vendorName: String?
    var firmware: String?
    var software: String?
    var location: String?
  }
  struct Entry {
    var firstNs: Int64 = .max
    var lastNs: Int64 = .min
    var packetsOut = 0, bytesOut = 0, packetsIn = 0, bytesIn = 0
    var routedVia: AddressKey?
    var forwardedBy: AddressKey?
    var instance: UInt32?
    /// Where the instance came from: I-Am, I-Have or ReadProperty (of the device object).
    var instanceSource: UInt8 = 0
    var otherInstances: [UInt32] = []
    var vendorID: UInt16?
    var maxAPDU: UInt32?
    var segmentation: UInt32?
    var iAmFrame: Int?
    /// Confirmed services requested (client) and answered (server), bit = service choice (0–63).
    var clientServices: UInt64 = 0
    var serverServices: UInt64 = 0
    /// Unconfirmed services sent, bit = service choice (0–63).
    var unconfirmedServices: UInt64 = 0
    var link: AddressKey?
    /// The Ethernet source MAC of its direct (not routed, not forwarded) frames; 0 when none.
    var hardware: UInt64 = 0
    var names: Names?
    /// The IPv6 host of a B/IPv6 device (its link address is a VMAC).
    var host: AddressKey?
  }

  static let instanceSources = ["", "I-Am", "I-Have", "ReadProperty"]
  /// The instance an unconfigured device announces (clause 12.11.1: 4194303 is "no instance").
  static let wildcardInstance: UInt32 = 4_194_303
  /// The longest name kept from a ReadProperty reply, in characters.
  static let nameLimit = 64

  var entries: [AddressKey: Entry] = [:]
  var dropped = 0
  let cap: Int
  let evidenceLimit: Int
  /// instance → addresses that announced it (first ones) with the announcing frame.
  var instanceAddresses: [UInt32: [(AddressKey, Int)]] = [:]
  var duplicateAddresses = Evidence()
  var duplicateAddressSet: [AddressKey] = []
  var wildcard = Evidence()
  var wildcardAddresses: [AddressKey] = []
  /// I-Am and I-Have messages judged.
  var announcements = 0

  init(config: SummaryConfiguration) {
    cap = config.maxDevices
    evidenceLimit = config.evidenceLimit
    duplicateAddresses = Evidence(limit: config.evidenceLimit)
    wildcard = Evidence(limit: config.evidenceLimit)
  }

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    guard let src = c.source else { return }
    let i: Dictionary<AddressKey, Entry>.Index
    if let found = entries.index(forKey: src) {
      i = found
    } else {
      guard entries.count < cap else { dropped += 1; return }
      entries[src] = Entry()
      guard let inserted = entries.index(forKey: src) else { return }
      i = inserted
    }
    // From here on only values change, never the keys, so `i` stays valid.
    let t = p.timeNs
    update(&entries.values[i], p, c, src, t)
    if let d = c.destination, d.length > 0, let j = entries.index(forKey: d) {
      entries.values[j].packetsIn += 1
      entries.values[j].bytesIn += p.wireLength
    }
    if c.apduType == 3, c.service == 12 || c.service == 14, !c.isSegmented || dp.reassembledBox != nil {
      harvest(dp, at: i)
    }
    guard let (instance, vendor, maxAPDU, segmentation) = c.announced else { return }
    announcements += 1
    if instance == Self.wildcardInstance {
      wildcard.note(p.frame)
      if !wildcardAddresses.contains(src), wildcardAddresses.count < evidenceLimit { wildcardAddresses.append(src) }
      if entries.values[i].instance == nil { entries.values[i].instance = instance; entries.values[i].instanceSource = vendor == nil ? 2 : 1 }
      return
    }
    announce(src, at: i, instance: instance, frame: p.frame, source: vendor == nil ? 2 : 1)
    if let vendor {
      entries.values[i].vendorID = vendor
      entries.values[i].maxAPDU = maxAPDU
      entries.values[i].segmentation = segmentation
    }
  }

  func update(_ e: inout Entry, _ p: AnalysisPacket, _ c: MessageContext, _ src: AddressKey, _ t: Int64) {
    e.packetsOut += 1
    e.bytesOut += p.wireLength
    if t < e.firstNs { e.firstNs = t }
    if t > e.lastNs { e.lastNs = t }
    if let r = c.routedVia { e.routedVia = r }
    if let f = c.forwardedBy { e.forwardedBy = f }
    if e.link == nil { e.link = c.routedVia == nil ? (c.forwardedBy == nil ? p.linkSource : src) : nil }
    if e.hardware == 0, c.routedVia == nil, c.forwardedBy == nil { e.hardware = p.hardwareSource }
    if e.host == nil, c.routedVia == nil, c.forwardedBy == nil, src.kind == .vmac, p.hostSource?.kind == .ipv6 { e.host = p.hostSource }
    if let s = c.service, s < 64 {
      let bit = UInt64(1) << UInt64(s)
      switch c.apduType {
      case 0: e.clientServices |= bit
      case 2, 3, 5: e.serverServices |= bit
      case 1: e.unconfirmedServices |= bit
      default: break
      }
    }
  }

  mutating func announce(_ src: AddressKey, at i: Dictionary<AddressKey, Entry>.Index, instance: UInt32, frame: Int, source: UInt8) {
    if let old = entries.values[i].instance, old != instance, old != Self.wildcardInstance {
      if !entries.values[i].otherInstances.contains(instance) {
        if entries.values[i].otherInstances.count < 8 { entries.values[i].otherInstances.append(instance) }
        if duplicateAddresses.isEmpty || !duplicateAddressSet.contains(src) {
          if duplicateAddressSet.count < evidenceLimit { duplicateAddressSet.append(src) }
        }
        duplicateAddresses.note(frame)
      }
    } else if entries.values[i].instance == nil || entries.values[i].instance == Self.wildcardInstance {
      entries.values[i].instance = instance
      entries.values[i].instanceSource = source
      entries.values[i].iAmFrame = frame
    } else if source == 1, entries.values[i].instanceSource != 1 {
      // An I-Am confirms an instance first learnt from an I-Have or a ReadProperty reply: it is the better source.
      entries.values[i].instanceSource = 1
      entries.values[i].iAmFrame = frame
    }
    var list = instanceAddresses[instance] ?? []
    if !list.contains(where: { $0.0 == src }) {
      if list.count < 8 { list.append((src, frame)) }
      if instanceAddresses.count < cap || instanceAddresses[instance] != nil { instanceAddresses[instance] = list }
    }
  }

  /// Reads the device object's identity out of a ReadProperty / ReadPropertyMultiple reply from the device at `i`:
  /// its instance (when nothing announced one) and its names. Only device-object properties are looked at.
  mutating func harvest(_ dp: DecodedPacket, at i: Dictionary<AddressKey, Entry>.Index) {
    guard let a = dp.reassembledBox?.value ?? dp.messageBox?.value.apdu else { return }
    switch a.parameters {
    case .readPropertyACK(let r):
      guard r.object.type == .device else { return }
      learn(r.object.instance, at: i)
      note(r.property.rawValue, r.value, at: i)
    case .readPropertyMultipleACK(let results):
      for r in results where r.object.type == .device {
        learn(r.object.instance, at: i)
        for e in r.results { if let v = e.value { note(e.property.rawValue, v, at: i) } }
      }
    default:
      return
    }
  }

  mutating func learn(_ instance: UInt32, at i: Dictionary<AddressKey, Entry>.Index) {
    guard instance != Self.wildcardInstance, entries.values[i].instance == nil else { return }
    entries.values[i].instance = instance
    entries.values[i].instanceSource = 3
  }

  mutating func note(_ property: UInt32, _ value: EncodedValues, at i: Dictionary<AddressKey, Entry>.Index) {
    let slot: WritableKeyPath<Names, String?>
    switch property {
    case 77: slot = \.objectName
    case 70: slot = \.modelName
    case 121: slot = \.vendorName
    case 44: slot = \.firmware
    case 12: slot = \.software
    case 58: slot = \.location
    default: return
    }
    // The first value read stands: a device polled for its name every minute costs one decode, not one per poll.
    guard entries.values[i].names?[keyPath: slot] == nil, case .characterString(let text)? = value.firstValue else { return }
    var names = entries.values[i].names ?? Names()
    names[keyPath: slot] = String(text.string.prefix(Self.nameLimit))
    entries.values[i].names = names
  }

  /// The identity model: two BACnet addresses are one device when they are ports of one box (direct addresses
  /// with the same Ethernet source MAC: a router seen by its IP and by its MAC), or the same station seen directly
  /// and through a router (the same MAC octets, one of them on the local network 0).
  func sameDevice(_ a: AddressKey, _ b: AddressKey) -> Bool {
    if (a.network == 0 || b.network == 0), a.network != b.network, a.length == b.length, a.mac == b.mac, a.ext == b.ext {
      return true
    }
    guard a.network == 0, b.network == 0, let x = entries[a], let y = entries[b] else { return false }
    return x.hardware != 0 && x.hardware == y.hardware && x.routedVia == nil && y.routedVia == nil
  }

  /// Instances announced by more than one device (after grouping addresses by ``sameDevice(_:_:)``): the groups,
  /// and the announcing frames.
  func duplicates() -> [(UInt32, [[AddressKey]], [Int])] {
    var out: [(UInt32, [[AddressKey]], [Int])] = []
    for (instance, list) in instanceAddresses where list.count > 1 {
      var groups: [[AddressKey]] = []
      for (a, _) in list {
        if let g = groups.firstIndex(where: { $0.contains { sameDevice($0, a) } }) { groups[g].append(a) } else { groups.append([a]) }
      }
      if groups.count > 1 { out.append((instance, groups, list.map(\.1))) }
    }
    return out.sorted { $0.0 < $1.0 }
  }

  static func serviceNames(_ bits: UInt64, confirmed: Bool) -> [String] {
    var out: [String] = []
    for i in 0..<64 where bits & (UInt64(1) << UInt64(i)) != 0 {
      out.append(confirmed ? ConfirmedServiceChoice(rawValue: UInt8(i)).name : UnconfirmedServiceChoice(rawValue: UInt8(i)).name)
    }
    return out
  }

  func addressText(_ k: AddressKey) -> String {
    var s = k.description
    if let e = entries[k] {
      if let r = e.routedVia { s += " via router \(r.macText)" }
      if let f = e.forwardedBy { s += " forwarded by BBMD \(f.macText)" }
    }
    return s
  }

  /// Rows: every address, announced devices first (by instance), then the others by address.
  func table() -> ReportTable {
    var t = ReportTable(key: "devices", title: "Devices", columns: [
      ("instance", "Instance"), ("instance_source", "From"), ("object_name", "Name"), ("vendor_id", "Vendor"),
      ("vendor_name", "Vendor name"), ("reported_vendor_name", "Vendor (reported)"), ("model_name", "Model"),
      ("firmware_revision", "Firmware"), ("application_software_version", "Software"), ("location", "Location"),
      ("max_apdu", "Max APDU"), ("segmentation", "Segmentation"), ("network", "Net"), ("mac", "MAC"), ("mac_kind", "MAC kind"),
      ("addresses", "Link address"), ("router", "Router"), ("bbmd", "BBMD"), ("first_seen_ns", "First seen"),
      ("last_seen_ns", "Last seen"), ("packets_out", "Pkts out"), ("bytes_out", "Bytes out"), ("packets_in", "Pkts in"),
      ("bytes_in", "Bytes in"), ("client_services", "As client"), ("server_services", "As server"),
      ("unconfirmed_services", "Unconfirmed sent"), ("other_instances", "Also announced"),
      ("same_device_as", "Same device as"),
    ])
    var sameAs: [AddressKey: [String]] = [:]
    for (_, list) in instanceAddresses where list.count > 1 {
      for (a, _) in list {
        let others = list.filter { $0.0 != a && sameDevice($0.0, a) }.map { $0.0.description }
        if !others.isEmpty { sameAs[a] = others }
      }
    }
    let sorted = entries.sorted { a, b in
      switch (a.value.instance, b.value.instance) {
      case (let x?, let y?): return x != y ? x < y : a.key < b.key
      case (.some, nil): return true
      case (nil, .some): return false
      default: return a.key < b.key
      }
    }
    for (k, e) in sorted {
      var addresses: [String] = []
      if let l = e.link { addresses.append(l.macText) }
      if let h = e.host { addresses.append(h.macText) }
      let n = e.names
      t.rows.append([
        .n(e.instance), .string(e.instance == nil ? nil : Self.instanceSources[Int(e.instanceSource)]), .string(n?.objectName),
        .n(e.vendorID), .string(e.vendorID.map { VendorIdentifier(rawValue: $0).name }), .string(n?.vendorName),
        .string(n?.modelName), .string(n?.firmware), .string(n?.software), .string(n?.location),
        .n(e.maxAPDU), .string(e.segmentation.map { Segmentation(rawValue: $0).name }),
        .n(k.network), .string(k.macText), .string(k.kindText), .strings(addresses), .string(e.routedVia?.macText),
        .string(e.forwardedBy?.macText),
        .n(e.firstNs == .max ? nil : e.firstNs), .n(e.lastNs == .min ? nil : e.lastNs),
        .n(e.packetsOut), .n(e.bytesOut), .n(e.packetsIn), .n(e.bytesIn),
        .strings(Self.serviceNames(e.clientServices, confirmed: true)),
        .strings(Self.serviceNames(e.serverServices, confirmed: true)),
        .strings(Self.serviceNames(e.unconfirmedServices, confirmed: false)),
        .ints(e.otherInstances), .strings(sameAs[k] ?? []),
      ])
    }
    return t
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    var out: [Finding] = []
    let dups = duplicates()
    if dups.isEmpty {
      out.append(Finding(check: "duplicates.device_instance", status: .ok,
                         message: "no device instance is announced by two devices"))
    } else {
      var frames: [Int] = []
      for d in dups { frames += d.2 }
      frames.sort()
      let parts = dups.prefix(evidenceLimit).map { (i, groups, _) in
        "instance \(i) from " + groups.map { g in g.map(addressText).joined(separator: " = ") }.joined(separator: " and ")
      }
      out.append(Finding(check: "duplicates.device_instance", status: .fail, frames: Array(frames.prefix(evidenceLimit)),
                         frameCount: frames.count, message: "duplicate device instance: " + parts.joined(separator: "; ")))
    }
    if duplicateAddresses.isEmpty {
      out.append(Finding(check: "duplicates.address", status: .ok, message: "no address announces two device instances"))
    } else {
      let parts = duplicateAddressSet.map { a in
        "\(addressText(a)) announces " + ([entries[a]?.instance].compactMap { $0 } + (entries[a]?.otherInstances ?? [])).map(String.init).joined(separator: " and ")
      }
      out.append(Finding(check: "duplicates.address", status: .fail, evidence: duplicateAddresses,
                         message: "one address, several device instances: " + parts.joined(separator: "; ")))
    }
    out.append(wildcard.isEmpty
      ? Finding(check: "devices.unconfigured_instance", status: .ok, message: "no device announces the unconfigured instance 4194303")
      : Finding(check: "devices.unconfigured_instance", status: .warn, evidence: wildcard,
                message: "device announces the unconfigured instance 4194303: " + wildcardAddresses.map(addressText).joined(separator: ", ")
                  + " (give it a unique instance)"))
    return out
  }
}
