import Foundation
public import Logging
public import SWGateHTTP
import SWGateStore

/// The operator console at `/console`: server-rendered pages over the outbox, behind operator
/// sign-in. No JavaScript; every state change is a POST form carrying the session's CSRF token,
/// and every action (sign-in and sign-out, replays, downloads, exports, chain verifications) is
/// audited with the operator's name as its actor.
///
/// Routes (below `/console`): `/sign-in`, `/sign-out`, `/` (dashboard), `/messages` (search,
/// `?format=csv`), `/messages/<id>` (one message), `/messages/<id>/payload/<delivery>` and
/// `/messages/<id>/receipt/<delivery>/<n>` (downloads), `/replay`, `/audit`, `/audit/verify`,
/// `/preferences`, `/static/console.css`.
public struct ConsoleEndpoint: Endpoint {
    let settings: ConsoleSettings
    let context: ConsoleContext
    let sessions: ConsoleSessions
    let limiter: SignInLimiter
    /// Whether cookies carry `Secure`.
    let secureCookies: Bool
    let logger: Logger
    /// Operators by name.
    let accounts: [String: ConsoleOperator]

    /// `listenerUsesTLS` decides `Secure` cookies when ``ConsoleSettings/secureCookies`` is `auto`.
    public init(
        settings: ConsoleSettings, context: ConsoleContext, listenerUsesTLS: Bool, sessions: ConsoleSessions? = nil, limiter: SignInLimiter? = nil,
        logger: Logger? = nil
    ) {
        self.settings = settings
        self.context = context
        self.sessions = sessions ?? ConsoleSessions(idleTimeout: settings.sessionIdle, absoluteTimeout: settings.sessionLifetime)
        self.limiter = limiter ?? SignInLimiter(maximumFailures: settings.signInFailures, window: settings.signInWindow)
        switch settings.secureCookies {
        case .auto: secureCookies = listenerUsesTLS
        case .always: secureCookies = true
        case .never: secureCookies = false
        }
        self.logger = logger ?? Logger(label: "swgate.console")
        accounts = Dictionary(settings.operators.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        let sub = request.path == "/console" ? "" : String(request.path.dropFirst("/console".count))
        switch (request.method, sub) {
        case ("GET", "/static/console.css"), ("HEAD", "/static/console.css"):
            var response = EndpointResponse(status: 200, contentType: "text/css; charset=utf-8", body: Array(ConsoleStyle.css.utf8))
            response.headers["cache-control"] = "max-age=3600"
            return response
        case ("GET", "/sign-in"):
            return signInPage(problem: nil, notice: request.query["signed-out"] != nil ? "You are signed out." : nil)
        case ("POST", "/sign-in"):
            do {
                return try await signIn(request)
            } catch {
                return failure(error, "POST /sign-in", layout: nil)
            }
        default:
            break
        }
        let cookies = Cookies.parse(request.headers["cookie"])
        guard let id = cookies[Cookies.session], let session = sessions.session(id: id) else {
            if request.method == "GET" || request.method == "HEAD" { return Self.redirect("/console/sign-in") }
            return Self.html(
                status: 401, Self.bare(title: "Sign in first", body: #"<p>This action needs a session. <a href="/console/sign-in">Sign in</a>.</p>"#))
        }
        let form = FormData(bytes: request.body)
        if request.method == "POST" {
            guard let token = form["csrf"], ConstantTime.equal(token, session.csrfToken) else {
                logger.warning("console: POST \(sub) by \(session.operatorName) refused: missing or wrong CSRF token")
                return Self.html(
                    status: 403,
                    Self.bare(
                        title: "Refused",
                        body: "<p>The form is missing its security token, or the token is stale. Go back, reload the page and try again.</p>"))
            }
        }
        let layout = Layout(session: session, version: context.version)
        let display = TimeDisplay(zone: session.timeZone)
        do {
            switch (request.method, sub) {
            case ("GET", ""), ("GET", "/"):
                return try await dashboard(layout, display)
            case ("GET", "/messages"):
                return try await search(FormData(query: request), layout, display)
            case ("GET", let path) where path.hasPrefix("/messages/"):
                return try await messageRoute(String(path.dropFirst("/messages/".count)), layout, display)
            case ("POST", "/replay"):
                guard session.role.mayReplay else {
                    logger.warning("console: replay by \(session.operatorName) refused: role \(session.role.rawValue)")
                    return Self.html(
                        status: 403, layout.page(title: "Not allowed", section: nil, body: "<p>Your role (viewer) may look but not replay.</p>"))
                }
                return try await replay(form, session: session, layout, display)
            case ("GET", "/audit"):
                return try await audit(FormData(query: request), verification: nil, layout, display)
            case ("POST", "/audit/verify"):
                let report = try await context.store.verifyAudit()
                try await appendAudit(.auditVerified, by: session.operatorName, Self.summary(report))
                return try await audit(form, verification: report, layout, display)
            case ("POST", "/preferences"):
                if let zone = form["zone"].flatMap(TimeZone.init(identifier:)) { sessions.setTimeZone(zone, id: id) }
                if let language = form["language"].flatMap(ConsoleLanguage.init(rawValue:)) { sessions.setLanguage(language, id: id) }
                return Self.redirect(request.headers["referer"].flatMap(Self.sameConsolePath) ?? "/console/")
            case ("POST", "/sign-out"):
                try await appendAudit(.signedOut, by: session.operatorName, "signed out")
                sessions.close(id: id)
                logger.info("console: \(session.operatorName) signed out")
                var response = Self.redirect("/console/sign-in?signed-out=1")
                response.headers["set-cookie"] = Cookies.setCookie(Cookies.session, "", secure: secureCookies, maxAge: 0)
                return response
            default:
                return Self.html(status: 404, layout.page(title: "Not found", section: nil, body: "<p>No such page.</p>"))
            }
        } catch {
            return failure(error, "\(request.method) \(sub)", layout: layout)
        }
    }

    /// The 500 page. The error's text can name files, hosts or SQL, so it goes to the gateway's
    /// log under a random reference, and the page shows only that reference.
    func failure(_ error: any Error, _ action: String, layout: Layout?) -> EndpointResponse {
        let reference = String(RandomToken.make().prefix(12))
        logger.error("console: \(action) failed (reference \(reference)): \(error)")
        let body =
            #"<p class="notice bad" id="failure">The gateway could not complete this request. Its log has the details under reference "#
            + #"<code id="reference">\#(reference)</code>; quote it when you report the problem.</p>"#
        guard let layout else { return Self.html(status: 500, Self.bare(title: "Something went wrong", body: body)) }
        return Self.html(status: 500, layout.page(title: "Something went wrong", section: nil, body: body))
    }

    /// `/console/…` paths only: never redirect to another site.
    static func sameConsolePath(_ referer: String) -> String? {
        guard let url = URL(string: referer) else { return nil }
        let path = url.path
        guard path.hasPrefix("/console") else { return nil }
        return path + (url.query.map { "?" + $0 } ?? "")
    }

    // MARK: Responses

    /// Headers every console page carries: no caching (pages hold message data), no framing, no
    /// inline script or style, no referrer leaking ids to other sites.
    static let pageHeaders: [String: String] = [
        "cache-control": "no-store",
        "content-security-policy":
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
    ]

    static func html(status: Int = 200, _ text: String) -> EndpointResponse {
        var headers = pageHeaders
        headers["content-type"] = "text/html; charset=utf-8"
        return EndpointResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    static func redirect(_ location: String) -> EndpointResponse {
        var headers = pageHeaders
        headers["location"] = location
        return EndpointResponse(status: 303, headers: headers)
    }

    static func download(_ body: Data, contentType: String, filename: String) -> EndpointResponse {
        var headers = pageHeaders
        headers["content-type"] = contentType
        let safe = String(filename.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        headers["content-disposition"] = "attachment; filename=\"\(safe)\""
        return EndpointResponse(status: 200, headers: headers, body: Array(body))
    }

    /// A page without the signed-in frame (sign-in, refusals before a session).
    static func bare(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(h(title)) · SWGate console</title><link rel="stylesheet" href="/console/static/console.css"></head>
        <body><header><span class="brand">SWGate console</span></header><main><h1>\(h(title))</h1>\(body)</main></body></html>
        """
    }
}

extension FormData {
    /// The request's query as form data: the raw query when the host passed it (repeated names,
    /// `+` for space, as browsers send GET forms), else the host's decoded dictionary.
    init(query request: EndpointRequest) {
        if let raw = request.rawQuery {
            self.init(raw)
            return
        }
        self.init("")
        for (name, value) in request.query.sorted(by: { $0.key < $1.key }) { append(name, value) }
    }
}
