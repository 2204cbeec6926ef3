/// What the listener decides about a client certificate chain during the TLS handshake.
public enum ClientCertificateVerdict: Sendable, Hashable {
    case accepted
    /// The handshake fails; the reason is for the log, never sent to the client.
    case refused(String)
}

/// Decides whether a client may complete the mutual-TLS handshake, from the certificates it
/// presented (DER, leaf first, as sent). It replaces the TLS library's own chain check, so it must
/// check the chain, validity and revocation itself; the gateway builds it from its trust code
/// (the client CA and the configured CRLs, the same check signature verification makes).
/// Called on the connection's event loop: it must not block for long.
public typealias ClientCertificateCheck = @Sendable (_ chain: [[UInt8]]) -> ClientCertificateVerdict
