import BACnetDecode

/// Writes and device management (checks 15 and 16 of the analysis reference): who wrote which object and
/// property, with the last value and priority and the NULL relinquishes; DeviceCommunicationControl and
/// ReinitializeDevice requests; time synchronization senders with the clock offset against the capture time.
///
/// Writes are aggregated per (client, server, object, property, array index), so memory is bounded by the
/// distinct points written (capped at `max_table_rows`), never by the number of writes.
struct OperationsAnalyzer {
  struct WriteKey: Hashable, Comparable {
    var client: AddressKey
    var server: AddressKey
    var object: UInt32
    var property: UInt32
    var arrayIndex: UInt32?
    static func < (a: WriteKey, b: WriteKey) -> Bool {
      (a.server, a.object, a.property, a.arrayIndex ?? .max, a.client)
        < (b.server, b.object, b.property, b.arrayIndex ?? .max, b.client)
    }
  }
  struct WriteStats {
    var count = 0
    var relinquishes = 0
    var firstFrame: Int
    var lastFrame: Int
    /// The last value's encoded tags (rendered only for the report; the buffer is reused, so a write to a point
    /// seen before allocates nothing), empty when it was longer than ``valueBytesLimit``.
    var lastValue: [UInt8] = []
    var lastValueLength = 0
    var lastPriority: UInt8?

    mutating func update(frame: Int, value: ArraySlice<UInt8>, priority: UInt8?, relinquish: Bool) {
      count += 1
      if relinquish { relinquishes += 1 }
      lastFrame = frame
      lastPriority = priority
      lastValue.removeAll(keepingCapacity: true)
      if value.count <= OperationsAnalyzer.valueBytesLimit { lastValue.append(contentsOf: value) }
      lastValueLength = value.count
    }

    /// The last value as short text.
    var valueText: String {
      guard lastValue.count == lastValueLength else { return "(\(lastValueLength) octets)" }
      let text = EncodedValues(bytes: lastValue[...], offset: 0).summary
      let limit = OperationsAnalyzer.valueTextLimit
      return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
  }
  struct ControlRow {
    var frame: Int
    var client: AddressKey?
    var server: AddressKey?
    var service: String
    var detail: String
  }
  struct TimeSyncKey: Hashable, Comparable {
    var sender: AddressKey
    var utc: Bool
    static func < (a: TimeSyncKey, b: TimeSyncKey) -> Bool { (a.sender, a.utc ? 1 : 0) < (b.sender, b.utc ? 1 : 0) }
  }
  struct TimeSyncStats {
    var count = 0
    var lastFrame = 0
    var lastOffsetS: Double?
  }

  /// Longest value text shown per written point.
  static let valueTextLimit = 80
  /// Longest encoded value kept per written point.
  static let valueBytesLimit = 512

  let cap: Int
  var writes: [WriteKey: WriteStats] = [:]
  var writeRequests = 0, writeMultipleRequests = 0, writtenValues = 0, relinquishes = 0
  var writesDropped = 0
  var controls: [ControlRow] = []
  var controlsDropped = 0
  var disabling = Evidence()
  var reinitializations = Evidence()
  var timeSyncs: [TimeSyncKey: TimeSyncStats] = [:]
  var timeSyncCount = 0

  init(config: SummaryConfiguration) {
    cap = config.maxTableRows
    disabling = Evidence(limit: config.evidenceLimit)
    reinitializations = Evidence(limit: config.evidenceLimit)
  }

  mutating func consume(_ p: AnalysisPacket, _ dp: DecodedPacket, _ c: MessageContext) {
    // Only Confirmed-Request WP (15), WPM (16), DCC (17), ReinitializeDevice (20) and Unconfirmed
    // TimeSynchronization (6) / UTCTimeSynchronization (9) are read; everything else returns here.
    switch (c.apduType, c.service) {
    case (0, 15), (0, 16), (0, 17), (0, 20), (1, 6), (1, 9): break
    default: return
    }
    guard let a = dp.reassembledBox?.value ?? dp.messageBox?.value.apdu, !a.needsReassembly || dp.reassembledBox != nil
    else { return }
    switch a.parameters {
    case .writeProperty(let w):
      writeRequests += 1
      noteWrite(c, object: w.object, property: w.property, arrayIndex: w.arrayIndex, value: w.value, priority: w.priority,
                frame: p.frame)
    case .writePropertyMultiple(let specs):
      writeMultipleRequests += 1
      for s in specs {
        for v in s.values {
          noteWrite(c, object: s.object, property: v.property, arrayIndex: v.arrayIndex, value: v.value, priority: v.priority,
                    frame: p.frame)
        }
      }
    case .deviceCommunicationControl(let d):
      let minutes = d.timeDuration.map { "\($0) min" } ?? "indefinitely"
      let detail = "\(d.enableDisableName)" + (d.enableDisable == 0 ? "" : " \(minutes)") + (d.password != nil ? ", password given" : "")
      if d.enableDisable != 0 { disabling.note(p.frame) }
      addControl(p, c, service: "deviceCommunicationControl", detail: detail)
    case .reinitializeDevice(let r):
      reinitializations.note(p.frame)
      addControl(p, c, service: "reinitializeDevice", detail: r.stateName + (r.password != nil ? ", password given" : ""))
    case .timeSynchronization(let t):
      guard let sender = c.source else { return }
      timeSyncCount += 1
      let key = TimeSyncKey(sender: sender, utc: c.service == 9)
      guard timeSyncs[key] != nil || timeSyncs.count < cap else { return }
      var s = timeSyncs[key] ?? TimeSyncStats()
      s.count += 1
      s.lastFrame = p.frame
      s.lastOffsetS = p.hasTime ? Self.epochSeconds(t.date, t.time).map { $0 - Double(p.timeNs) / 1e9 } : nil
      timeSyncs[key] = s
    default: break
    }
  }

  mutating func noteWrite(_ c: MessageContext, object: BACnetDecode.ObjectIdentifier, property: PropertyIdentifier,
                          arrayIndex: UInt32?, value: EncodedValues, priority: UInt8?, frame: Int) {
    writtenValues += 1
    let relinquish = value.firstValue == .null
    if relinquish { relinquishes += 1 }
    guard let client = c.source, let server = c.destination else { return }
    let key = WriteKey(client: client, server: server, object: object.rawValue, property: property.rawValue,
                       arrayIndex: arrayIndex)
    if let i = writes.index(forKey: key) {
      writes.values[i].update(frame: frame, value: value.bytes, priority: priority, relinquish: relinquish)
      return
    }
    guard writes.count < cap else {
      writesDropped += 1
      return
    }
    var s = WriteStats(firstFrame: frame, lastFrame: frame)
    s.update(frame: frame, value: value.bytes, priority: priority, relinquish: relinquish)
    writes[key] = s
  }

  mutating func addControl(_ p: AnalysisPacket, _ c: MessageContext, service: String, detail: String) {
    guard controls.count < cap else {
      controlsDropped += 1
      return
    }
    controls.append(ControlRow(frame: p.frame, client: c.source, server: c.destination, service: service, detail: detail))
  }

  /// Seconds since the epoch of a BACnet date and time read as UTC; nil when any field is a wildcard or special.
  static func epochSeconds(_ d: BACnetDate, _ t: BACnetTime) -> Double? {
    guard let year = d.year, (1...12).contains(d.month), (1...31).contains(d.day), t.hour < 24, t.minute < 60,
          t.second < 60, t.hundredths < 100 else { return nil }
    // Days from 1970-01-01 to the civil date (proleptic Gregorian).
    let y = year - (d.month <= 2 ? 1 : 0)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int(d.month)
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int(d.day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146_097 + doe - 719_468
    let seconds = days * 86_400 + Int(t.hour) * 3600 + Int(t.minute) * 60 + Int(t.second)
    return Double(seconds) + Double(t.hundredths) / 100
  }

  func section() -> ReportSection {
    var s = ReportSection(key: "operations", title: "Writes and device management")
    s.facts = [("write_property_requests", .n(writeRequests)), ("write_property_multiple_requests", .n(writeMultipleRequests)),
               ("values_written", .n(writtenValues)), ("relinquishes", .n(relinquishes)), ("writes_dropped", .n(writesDropped)),
               ("communication_control_disables", .n(disabling.count)), ("reinitializations", .n(reinitializations.count)),
               ("time_synchronizations", .n(timeSyncCount)), ("control_rows_dropped", .n(controlsDropped))]
    var wt = ReportTable(key: "writes", title: "Writes (last value per point)", columns: [
      ("server", "Server"), ("object", "Object"), ("property", "Property"), ("array_index", "Index"), ("client", "Client"),
      ("writes", "Writes"), ("relinquishes", "Relinquishes"), ("last_priority", "Priority"), ("last_value", "Last value"),
      ("first_frame", "First"), ("last_frame", "Last")])
    for (k, v) in writes.sorted(by: { $0.key < $1.key }) {
      let object = BACnetDecode.ObjectIdentifier(rawValue: k.object)
      wt.rows.append([.string(k.server.description), .string(object.description),
                      .string(PropertyIdentifier(rawValue: k.property).name), .n(k.arrayIndex), .string(k.client.description),
                      .n(v.count), .n(v.relinquishes), .n(v.lastPriority), .string(v.valueText), .n(v.firstFrame), .n(v.lastFrame)])
    }
    var ct = ReportTable(key: "device_management", title: "Device management", columns: [
      ("frame", "Frame"), ("client", "Client"), ("server", "Server"), ("service", "Service"), ("detail", "Detail")])
    for r in controls {
      ct.rows.append([.n(r.frame), .string(r.client?.description), .string(r.server?.description), .string(r.service), .string(r.detail)])
    }
    var tt = ReportTable(key: "time_sync", title: "Time synchronization", columns: [
      ("sender", "Sender"), ("kind", "Kind"), ("count", "Count"), ("last_frame", "Last frame"), ("last_offset_s", "Offset (s)")])
    for (k, v) in timeSyncs.sorted(by: { $0.key < $1.key }) {
      tt.rows.append([.string(k.sender.description), .string(k.utc ? "utc" : "local"), .n(v.count), .n(v.lastFrame),
                      v.lastOffsetS.map { .double($0) } ?? .null])
    }
    s.tables = [wt, ct, tt]
    return s
  }

  func findings(_ config: SummaryConfiguration) -> [Finding] {
    [
      disabling.isEmpty
        ? Finding(check: "operations.communication_control", status: .ok,
                  message: "no DeviceCommunicationControl disabling a device")
        : Finding(check: "operations.communication_control", status: .warn, evidence: disabling,
                  message: "\(disabling.count) DeviceCommunicationControl request(s) disabling a device's communication (see the device management table): a silent device may simply have been told to stop"),
      reinitializations.isEmpty
        ? Finding(check: "operations.reinitialize", status: .ok, message: "no ReinitializeDevice")
        : Finding(check: "operations.reinitialize", status: .warn, evidence: reinitializations,
                  message: "\(reinitializations.count) ReinitializeDevice request(s) (see the device management table)"),
    ]
  }
}
