import Foundation
public import SWGateChannels
import SWGateDelivery
import SWGateDomain
public import SWGateHTTP
public import SWGateSecurity
import SWGateStore
import SWGateXML

/// A loopback ASEAN Single Window access point that speaks AS4: it verifies the WS-Security
/// signature of user messages POSTed to any path except `/control` with its own
/// ``SecurityServices`` (which must trust the gateway's party), and answers with an `eb:Receipt`
/// signed by its own key — or with the ebMS error or outage its ``FailureMode`` says.
///
/// `GET /received` lists the MessageIds it acknowledged; `POST /control` changes the failure mode.
public struct ASWSimulator: Endpoint {
    /// Failure mode, request count and received message ids.
    public let state: SimulatorState
    private let security: SecurityServices

    /// - Parameter security: the access point's keys and trust, e.g. `SimulatedPartner.asw.developmentSecurity()`.
    public init(security: SecurityServices, failure: FailureMode = .none) {
        self.security = security
        self.state = SimulatorState(mode: failure)
    }

    public func handle(_ request: EndpointRequest) async -> EndpointResponse {
        if let control = await SimulatorControl.answer(request, state: state) { return control }
        guard request.method == "POST" else { return EndpointResponse(status: 405, headers: ["allow": "POST"], body: []) }
        let reaction = await state.react(to: request)
        if reaction == .unavailable { return SimulatorControl.unavailable }
        guard request.mediaType == "application/soap+xml" else {
            return AS4Endpoint.error(
                security: security, status: 415, code: "EBMS:0004", short: "Other", description: "expected application/soap+xml", ref: nil)
        }
        let verification: AS4Verification
        do {
            verification = try security.verifyAS4Message(request.body)
        } catch {
            if error.code == .malformedMessage {
                return AS4Endpoint.error(security: security, code: "EBMS:0009", short: "InvalidHeader", description: "\(error)", ref: nil)
            }
            return AS4Endpoint.error(security: security, code: "EBMS:0101", short: "FailedAuthentication", description: "\(error)", ref: nil)
        }
        switch reaction {
        case .serverFault:
            return AS4Endpoint.error(
                security: security,
                code: "EBMS:0004", short: "Other", severity: "warning", description: "simulated trouble",
                ref: verification.messageId)
        case .clientFault, .reject:
            return AS4Endpoint.error(
                security: security, code: "EBMS:0004", short: "Other", description: "simulated refusal", ref: verification.messageId)
        default: break
        }
        var receipt: [UInt8]
        do {
            receipt = try security.signedReceipt(for: verification)
        } catch {
            return AS4Endpoint.error(
                security: security, code: "EBMS:0004", short: "Other", severity: "warning", description: "\(error)", ref: verification.messageId)
        }
        await state.record(verification.messageId, body: request.body)
        if reaction == .badSignature {
            receipt = SimulatorControl.tamper(receipt, "<eb:RefToMessageId>", "<eb:RefToMessageId>x")
        }
        return EndpointResponse(status: 200, contentType: ChannelContentType.soap12, body: receipt)
    }
}
