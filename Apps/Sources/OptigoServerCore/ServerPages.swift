import CaptureToolCore
import Foundation
import OptigoWebSecurity

/// The console's pages: server-rendered HTML, every value escaped, no script and no external asset.
enum ServerPages {
  static func page(title: String, notice: String? = nil, isError: Bool = false, viewer: Viewer? = nil,
                   csrf: String? = nil, body: String) -> String {
    var header = "<header><strong>optigo</strong>"
    if let viewer, let csrf {
      header += """
         <nav><a href="/sites">Sites</a>\(viewer.isAdmin ? " <a href=\"/admin/tokens\">Capture tools</a> <a href=\"/admin/users\">Users</a> <a href=\"/admin/activity\">Activity</a>" : "")</nav>\
         <span class="user">\(HTML.escape(viewer.username)) (\(HTML.escape(viewer.organisationName)))</span>\
        <form method="post" action="/logout" class="inline">\(HTML.csrfField(csrf))<button>Log out</button></form>
        """
    }
    header += "</header>"
    let noticeHTML = notice.map { "<p class=\"\(isError ? "error" : "notice")\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>\(HTML.escape(title)) — optigo</title><link rel="stylesheet" href="/static/style.css"></head>
      <body>\(header)<main><h1>\(HTML.escape(title))</h1>\(noticeHTML)\(body)</main></body></html>
      """
  }

  static func login(csrf: String, notice: String? = nil) -> String {
    page(title: "Log in", notice: notice, isError: notice != nil, body: """
      <form method="post" action="/login">\(HTML.csrfField(csrf))
      <label>User name <input name="username" autocomplete="username" required autofocus></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      <button>Log in</button></form>
      """)
  }

  static func changePassword(session: Session, notice: String? = nil) -> String {
    let why = session.mustChangePassword
      ? "<p class=\"error\">You are using an initial password. Change it before using the console.</p>" : ""
    return page(title: "Change password", notice: notice, isError: true, body: """
      \(why)<form method="post" action="/change-password">\(HTML.csrfField(session.csrfToken))
      <label>Current password <input type="password" name="current" autocomplete="current-password" required></label>
      \(HTML.newPasswordInput(name: "new", label: "New password"))
      \(HTML.newPasswordInput(name: "confirm", label: "New password again"))
      <p class="rule">Password rule: \(HTML.escape(PasswordRule.summary)).</p>
      <button>Change password</button></form>
      <form method="post" action="/logout">\(HTML.csrfField(session.csrfToken))<button>Log out</button></form>
      """)
  }

  static func sites(viewer: Viewer, csrf: String, sites: [Site], notice: String?, isError: Bool) -> String {
    var body = "<table><tr><th>Site</th></tr>"
    for site in sites {
      body += "<tr><td><a href=\"/sites/\(site.id)\">\(HTML.escape(site.name))</a></td></tr>"
    }
    body += "</table>"
    if sites.isEmpty { body += "<p>No site yet.</p>" }
    if viewer.isAdmin {
      body += """
        <form method="post" action="/sites">\(HTML.csrfField(csrf))<label>New site <input name="name" required maxlength="200"></label>\
        <button>Add site</button></form>
        """
    }
    return page(title: "Sites", notice: notice, isError: isError, viewer: viewer, csrf: csrf, body: body)
  }

  static func site(viewer: Viewer, csrf: String, site: Site, captures: [CaptureListing]) -> String {
    let format = ISO8601DateFormatter()
    var body = """
      <table><tr><th>Uploaded (UTC)</th><th>Name</th><th>Packets</th><th>Bytes</th><th>Status</th><th>Analysis</th>\
      <th></th></tr>
      """
    for c in captures {
      let analysis = switch c.jobState {
      case "done": "<a href=\"/captures/\(c.id)\">report</a>"
      case "failed": "failed: \(HTML.escape(c.jobError ?? ""))"
      default: HTML.escape(c.jobState ?? "—")
      }
      body += """
        <tr><td>\(format.string(from: c.uploadedAt))</td><td>\(HTML.escape(c.originalName ?? "—"))</td>\
        <td>\(c.packets)</td><td>\(c.size)</td>\
        <td>\(HTML.escape(c.status))\(c.repairAccount.map { "<br><small>\(HTML.escape($0))</small>" } ?? "")</td>\
        <td>\(analysis)</td><td><a href="/captures/\(c.id)/download">download</a></td></tr>
        """
    }
    body += "</table>"
    if captures.isEmpty { body += "<p>No capture uploaded to this site yet.</p>" }
    return page(title: "Site \(site.name)", viewer: viewer, csrf: csrf, body: body)
  }

  static func report(viewer: Viewer, csrf: String, capture: CaptureListing, json: String) -> String {
    var body = """
      <p>Capture \(HTML.escape(capture.originalName ?? capture.id)): \(capture.packets) packets, status \
      \(HTML.escape(capture.status)). <a href="/captures/\(capture.id)/report.json">JSON</a> · \
      <a href="/captures/\(capture.id)/download">download</a> · <a href="/sites/\(capture.site)">site</a></p>
      """
    if let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
      let findings = object["findings"] as? [[String: Any]]
    {
      body += "<h2>Findings</h2><table><tr><th>Check</th><th>Status</th><th>Message</th></tr>"
      for f in findings {
        body += """
          <tr><td>\(HTML.escape("\(f["check"] ?? "")"))</td><td>\(HTML.escape("\(f["status"] ?? "")"))</td>\
          <td>\(HTML.escape("\(f["message"] ?? "")"))</td></tr>
          """
      }
      body += "</table>"
    }
    body += "<h2>Report</h2><pre>\(HTML.escape(json))</pre>"
    return page(title: "Report", viewer: viewer, csrf: csrf, body: body)
  }

  static func tokens(viewer: Viewer, csrf: String, tokens: [DeviceToken], sites: [Site], newToken: String?,
                     notice: String?, isError: Bool) -> String {
    let format = ISO8601DateFormatter()
    let siteNames = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0.name) })
    var body = ""
    if let newToken {
      body += "<p class=\"notice\">The new token (shown once, give it to the capture tool): <code>\(HTML.escape(newToken))</code></p>"
    }
    body += "<table><tr><th>Name</th><th>Site</th><th>Issued</th><th>State</th><th></th></tr>"
    for t in tokens {
      let revoke = t.revokedAt == nil
        ? "<form method=\"post\" action=\"/admin/tokens/\(t.id)/revoke\">\(HTML.csrfField(csrf))<button>Revoke</button></form>" : ""
      body += """
        <tr><td>\(HTML.escape(t.name))</td><td>\(HTML.escape(siteNames[t.site] ?? "?"))</td>\
        <td>\(format.string(from: t.createdAt))</td><td>\(t.revokedAt == nil ? "live" : "revoked")</td><td>\(revoke)</td></tr>
        """
    }
    body += "</table>"
    let options = sites.map { "<option value=\"\($0.id)\">\(HTML.escape($0.name))</option>" }.joined()
    body += """
      <form method="post" action="/admin/tokens">\(HTML.csrfField(csrf))<label>Capture tool <input name="name" required maxlength="200"></label>\
      <label>Site <select name="site">\(options)</select></label><button>Issue token</button></form>
      """
    return page(title: "Capture tools", notice: notice, isError: isError, viewer: viewer, csrf: csrf, body: body)
  }

  static func users(viewer: Viewer, csrf: String, accounts: [Account], now: Date, notice: String?, isError: Bool) -> String {
    var body = "<table><tr><th>User</th><th>Role</th><th>State</th><th></th></tr>"
    for a in accounts {
      let locked = a.isLocked(at: now)
      let unlock = locked
        ? "<form method=\"post\" action=\"/admin/users/unlock\">\(HTML.csrfField(csrf))<input type=\"hidden\" name=\"username\" value=\"\(HTML.escape(a.username))\"><button>Unlock</button></form>" : ""
      body += "<tr><td>\(HTML.escape(a.username))</td><td>\(a.role.rawValue)</td><td>\(locked ? "locked" : "active")</td><td>\(unlock)</td></tr>"
    }
    body += "</table>"
    body += """
      <form method="post" action="/admin/users">\(HTML.csrfField(csrf))<label>User name (email) <input name="username" required maxlength="128"></label>\
      <label>Role <select name="role"><option value="member">member</option><option value="admin">admin</option></select></label>\
      \(HTML.newPasswordInput(name: "password", label: "Initial password (changed at first login)"))<button>Add user</button></form>
      """
    return page(title: "Users", notice: notice, isError: isError, viewer: viewer, csrf: csrf, body: body)
  }

  static func activity(viewer: Viewer, csrf: String, entries: [ActivityEntry]) -> String {
    let format = ISO8601DateFormatter()
    var body = "<p><a href=\"/admin/activity.csv\">Export CSV</a></p><table><tr><th>Time (UTC)</th><th>Event</th><th>User</th><th>Address</th><th>Detail</th></tr>"
    for e in entries {
      body += """
        <tr><td>\(format.string(from: e.time))</td><td>\(HTML.escape(e.kind))</td><td>\(HTML.escape(e.user ?? ""))</td>\
        <td>\(HTML.escape(e.address ?? ""))</td><td>\(HTML.escape(e.detail ?? ""))</td></tr>
        """
    }
    body += "</table>"
    return page(title: "Activity", viewer: viewer, csrf: csrf, body: body)
  }
}

/// Who is looking: the session's user with their organisation and current role.
struct Viewer: Sendable {
  var username: String
  var organisation: Int
  var organisationName: String
  var role: Account.Role
  var isAdmin: Bool { role == .admin }
}
