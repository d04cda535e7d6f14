import Foundation
import OptigoWebSecurity

/// The console's configuration form to and from ``CaptureConfiguration``.
enum ConfigurationForm {
  /// The configuration a form describes, and what could not be read from it.
  static func parse(_ form: FormFields) -> (CaptureConfiguration, [String]) {
    var problems: [String] = []
    var c = CaptureConfiguration.initial
    c.interfaces = form.all("interface").filter { !$0.isEmpty }
    let portText = form["userPorts"] ?? ""
    c.userPorts = []
    for item in portText.split(whereSeparator: { $0 == "," || $0 == " " }) where !item.isEmpty {
      if let port = Int(item) { c.userPorts.append(port) } else { problems.append("\"\(item)\" is not a port number.") }
    }
    c.serialPorts = []
    for line in (form["serialPorts"] ?? "").split(whereSeparator: \.isNewline) {
      let words = line.split(separator: " ", omittingEmptySubsequences: true)
      guard !words.isEmpty else { continue }
      guard words.count <= 2 else { problems.append("Serial line \"\(line)\": device and baud only."); continue }
      let baudWord = words.count == 2 ? String(words[1]) : "auto"
      if baudWord == "auto" {
        c.serialPorts.append(.init(device: String(words[0]), baud: nil))
      } else if let baud = Int(baudWord) {
        c.serialPorts.append(.init(device: String(words[0]), baud: baud))
      } else {
        problems.append("Serial line \"\(line)\": \"\(baudWord)\" is neither a baud rate nor auto.")
      }
    }
    func number(_ name: String, _ keyPath: WritableKeyPath<CaptureConfiguration, Int>) {
      if let value = form[name].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
        c[keyPath: keyPath] = value
      } else {
        problems.append("\(name) must be a whole number.")
      }
    }
    number("ipDurationMinutes", \.ipDurationMinutes)
    number("mstpDurationMinutes", \.mstpDurationMinutes)
    number("rotateMegabytes", \.rotateMegabytes)
    number("rotateMinutes", \.rotateMinutes)
    number("spoolCapMegabytes", \.spoolCapMegabytes)
    number("minimumFreeMegabytes", \.minimumFreeMegabytes)
    return (c, problems)
  }

  /// The changed settings, for the audit log.
  static func changes(from old: CaptureConfiguration, to new: CaptureConfiguration) -> String {
    var changed: [String] = []
    if old.interfaces != new.interfaces { changed.append("interfaces=\(new.interfaces.joined(separator: ","))") }
    if old.userPorts != new.userPorts { changed.append("userPorts=\(new.userPorts.map(String.init).joined(separator: ","))") }
    if old.serialPorts != new.serialPorts {
      changed.append("serialPorts=" + new.serialPorts.map { "\($0.device):\($0.baud.map(String.init) ?? "auto")" }.joined(separator: ","))
    }
    let numbers: [(String, KeyPath<CaptureConfiguration, Int>)] = [
      ("ipDurationMinutes", \.ipDurationMinutes), ("mstpDurationMinutes", \.mstpDurationMinutes),
      ("rotateMegabytes", \.rotateMegabytes), ("rotateMinutes", \.rotateMinutes),
      ("spoolCapMegabytes", \.spoolCapMegabytes), ("minimumFreeMegabytes", \.minimumFreeMegabytes),
    ]
    for (name, keyPath) in numbers where old[keyPath: keyPath] != new[keyPath: keyPath] {
      changed.append("\(name)=\(new[keyPath: keyPath])")
    }
    return changed.isEmpty ? "no change" : changed.joined(separator: " ")
  }
}
