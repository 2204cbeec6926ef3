public import SWGateStore

/// POSTs the stored bytes to a fixed URL (``PartnerHTTPClient``) and classifies the answer.
///
/// Each request carries `X-SWGate-Message-Id` (the wire message id, for the receiver's duplicate
/// elimination) and `X-SWGate-Conversation`.
public struct HTTPPostChannel: DeliveryChannel {
    public var url: String
    public var timeout: Duration
    public var maximumAnswerBytes: Int
    public var classifier: any HTTPAnswerClassifier
    public var headers: [(String, String)]
    private let client: PartnerHTTPClient

    /// - Parameters:
    ///   - client: the HTTP client; ``PartnerHTTPClient/shared`` by default, which never follows a
    ///     redirect.
    ///   - timeout: for the whole exchange; keep it well under the engine's lease duration.
    public init(
        url: String, client: PartnerHTTPClient = .shared, timeout: Duration = .seconds(30), maximumAnswerBytes: Int = 1 << 20,
        classifier: any HTTPAnswerClassifier = HTTPStatusClassifier(), headers: [(String, String)] = []
    ) {
        self.url = url
        self.client = client
        self.timeout = timeout
        self.maximumAnswerBytes = maximumAnswerBytes
        self.classifier = classifier
        self.headers = headers
    }

    public func deliver(_ delivery: ClaimedDelivery) async -> DeliveryResult {
        let fields =
            [
                ("Content-Type", delivery.contentType), ("X-SWGate-Message-Id", delivery.wireMessageID),
                ("X-SWGate-Conversation", delivery.conversation),
            ] + headers
        switch await client.post(
            url: url, headers: fields, body: delivery.payload, timeout: timeout, maximumAnswerBytes: maximumAnswerBytes)
        {
        case .success(let answer): return classifier.classify(answer)
        case .failure(let failure): return .failed(failure)
        }
    }
}
