public import Foundation
package import SWGateHTTP
public import SWGateSecurity

/// Which partner a simulator plays; selects its key from the development PKI.
public enum SimulatedPartner: String, Sendable, CaseIterable {
    case nsw
    case asw

    /// The development configuration as this partner sees it: its own key (`nsw.pem` / `asw.pem`)
    /// signs, the development CA is trusted, and the gateway is a partner (`MOIT-VN` for NSW
    /// envelopes, `VN` for AS4). TEST MATERIAL ONLY.
    public func developmentConfiguration(certificates directory: String = "Certificates") -> SecurityConfiguration {
        var configuration = SecurityConfiguration.development(directory: directory)
        configuration.systemKey = KeySource(
            keyPath: resolvedPath("\(rawValue).key", directory), certificatePath: resolvedPath("\(rawValue).pem", directory))
        configuration.organisationKey = nil
        if self == .nsw {
            configuration.localParty = .developmentNSW
            configuration.nswParty = .developmentMinistry
        }
        return configuration
    }

    /// Loads ``developmentConfiguration(certificates:)``.
    public func developmentSecurity(
        certificates directory: String = "Certificates",
        baseDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> SecurityServices {
        try SecurityServices(configuration: developmentConfiguration(certificates: directory), baseDirectory: baseDirectory)
    }

    private func resolvedPath(_ name: String, _ directory: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// The parts of the simulators' HTTP interface that do not depend on the protocol.
package enum SimulatorControl {
    /// `GET /received` and `POST /control`; nil for the protocol requests.
    package static func answer(_ request: EndpointRequest, state: SimulatorState) async -> EndpointResponse? {
        if request.method == "GET", request.path.hasSuffix("/received") {
            return EndpointResponse(status: 200, contentType: ChannelContentType.json, body: await state.listing())
        }
        if request.method == "POST", request.path.hasSuffix("/control") {
            struct Control: Decodable { var failure: FailureMode }
            guard let control = try? JSONDecoder().decode(Control.self, from: Data(request.body)) else {
                return EndpointResponse(
                    status: 400, contentType: "text/plain; charset=utf-8",
                    body: Array("expected {\"failure\": \"none|unavailable-every:N|server-fault|client-fault|bad-signature|fail-next:N\"}\n".utf8))
            }
            await state.setMode(control.failure)
            return EndpointResponse(status: 200, contentType: ChannelContentType.json, body: await state.listing())
        }
        return nil
    }

    package static let unavailable = EndpointResponse(
        status: 503, headers: ["content-type": "text/plain; charset=utf-8", "retry-after": "1"],
        body: Array("simulated outage\n".utf8))

    /// `bytes` with the first `target` replaced by `replacement` (to break a signature).
    package static func tamper(_ bytes: [UInt8], _ target: String, _ replacement: String) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let range = text.range(of: target) else { return bytes + Array(" ".utf8) }
        return Array(text.replacingCharacters(in: range, with: replacement).utf8)
    }
}
