import Foundation
import OptigoWebSecurity

/// The console's pages as HTML text.
enum Pages {
  static func login(csrf: String, notice: String? = nil) -> String {
    HTML.page(
      title: "Log in", notice: notice, isError: notice != nil,
      body: """
        <form method="post" action="/login">\(HTML.csrfField(csrf))
        <label>User name <input name="username" autocomplete="username" required autofocus></label>
        <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
        <button>Log in</button></form>
        """)
  }

  static func changePassword(session: Session, notice: String? = nil, isError: Bool = true) -> String {
    let why = session.mustChangePassword
      ? "<p class=\"error\">You are using the default password. Change it before using the console.</p>" : ""
    return HTML.page(
      title: "Change password", notice: notice, isError: isError, user: session.username, csrf: session.csrfToken,
      body: """
        \(why)<form method="post" action="/change-password">\(HTML.csrfField(session.csrfToken))
        <label>Current password <input type="password" name="current" autocomplete="current-password" required></label>
        \(HTML.newPasswordInput(name: "new", label: "New password"))
        \(HTML.newPasswordInput(name: "confirm", label: "New password again"))
        <p class="rule">\(HTML.escape(PasswordRuleText.summary))</p>
        <button>Change password</button></form>
        """)
  }

  static func console(
    session: Session, files: [SpoolFile], configuration: CaptureConfiguration, interfaces: [String],
    serialPorts: [String], status: CaptureStatus, certificate: CertificateInfo?, accounts: [Account],
    audit: [AuditEvent], notice: String?, isError: Bool, now: Date
  ) -> String {
    let csrf = HTML.csrfField(session.csrfToken)
    let admin = session.role == .admin
    var body = "<section><h2>Capture</h2><p>"
    body += status.available
      ? (status.running ? "Capturing: \(status.packets) packets, \(status.drops) dropped." : "Not capturing.")
      : HTML.escape(status.lastError ?? "Capture unavailable.")
    body += "</p>"
    if admin {
      body += """
        <form method="post" action="/capture/start" class="inline">\(csrf)<button>Start now</button></form>
        <form method="post" action="/capture/stop" class="inline">\(csrf)<button>Stop</button></form>
        """
    }
    body += "</section><section><h2>Capture files</h2>"
    if files.isEmpty {
      body += "<p>No capture files in the spool.</p>"
    } else {
      body += "<table><tr><th>File</th><th>Size</th><th>Packets</th><th>First packet</th><th>Last packet</th><th>State</th><th></th></tr>"
      for file in files {
        let name = HTML.escape(file.name)
        body += "<tr><td>\(name)</td><td>\(file.size)</td><td>\(file.packets)</td>"
        body += "<td>\(file.firstPacket.map(timeText) ?? "—")</td><td>\(file.lastPacket.map(timeText) ?? "—")</td>"
        body += "<td>\(file.damage == nil ? "complete" : "damaged")</td><td><a href=\"/files/\(name)\">Download</a> <a href=\"/files/\(name)/summary\">Summary</a>"
        if admin {
          body += """
             <form method="post" action="/files/delete" class="inline">\(csrf)\
            <input type="hidden" name="name" value="\(name)"><button>Delete</button></form>
            """
        }
        body += "</td></tr>"
      }
      body += "</table>"
    }
    body += "</section>"
    if admin {
      body += configurationForm(configuration, interfaces: interfaces, serialPorts: serialPorts, csrf: csrf)
      body += certificateSection(certificate, csrf: csrf)
      body += accountsSection(accounts, csrf: csrf, now: now)
      body += "<section><h2>Audit log (latest)</h2><table><tr><th>Time</th><th>Event</th><th>User</th><th>Address</th><th>Detail</th></tr>"
      for event in audit.reversed() {
        body += "<tr><td>\(timeText(event.time))</td><td>\(event.kind.rawValue)</td><td>\(HTML.escape(event.user ?? ""))</td>"
        body += "<td>\(HTML.escape(event.address ?? ""))</td><td>\(HTML.escape(event.detail ?? ""))</td></tr>"
      }
      body += "</table></section>"
    }
    body += "<p><a href=\"/change-password\">Change password</a> · <a href=\"/api/status\">Status (JSON)</a></p>"
    return HTML.page(
      title: "Console", notice: notice, isError: isError, user: session.username, csrf: session.csrfToken, body: body)
  }

  static func configurationForm(
    _ c: CaptureConfiguration, interfaces: [String], serialPorts: [String], csrf: String
  ) -> String {
    var s = "<section><h2>Capture configuration</h2><form method=\"post\" action=\"/config\">\(csrf)"
    s += "<fieldset><legend>IP interfaces</legend>"
    for name in Set(interfaces + c.interfaces).sorted() {
      let checked = c.interfaces.contains(name) ? " checked" : ""
      s += "<label><input type=\"checkbox\" name=\"interface\" value=\"\(HTML.escape(name))\"\(checked)> \(HTML.escape(name))</label>"
    }
    s += "</fieldset><fieldset><legend>Ports</legend>"
    s += "<p>Always captured: UDP \(CaptureConfiguration.standardPorts.lowerBound)–\(CaptureConfiguration.standardPorts.upperBound) (BACnet/IP).</p>"
    s += "<label>User-defined UDP ports (comma-separated) <input name=\"userPorts\" value=\"\(c.userPorts.map(String.init).joined(separator: ", "))\"></label>"
    s += "</fieldset><fieldset><legend>MS/TP serial ports</legend>"
    s += "<p class=\"rule\">One per line: device and baud (\(CaptureConfiguration.baudRates.map(String.init).joined(separator: ", "))) or auto. Found: \(HTML.escape(serialPorts.isEmpty ? "none" : serialPorts.joined(separator: ", ")))</p>"
    let lines = c.serialPorts.map { "\($0.device) \($0.baud.map(String.init) ?? "auto")" }.joined(separator: "\n")
    s += "<textarea name=\"serialPorts\" rows=\"3\" cols=\"50\">\(HTML.escape(lines))</textarea></fieldset>"
    s += "<fieldset><legend>Durations and files</legend>"
    s += numberInput("ipDurationMinutes", "BACnet/IP capture, minutes (at least \(CaptureConfiguration.minimumIPMinutes))", c.ipDurationMinutes)
    s += numberInput("mstpDurationMinutes", "MS/TP capture, minutes (at least \(CaptureConfiguration.minimumMSTPMinutes))", c.mstpDurationMinutes)
    s += numberInput("rotateMegabytes", "New file every … MiB", c.rotateMegabytes)
    s += numberInput("rotateMinutes", "New file every … minutes", c.rotateMinutes)
    s += numberInput("spoolCapMegabytes", "Spool cap, MiB", c.spoolCapMegabytes)
    s += numberInput("minimumFreeMegabytes", "Keep free on disk, MiB", c.minimumFreeMegabytes)
    s += "</fieldset><button>Save configuration</button></form></section>"
    return s
  }

  static func numberInput(_ name: String, _ label: String, _ value: Int) -> String {
    "<label>\(HTML.escape(label)) <input type=\"number\" name=\"\(name)\" value=\"\(value)\" required></label>"
  }

  static func certificateSection(_ info: CertificateInfo?, csrf: String) -> String {
    var s = "<section><h2>TLS certificate</h2>"
    if let info {
      s += "<p>Serving: \(HTML.escape(info.subject)), valid until \(timeText(info.notValidAfter)).</p>"
    }
    s += """
      <form method="post" action="/certificate">\(csrf)
      <label>Certificate (PEM, leaf first) <textarea name="certificate" rows="6" cols="64" required></textarea></label>
      <label>Private key (PEM) <textarea name="key" rows="6" cols="64" required></textarea></label>
      <button>Replace certificate</button></form></section>
      """
    return s
  }

  static func accountsSection(_ accounts: [Account], csrf: String, now: Date) -> String {
    var s = "<section><h2>Accounts</h2><table><tr><th>User</th><th>Role</th><th>State</th><th></th></tr>"
    for account in accounts {
      let name = HTML.escape(account.username)
      s += "<tr><td>\(name)</td><td>\(account.role.rawValue)</td><td>"
      if account.isLocked(at: now) {
        s += "locked until \(account.lockedUntil.map(timeText) ?? "")</td><td>"
        s += "<form method=\"post\" action=\"/accounts/unlock\" class=\"inline\">\(csrf)<input type=\"hidden\" name=\"username\" value=\"\(name)\"><button>Unlock</button></form>"
      } else {
        s += account.mustChangePassword ? "default password" : "active"
        s += "</td><td>"
      }
      s += "</td></tr>"
    }
    return s + "</table></section>"
  }

  static func timeText(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: date)
  }
}

/// What the console shows of the served certificate.
struct CertificateInfo: Sendable {
  var subject: String
  var notValidAfter: Date
}
