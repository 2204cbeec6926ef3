import Foundation
import Logging
import SWGateHTTP

extension ConsoleEndpoint {
    /// The sign-in form, with a fresh token in both a short-lived cookie and a hidden field (double
    /// submit), so that another site cannot sign a browser in under its own account.
    func signInPage(problem: String?, notice: String? = nil, status: Int = 200, name: String = "") -> EndpointResponse {
        let token = RandomToken.make()
        let plain =
            secureCookies
            ? ""
            : #"<p class="notice warn">This console is served over plain HTTP: fine on the gateway's own host for development, never across a network.</p>"#
        let body = """
            <form class="signin" method="post" action="/console/sign-in">
            \(notice.map { #"<p class="notice good" id="notice">\#(h($0))</p>"# } ?? "")
            \(problem.map { #"<p class="notice bad" id="problem">\#(h($0))</p>"# } ?? "")
            \(hidden("csrf", token))
            <label>Operator name · Tên người vận hành<input id="name" name="name" autocomplete="username" required value="\(h(name))"></label>
            <label>Password · Mật khẩu<input id="password" name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit" id="sign-in">Sign in · Đăng nhập</button>
            </form>
            \(plain)
            """
        var response = Self.html(status: status, Self.bare(title: "Sign in", body: body))
        response.headers["set-cookie"] = Cookies.setCookie(Cookies.signIn, token, secure: secureCookies, maxAge: 1800)
        return response
    }

    /// Checks the form token, the rate limit and the password; opens a session on success.
    /// Failures and successes are audited (a refusal by the rate limit is only logged, so that
    /// the limit also bounds what a password-guessing run adds to the audit log).
    func signIn(_ request: EndpointRequest) async throws -> EndpointResponse {
        let form = FormData(bytes: request.body)
        let cookies = Cookies.parse(request.headers["cookie"])
        guard let token = form["csrf"], let expected = cookies[Cookies.signIn], ConstantTime.equal(token, expected) else {
            return signInPage(problem: "The sign-in form expired. Please try again.", status: 403)
        }
        let name = form["name"] ?? ""
        let password = form["password"] ?? ""
        if let wait = limiter.retryAfter(name: name) {
            logger.warning("console: sign-in for \(name) refused: too many failures")
            var response = signInPage(problem: "Too many failed sign-ins. Try again in \(TimeDisplay.age(Double(wait))).", status: 429, name: name)
            response.headers["retry-after"] = String(wait)
            return response
        }
        // An unknown name costs the same derivation as a wrong password, so timing tells nothing.
        let account = accounts[name]
        let hash = account.flatMap { PasswordHash($0.passwordHash) } ?? Self.decoyHash
        guard hash.verify(password), let account else {
            limiter.recordFailure(name: name)
            logger.warning("console: failed sign-in for \(name)")
            try await appendAudit(.signInFailed, by: String(name.prefix(Self.typedNameLimit)), "wrong operator name or password")
            return signInPage(problem: "Wrong operator name or password.", status: 401, name: name)
        }
        limiter.recordSuccess(name: name)
        try await appendAudit(.signedIn, by: account.name, "signed in as \(account.role.rawValue)")
        let session = sessions.open(for: account)
        logger.info("console: \(account.name) signed in (\(account.role.rawValue))")
        var response = Self.redirect("/console/")
        response.headers["set-cookie"] = Cookies.setCookie(Cookies.session, session.id, secure: secureCookies)
        return response
    }

    /// Verified against when the name is unknown.
    static let decoyHash = PasswordHash.make(password: RandomToken.make(), iterations: PasswordHash.defaultIterations)
}
