import SWGateStore
import SWGateXML
import SWGateDomain
import SWGateDelivery
import SWGateChannels
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SWGateHTTP
import SWGateSecurity

/// `POST /control/answer`: the NSW simulator sends a later answer (a `STATUS` decision or a
/// `REJECT`) for a reference it received to the gateway's `/nsw`, signed with its own key.
///
/// Body: `{"refMessageId": "…", "reference": "…", "function": "STATUS", "status": "PREFERENCE_GIVEN",
/// "reason": "…"}` (`function` defaults to `STATUS`, `status` to `ACCEPTED`). The answer relays the
/// gateway's HTTP status and body.
struct NSWAnswerPush {
    struct Request: Decodable {
        var refMessageId: String
        var reference: String
        var function: String?
        var status: String?
        var reason: String?
    }

    var security: SecurityServices
    var gatewayURL: String?
    var httpClient: HTTPClient

    func answer(_ request: EndpointRequest) async -> EndpointResponse {
        guard let gatewayURL else {
            return Self.text(409, "no gateway URL configured (--gateway)\n")
        }
        guard let push = try? JSONDecoder().decode(Request.self, from: Data(request.body)) else {
            return Self.text(400, "expected {\"refMessageId\", \"reference\", \"function\"?, \"status\"?, \"reason\"?}\n")
        }
        let acknowledgement = NSWAcknowledgement(
            function: push.function ?? "STATUS", refMessageId: push.refMessageId, reference: push.reference,
            status: push.status ?? "ACCEPTED", reason: push.reason)
        let signed: [UInt8]
        do {
            signed = try security.signAcknowledgement(
                acknowledgement, from: security.configuration.localParty, to: security.configuration.nswParty)
        } catch {
            return Self.text(500, "cannot sign the answer: \(error)\n")
        }
        var post = HTTPClientRequest(url: gatewayURL)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: ChannelContentType.soap11)
        post.headers.add(name: "SOAPAction", value: "\"\(SOAP11.submitAction)\"")
        post.body = .bytes(ByteBuffer(bytes: SOAP11.envelope(containing: signed)))
        do {
            let response = try await httpClient.execute(post, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            return EndpointResponse(
                status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? ChannelContentType.soap11,
                body: Array(body.readableBytesView))
        } catch {
            return Self.text(502, "the gateway did not answer: \(error)\n")
        }
    }

    static func text(_ status: Int, _ message: String) -> EndpointResponse {
        EndpointResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
    }
}
