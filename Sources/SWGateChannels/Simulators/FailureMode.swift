package import Foundation
package import SWGateHTTP
import SWGateStore

/// How a partner simulator misbehaves (set at start with `--fail`, or at run time with `POST /control`).
///
/// Text forms: `none`, `unavailable-every:N` (every Nth request gets HTTP 503), `server-fault`
/// (SOAP Server fault / ebMS warning), `client-fault` (SOAP Client fault / ebMS failure),
/// `bad-signature` (the answer is signed, then altered), `reject` (a signed NSW REJECT with one
/// error / an ebMS failure), `fail-next:N` (the next N requests get
/// HTTP 503, then the simulator recovers).
public enum FailureMode: Sendable, Hashable, CustomStringConvertible, Codable {
    case none
    case unavailableEvery(Int)
    case serverFault
    case clientFault
    case badSignature
    case reject
    case failNext(Int)

    /// Parses the text form; nil for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let count = parts.count == 2 ? Int(parts[1]) : nil
        switch (parts.first ?? "", count) {
        case ("none", nil): self = .none
        case ("unavailable-every", let n?) where n > 0: self = .unavailableEvery(n)
        case ("server-fault", nil), ("warning", nil): self = .serverFault
        case ("client-fault", nil), ("failure", nil): self = .clientFault
        case ("bad-signature", nil): self = .badSignature
        case ("reject", nil): self = .reject
        case ("fail-next", let n?) where n >= 0: self = .failNext(n)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .unavailableEvery(let n): "unavailable-every:\(n)"
        case .serverFault: "server-fault"
        case .clientFault: "client-fault"
        case .badSignature: "bad-signature"
        case .reject: "reject"
        case .failNext(let n): "fail-next:\(n)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let mode = FailureMode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown failure mode \(text)"))
        }
        self = mode
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What a simulator does with one request.
package enum SimulatorReaction: Sendable, Hashable {
    case answer
    case unavailable
    case serverFault
    case clientFault
    case badSignature
    case reject
}

/// One thing a simulator saw or did.
public enum SimulatorEvent: Sendable, Hashable {
    /// A protocol request arrived carrying this message id (whatever the simulator then answered).
    case attempted(String)
    /// The simulator verified and acknowledged this message id.
    case acknowledged(String)
}

/// A simulator's mutable state: the failure mode, the request count, the message ids received.
public actor SimulatorState {
    public private(set) var mode: FailureMode
    public private(set) var requestCount = 0
    /// Message ids of the messages the simulator verified and acknowledged, in arrival order.
    public private(set) var received: [String] = []
    /// The body of the last protocol request, exactly as it arrived.
    public private(set) var lastRequestBody: [UInt8]?
    /// Every protocol request (by the `X-SWGate-Message-Id` it carried) and every acknowledgement,
    /// in the order they happened: what a test reads to check conversation order.
    public private(set) var events: [SimulatorEvent] = []
    /// Message ids acknowledged more than once with different request bytes: a sender must resend
    /// a message it already sent byte for byte (the gateway's sign at delivery, `docs/channels.md`).
    public private(set) var conflicting: [String] = []
    /// The SHA-256 of the request body each message id was first acknowledged with.
    private var bodyDigests: [String: String] = [:]

    public init(mode: FailureMode = .none) {
        self.mode = mode
    }

    /// Changes the failure mode (counters for `unavailable-every` restart).
    public func setMode(_ mode: FailureMode) {
        self.mode = mode
        requestCount = 0
    }

    /// Counts a protocol request and decides how to treat it.
    package func react(to request: EndpointRequest) -> SimulatorReaction {
        requestCount += 1
        lastRequestBody = request.body
        events.append(.attempted(request.headers["x-swgate-message-id"] ?? ""))
        switch mode {
        case .none: return .answer
        case .unavailableEvery(let n): return requestCount % n == 0 ? .unavailable : .answer
        case .serverFault: return .serverFault
        case .clientFault: return .clientFault
        case .badSignature: return .badSignature
        case .reject: return .reject
        case .failNext(let n):
            guard n > 0 else { return .answer }
            mode = .failNext(n - 1)
            return .unavailable
        }
    }

    /// Records an acknowledged message, and whether an earlier request with the same id had other bytes.
    package func record(_ messageId: String, body: [UInt8]) {
        received.append(messageId)
        events.append(.acknowledged(messageId))
        let digest = AuditEntry.sha256Hex(Data(body))
        guard let first = bodyDigests[messageId] else {
            bodyDigests[messageId] = digest
            return
        }
        if first != digest, !conflicting.contains(messageId) { conflicting.append(messageId) }
    }

    /// The JSON of `GET /received`: `{"conflicting": […], "mode": …, "requests": …, "received": […]}`.
    package func listing() -> [UInt8] {
        struct Listing: Encodable {
            var mode: FailureMode
            var requests: Int
            var received: [String]
            var conflicting: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let listing = Listing(mode: mode, requests: requestCount, received: received, conflicting: conflicting)
        return Array((try? encoder.encode(listing)) ?? Data("{}".utf8))
    }
}
