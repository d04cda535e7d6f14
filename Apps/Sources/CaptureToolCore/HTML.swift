/// Minimal HTML building: escaping and the page frame shared by every page (escaping, the CSRF field, the
/// password input and the style sheet are shared with the upload server's console).
public enum HTML {
  /// Text made safe for element content and quoted attribute values.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }

  /// A whole page: title, optional notice (error in red), body.
  static func page(title: String, notice: String? = nil, isError: Bool = false, user: String? = nil,
                   csrf: String? = nil, body: String) -> String {
    var header = "<header><strong>optigo Capture Tool</strong>"
    if let user, let csrf {
      header += """
         <span class="user">\(escape(user))</span>\
        <form method="post" action="/logout" class="inline">\(csrfField(csrf))<button>Log out</button></form>
        """
    }
    header += "</header>"
    let noticeHTML = notice.map { "<p class=\"\(isError ? "error" : "notice")\" role=\"alert\">\(escape($0))</p>" } ?? ""
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>\(escape(title)) — optigo Capture Tool</title><link rel="stylesheet" href="/static/style.css"></head>
      <body>\(header)<main><h1>\(escape(title))</h1>\(noticeHTML)\(body)</main></body></html>
      """
  }

  /// The hidden CSRF field of a form.
  public static func csrfField(_ token: String) -> String {
    "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
  }

  /// A password input with the rule as a client-side hint (the server checks it again).
  public static func newPasswordInput(name: String, label: String) -> String {
    """
    <label>\(escape(label)) <input type="password" name="\(name)" autocomplete="new-password" required \
    minlength="8" pattern="(?=.*[A-Z])(?=.*[a-z])(?=.*[^A-Za-z\\s]).{8,}" title="\(escape(PasswordRuleText.summary))"></label>
    """
  }

  /// The style sheet of every page.
  public static let styleSheet = """
    body{font-family:system-ui,sans-serif;margin:0;color:#222}header{background:#234;color:#fff;padding:.5em 1em}
    header .user{margin-left:1em}main{padding:1em;max-width:70em}.inline{display:inline}
    table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
    .error{color:#a00;font-weight:bold}.notice{color:#060}label{display:block;margin:.4em 0}
    fieldset{margin:1em 0}.rule{font-size:.9em;color:#555}
    """
}

import OptigoWebSecurity

/// The password rule's text, for the pages.
enum PasswordRuleText {
  static var summary: String { "Password rule: " + PasswordRule.summary + "." }
}
