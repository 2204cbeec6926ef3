public import SWGateDelivery

/// Content types of stored payloads and of the partner wire formats.
public enum ChannelContentType {
    /// A validated bare Form D stored at intake for "nsw" or "asw": the channel signs it at the
    /// first delivery attempt and stores the signed bytes in its place.
    public static let unsignedFormD = "application/vnd.swgate.form-d+xml"
    /// A signed NSW envelope (stored payload for "nsw"; also the payload of inbound messages for the portal).
    public static let nswEnvelope = "application/xml"
    /// A signed AS4 message (stored payload for "asw", sent as is).
    public static let as4Message = "application/soap+xml; charset=utf-8"
    /// SOAP 1.1 on the wire (NSW channel).
    public static let soap11 = "text/xml; charset=utf-8"
    /// SOAP 1.2 on the wire (AS4).
    public static let soap12 = "application/soap+xml; charset=utf-8"
    /// The WSDL of the NSW service.
    public static let wsdl = "text/xml; charset=utf-8"
    /// JSON (simulator control and listings).
    public static let json = "application/json"
}

extension FailureReason {
    /// The channel could not sign the stored payload (it is not a signable Form D, or a key
    /// fails): sending it again will not help.
    public static let signingFailed = FailureReason("signing-failed", .permanent)
    /// The partner answered 2xx with something that is not the expected acknowledgement or receipt.
    public static let badAnswer = FailureReason("bad-answer", .permanent)
}
