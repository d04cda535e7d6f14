import BACnetDecode

/// Section 2 (device inventory) and the instance/address duplicate checks of section 5.
///
/// One entry per BACnet address (network + MAC, after normalising routed and BBMD-forwarded messages), capped
/// at ``SummaryConfiguration/maxDevices``. Services are bit sets, so the per-packet work is a dictionary update.
struct DeviceAnalyzer {
  struct Entry {
    var firstNs: Int64 = .max
    var lastNs: Int64 = .min
    var packetsOut = 0, bytesOut = 0, packetsIn = 0, bytesIn = 0
    var routedVia: AddressKey?
    var forwardedBy: AddressKey?
    var instance: UInt32?
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
  }

  var entries: [AddressKey: Entry] = [:]
  var dropped = 0
  let cap: Int
  let evidenceLimit: Int
  /// instance → addresses that announced it (first ones) with the announcing frame.
  var instanceAddresses: [UInt32: [(AddressKey, Int)]] = [:]
  var duplicateInstances = Evidence()
  var duplicateInstanceSet: [UInt32] = []
  var duplicateAddresses = Evidence()
  var duplicateAddressSet: [AddressKey] = []

  init(config: SummaryConfiguration) {
    cap = config.maxDevices
    evidenceLimit = config.evidenceLimit
    duplicateInstances = Evidence(limit: config.evidenceLimit)
    duplicateAddresses = Evidence(limit: config.evidenceLimit)
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
    guard let (instance, vendor, maxAPDU, segmentation) = c.announced else { return }
    announce(src, at: i, instance: instance, frame: p.frame)
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

  mutating func announce(_ src: AddressKey, at i: Dictionary<AddressKey, Entry>.Index, instance: UInt32, frame: Int) {
    if let old = entries.values[i].instance, old != instance {
      if !entries.values[i].otherInstances.contains(instance) {
        if entries.values[i].otherInstances.count < 8 { entries.values[i].otherInstances.append(instance) }
        if duplicateAddresses.isEmpty || !duplicateAddressSet.contains(src) {
          if duplicateAddressSet.count < evidenceLimit { duplicateAddressSet.append(src) }
        }
        duplicateAddresses.note(frame)
      }
    } else if entries.values[i].instance == nil {
      entries.values[i].instance = instance
      entries.values[i].iAmFrame = frame
    }
    var list = instanceAddresses[instance] ?? []
    if !list.contains(where: { $0.0 == src }) {
      if list.count == 1 {
        // A second address for this instance: the first announcement is evidence too.
        duplicateInstances.note(list[0].1)
        if duplicateInstanceSet.count < evidenceLimit { duplicateInstanceSet.append(instance) }
      }
      if !list.isEmpty { duplicateInstances.note(frame) }
      if list.count < 8 { list.append((src, frame)) }
      if instanceAddresses.count < cap || instanceAddresses[instance] != nil { instanceAddresses[instance] = list }
    }
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
      ("instance", "Instance"), ("vendor_id", "Vendor"), ("vendor_name", "Vendor name"), ("max_apdu", "Max APDU"),
      ("segmentation", "Segmentation"), ("network", "Net"), ("mac", "MAC"), ("addresses", "Link address"),
      ("router", "Router"), ("bbmd", "BBMD"), ("first_seen_ns", "First seen (ns)"), ("last_seen_ns", "Last seen (ns)"),
      ("packets_out", "Pkts out"), ("bytes_out", "Bytes out"), ("packets_in", "Pkts in"), ("bytes_in", "Bytes in"),
      ("client_services", "As client"), ("server_services", "As server"), ("unconfirmed_services", "Unconfirmed sent"),
      ("other_instances", "Also announced"),
    ])
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
      t.rows.append([
        .n(e.instance), .n(e.vendorID), .string(e.vendorID.map { VendorIdentifier(rawValue: $0).name }),
        .n(e.maxAPDU), .string(e.segmentation.map { Segmentation(rawValue: $0).name }),
        .n(k.network), .string(k.macText), .strings(addresses), .string(e.routedVia?.macText), .string(e.forwardedBy?.macText),
        .n(e.firstNs == .max ? nil : e.firstNs), .n(e.lastNs == .min ? nil : e.lastNs),
        .n(e.packetsOut), .n(e.bytesOut), .n(e.packetsIn), .n(e.bytesIn),
        .strings(Self.serviceNames(e.clientServices, confirmed: true)),
        .strings(Self.serviceNames(e.serverServices, confirmed: true)),
        .strings(Self.serviceNames(e.unconfirmedServices, confirmed: false)),
        .ints(e.otherInstances),
      ])
    }
    return t
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    var out: [Finding] = []
    if duplicateInstances.isEmpty {
      out.append(Finding(check: "duplicates.device_instance", status: .ok, message: "no device instance is announced from two addresses"))
    } else {
      let parts = duplicateInstanceSet.map { i in
        "instance \(i) from " + (instanceAddresses[i] ?? []).map { addressText($0.0) }.joined(separator: " and ")
      }
      out.append(Finding(check: "duplicates.device_instance", status: .fail, evidence: duplicateInstances,
                         message: "duplicate device instance: " + parts.joined(separator: "; ")))
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
    return out
  }
}
