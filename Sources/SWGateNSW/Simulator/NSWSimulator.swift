public import AsyncHTTPClient
import Foundation
public import SWGateChannels
import SWGateDelivery
import SWGateDomain
public import SWGateHTTP
public import SWGateSecurity
import SWGateStore
import SWGateXML

/// A loopback National Single Window that speaks the real protocol: it takes SOAP 1.1 requests
/// carrying NSW envelopes on any POST path except `/control`, verifies both signatures with its own
/// ``SecurityServices`` (which must trust the gateway as a partner), and answers with an ACK envelope
/// signed by its own key — or misbehaves as its ``FailureMode`` says.
///
/// `GET …?wsdl` serves the NSW service's WSDL; `GET /received` lists the message ids it acknowledged; `POST /control` with
/// `{"failure": "…"}` changes the failure mode at run time; `POST /control/answer` pushes a signed
/// STATUS or REJECT answer to the gateway at `gatewayURL`.
public struct NSWSimulator: Endpoint {
    /// Failure mode, request count and received message ids.
    public let state: SimulatorState
    private let security: SecurityServices
    private let push: NSWAnswerPush

    /// - Parameters:
    ///   - security: the NSW's keys and trust, e.g. `SimulatedPartner.nsw.developmentSecurity()`.
    ///   - gatewayURL: the gateway's `/nsw` URL, where `POST /control/answer` sends answers.
    public init(security: SecurityServices, failure: FailureMode = .none, gatewayURL: String? = nil, httpClient: HTTPClient = .shared) {
        self.security = security
        self.state = SimulatorState(mode: failure)
        self.push = NSWAnswerPush(security: security, gatewayURL: gatewayURL, httpClient: httpClient)
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        if request.method == "POST", request.path.hasSuffix("/control/answer") { return await push.answer(request) }
        if let control = await SimulatorControl.answer(request, state: state) { return control }
        // Like a real NSW service, its description at `?wsdl` (what `swgate doctor` looks for).
        if request.method == "GET", request.query["wsdl"] != nil || request.query["WSDL"] != nil {
            let base = request.headers["host"].map { "http://\($0)" } ?? ""
            return EndpointResponse(status: 200, contentType: ChannelContentType.wsdl, body: Array(NSWServiceDescription.wsdl(base: base).utf8))
        }
        guard request.method == "POST" else { return EndpointResponse(status: 405, headers: ["allow": "POST"], body: []) }
        let reaction = await state.react(to: request)
        if reaction == .unavailable { return SimulatorControl.unavailable }
        guard request.mediaType == "text/xml" else { return fault("Client", "expected text/xml", status: 415) }
        let envelope: XMLDocument
        let element: XMLElement
        do {
            guard case .element(let body) = try SOAP11.content(of: XMLDocument(bytes: request.body)),
                body.isNamed("Envelope", namespace: Namespace.nswEnvelope)
            else { return fault("Client", "the SOAP Body holds no NSW Envelope") }
            // Verified in a copy of the element's subtree, as the gateway verifies an ACK: the
            // request is parsed once, not serialised and parsed again.
            guard let copy = body.copiedAsDocument() else { return fault("Client", "the NSW Envelope cannot be copied out of the SOAP Body") }
            element = body
            envelope = copy
        } catch {
            return fault("Client", "not a SOAP 1.1 message: \(error)")
        }
        let verification: NSWVerification
        do {
            verification = try security.verifyNSWEnvelope(envelope)
        } catch {
            return fault("Client", "signature check failed: \(error)")
        }
        switch reaction {
        case .serverFault: return fault("Server", "simulated server trouble")
        case .clientFault: return fault("Client", "simulated refusal")
        default: break
        }
        // `envelope` is a copy of `element`: read the verified header from the element.
        let ns: String?? = .some(Namespace.nswEnvelope)
        let header = element.child("Header", namespace: ns)
        let reference = header?.child("Subject", namespace: ns)?.child("reference", namespace: ns)?.text.trimmed ?? ""
        let sender = NSWParty(header: header?.child("From", namespace: ns)) ?? security.configuration.nswParty
        let ack =
            reaction == .reject
            ? NSWAcknowledgement(
                function: "REJECT", refMessageId: verification.messageId, reference: reference, status: "REJECTED",
                reason: "simulated rejection", errors: [.init(code: "NSW-SIM-001", message: "simulated rejection", path: "/FormD")])
            : NSWAcknowledgement(refMessageId: verification.messageId, reference: reference)
        var signed: [UInt8]
        do {
            signed = try security.signAcknowledgement(ack, from: security.configuration.localParty, to: sender)
        } catch {
            return fault("Server", "cannot sign the ACK: \(error)")
        }
        await state.record(verification.messageId, body: request.body)
        if reaction == .badSignature {
            signed = SimulatorControl.tamper(signed, "<Status>RECEIVED</Status>", "<Status>ACCEPTED</Status>")
        }
        return EndpointResponse(status: 200, contentType: ChannelContentType.soap11, body: SOAP11.envelope(containing: signed))
    }

    private func fault(_ code: String, _ reason: String, status: Int = 500) -> EndpointResponse {
        EndpointResponse(status: status, contentType: ChannelContentType.soap11, body: SOAP11.fault(code: code, reason: reason))
    }
}
