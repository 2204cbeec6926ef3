public import SWGateStore

/// A partner's final answer to a delivered message, as a channel read it: what the party that
/// submitted the message is told through its callback (see ``AnswerCallback``).
public struct PartnerAnswer: Sendable, Hashable {
    /// What the answer means for the submitter. A struct with static members, so a protocol can
    /// add its own events without touching the engine.
    public struct Event: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The partner received the message (NSW signed ACK).
        public static let received = Event("received")
        /// The partner refused the message (NSW signed REJECT, SOAP Client fault, ebMS failure).
        public static let rejected = Event("rejected")
        /// The partner accepted the message for onward processing (AS4 signed receipt).
        public static let accepted = Event("accepted")
    }

    /// One error the partner listed.
    public struct Failure: Sendable, Hashable, Codable {
        public var code: String
        public var message: String
        public var path: String?

        public init(code: String, message: String, path: String? = nil) {
            self.code = code
            self.message = message
            self.path = path
        }
    }

    public var event: Event
    /// The partner's own status word (`RECEIVED`, `REJECTED`, `RECEIPT`, a fault code…).
    public var status: String
    public var reason: String?
    public var errors: [Failure]
    /// The partner's answer exactly as it arrived (signed ACK, receipt, fault), when there is one.
    public var document: Receipt?

    public init(event: Event, status: String, reason: String? = nil, errors: [Failure] = [], document: Receipt? = nil) {
        self.event = event
        self.status = status
        self.reason = reason
        self.errors = errors
        self.document = document
    }
}

/// Where partners' answers go: to ``destination`` (the portal callback), for messages that came
/// from one of ``sources``. Answers to messages from other parties (an inbound message relayed to
/// the portal) are not forwarded: the portal's own answer to a callback is not news to anyone.
public struct AnswerRouting: Sendable, Hashable {
    public var destination: String
    public var sources: Set<String>

    public init(destination: String, sources: Set<String>) {
        self.destination = destination
        self.sources = sources
    }
}
