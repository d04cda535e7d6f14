import ArgumentParser
import BACnetAnalysis
import BACnetDecode

/// The BACnet content options shared by `filter` and `list`: each parses its text and hands it to the
/// library's ``ContentSelector``; the meaning of each option is documented there and in docs/content-selection.md.
struct ContentOptions: ParsableArguments {
  @Option(name: .customLong("device"), help: ArgumentHelp(
    "Keep messages naming device N (device,N anywhere in the APDU, or a Who-Is/Who-Has range holding N); repeatable (any of them).",
    valueName: "instance"))
  var devices: [UInt32] = []

  @Option(name: .customLong("address"), help: ArgumentHelp(
    "Keep packets to or from an IP host (192.168.1.10, 192.168.1.10:47808, fe80::1, [fe80::1]:47808; also the original source of a Forwarded-NPDU), an Ethernet MAC (00:11:22:33:44:55) or an MS/TP station (0-255); repeatable.",
    valueName: "address"))
  var addresses: [String] = []

  @Option(name: .customLong("service"), help: ArgumentHelp(
    "Keep messages of a service: a name as tshark or the standard writes it (readProperty, read-property, who-is, i-Am), a confirmed service number (12) or u:N for unconfirmed service N; repeatable.",
    valueName: "name"))
  var services: [String] = []

  @Option(name: .customLong("object"), help: ArgumentHelp(
    "Keep messages naming an object TYPE,INSTANCE (analog-input,1, analogInput,1, 0,1; INSTANCE * for any); repeatable.",
    valueName: "type,instance"))
  var objects: [String] = []

  @Option(name: .customLong("pdu-type"), help: ArgumentHelp(
    "Keep APDUs of a type: confirmed-request, unconfirmed-request, simple-ack, complex-ack, segment-ack, error, reject, abort (or tshark's Confirmed-REQ …, or 0-7); repeatable.",
    valueName: "type"))
  var pduTypes: [String] = []

  @Option(name: .customLong("network"), help: ArgumentHelp(
    "Keep messages whose SNET or DNET is N, and network-layer messages naming network N; repeatable.",
    valueName: "n"))
  var networks: [UInt16] = []

  /// True when any content option is given.
  var isActive: Bool {
    !devices.isEmpty || !addresses.isEmpty || !services.isEmpty || !objects.isEmpty || !pduTypes.isEmpty
      || !networks.isEmpty
  }

  /// The parsed criteria.
  func criteria() throws -> ContentCriteria {
    var c = ContentCriteria()
    c.devices = devices
    c.networks = networks
    c.services = try services.map { text in
      guard let s = ServiceSelector(parsing: text) else {
        throw ValidationError("--service \(text): not a BACnet service name or number (e.g. readProperty, who-Is, 12, u:8)")
      }
      return s
    }
    c.objects = try objects.map { text in
      guard let o = ObjectSelector(parsing: text) else {
        throw ValidationError("--object \(text): expected TYPE,INSTANCE with a known object type name or a number 0-1023 and an instance 0-4194303 or * (e.g. analog-input,1)")
      }
      return o
    }
    c.pduTypes = try pduTypes.map { text in
      guard let t = APDUType(selecting: text) else {
        throw ValidationError("--pdu-type \(text): expected confirmed-request, unconfirmed-request, simple-ack, complex-ack, segment-ack, error, reject, abort or 0-7")
      }
      return t
    }
    return c
  }

  /// The parsed addresses.
  func addressSelectors() throws -> [AddressSelector] {
    try addresses.map { text in
      guard let a = AddressSelector(parsing: text) else {
        throw ValidationError("--address \(text): expected an IPv4 or IPv6 address (optionally with :port), a MAC address or an MS/TP station 0-255")
      }
      return a
    }
  }

  func validate() throws {
    for d in devices where d > 0x3F_FFFF { throw ValidationError("--device \(d): a device instance is at most 4194303") }
    _ = try criteria()
    _ = try addressSelectors()
  }
}
