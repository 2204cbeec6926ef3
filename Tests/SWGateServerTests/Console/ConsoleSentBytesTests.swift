import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SWGateAS4
import SWGateChannels
import SWGateConsole
import SWGateNSW
import SWGateServer
import SWGateStore
import SWGateTesting
import Testing

/// The console's download of the bytes sent, checked against what the partner simulators received
/// over the wire.
@Suite("Console: the bytes sent, as the partners received them")
struct ConsoleSentBytesTests {
    @Test("The payload downloads are the signed messages the partners received (NSW: inside its SOAP Body); SHA-256 as in `signed`")
    func asReceived() async throws {
        let password = "bytes-as-sent-2026"
        let hash = PasswordHash.make(password: password, iterations: 2_000).description
        let gateway = try await PartnerGateway.start { c in
            c.console.operators = [ConsoleOperator(name: "alice", passwordHash: hash, role: .viewer)]
        }
        // Redirects are not followed: the sign-in answer's cookie is read from the 303 itself.
        let http = HTTPClient.forTest(configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            let accepted = try await gateway.submit(try FormDSamples.valid)
            #expect(accepted.status == 202)
            let id = try #require(accepted.json["id"] as? String)
            let delivered = try await eventually(30) {
                try await gateway.server.store.message(id: id)?.deliveries.allSatisfy { $0.state == .delivered } == true
            }
            try #require(delivered, "the deliveries were not delivered")
            let client = TestClient(base: "http://127.0.0.1:\(gateway.port)", client: http)
            let cookie = try await Self.signIn(client, "alice", password)
            let page = try await client.send(.GET, "/console/messages/\(id)", headers: [("Cookie", cookie)])
            let signed = try await gateway.server.store.auditEntries(messageID: id).filter { $0.event == .signed }

            func download(_ destination: String) async throws -> [UInt8] {
                let link = try #require(Self.value(after: #"id="payload-\#(destination)" href=""#, in: page.text))
                let answer = try await client.send(.GET, link.replacingOccurrences(of: "&amp;", with: "&"), headers: [("Cookie", cookie)])
                #expect(answer.status == 200)
                let entry = try #require(signed.first { $0.destination == destination })
                #expect(entry.detail.hasSuffix("sha256 \(AuditEntry.sha256Hex(Data(answer.body)))"), "\(destination)")
                return answer.body
            }
            // AS4: the signed SOAP 1.2 message is the request body.
            let asw = try await download("asw")
            #expect(asw == (await gateway.partners.asw.state.lastRequestBody), "the ASW download differs from what the ASW received")
            // NSW: the signed envelope travels, byte for byte, as the content of a SOAP 1.1 Body.
            let nsw = try await download("nsw")
            let received = try #require(await gateway.partners.nsw.state.lastRequestBody)
            let declaration = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)
            var signedEnvelope = nsw.starts(with: declaration) ? Array(nsw.dropFirst(declaration.count)) : nsw
            while signedEnvelope.last == UInt8(ascii: "\n") { signedEnvelope.removeLast() }
            let text = String(decoding: received, as: UTF8.self)
            let body = try #require(
                text.range(of: "<soap:Body>").flatMap { open in text.range(of: "</soap:Body>").map { open.upperBound..<$0.lowerBound } })
            #expect(Array(text[body].utf8) == signedEnvelope, "the NSW download differs from the envelope the NSW received")
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    /// Signs in through the sign-in form; returns the session cookie (`name=value`).
    static func signIn(_ client: TestClient, _ name: String, _ password: String) async throws -> String {
        let form = try await client.send(.GET, "/console/sign-in")
        let signInCookie = try #require(form.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let token = try #require(value(after: #"name="csrf" value=""#, in: form.text))
        let answer = try await client.send(
            .POST, "/console/sign-in", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", signInCookie)],
            body: Array("csrf=\(token)&name=\(name)&password=\(password)".utf8))
        try #require(answer.status == 303, "sign-in answered \(answer.status)")
        return try #require(answer.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
    }

    static func value(after marker: String, in text: String) -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}
