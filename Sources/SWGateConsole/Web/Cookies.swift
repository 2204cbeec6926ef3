import Foundation

/// The console's cookies: reading the `Cookie` header and writing `Set-Cookie`.
enum Cookies {
    /// The session cookie. Scoped to `/console`; the value is the session id and nothing else.
    static let session = "swgate_console"
    /// The sign-in form's own CSRF token (double submit: cookie and hidden field must match).
    static let signIn = "swgate_console_signin"

    /// Name → value of a `Cookie` header.
    static func parse(_ header: String?) -> [String: String] {
        var cookies: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingCharacters(in: .whitespaces)
            if cookies[name] == nil { cookies[name] = pair[1].trimmingCharacters(in: .whitespaces) }
        }
        return cookies
    }

    /// A `Set-Cookie` value: `HttpOnly; SameSite=Strict; Path=/console`, plus `Secure` when the
    /// console is served over TLS (or configured so), and `Max-Age` (0 deletes).
    static func setCookie(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=/console; HttpOnly; SameSite=Strict"
        if secure { text += "; Secure" }
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        return text
    }
}
