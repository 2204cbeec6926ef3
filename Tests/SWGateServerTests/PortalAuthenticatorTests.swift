import SWGateServer
import SWGateTesting
import Testing

@Suite("Portal bearer-token authentication")
struct PortalAuthenticatorTests {
    let authenticator = PortalAuthenticator(clients: GatewayConfiguration().clients)

    @Test(
        "The scheme in any letter case; blanks and tabs around the token are ignored",
        arguments: ["Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer  \t", "Bearer \u{A0}"])
    func schemeAndBlanks(_ prefix: String) throws {
        #expect(try authenticator.authorize(authorization: prefix + DevelopmentToken.submitter + " \t", for: .submit) == "dev-portal")
    }

    @Test(
        "Anything else is 401",
        arguments: [nil, "", "Bearer", "Bearer ", "Bearer  ", "Basic abc", "Bearertoken", "Bearer\tx", "Bear", "Bearer unknown", "Bearer\u{301} x"])
    func unauthenticated(_ header: String?) {
        #expect(throws: PortalError.self) { try authenticator.authorize(authorization: header, for: .submit) }
        do {
            _ = try authenticator.authorize(authorization: header, for: .submit)
        } catch {
            #expect(error.code == .unauthenticated)
        }
    }

    @Test("The same token with a newline inside the value is not trimmed to a match")
    func newlineIsNotBlank() {
        #expect(throws: PortalError.self) {
            try authenticator.authorize(authorization: "Bearer " + DevelopmentToken.submitter + "\n", for: .submit)
        }
    }
}
