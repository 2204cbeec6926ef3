public import Foundation
public import SWGateHTTP
public import SWGateSecurity

/// The listener's decision about client certificates (mutual TLS): the chain the client presents
/// must reach a certificate of the client CA file, be inside its validity period (give or take the
/// configured clock skew, `security.clock_skew`) and, when CRLs are configured, be listed in none
/// of them — the same `TrustStore` check that signatures get. With CRLs configured, every CA that
/// issues client certificates needs a CRL among them.
public enum ClientCertificateTrust {
    /// A check trusting the certificates in `clientCAFile` and refusing what `crlFiles` revoke.
    /// - Parameters:
    ///   - tolerance: seconds a certificate may be outside its validity period and still be accepted
    ///     (``SecurityConfiguration/clockSkewSeconds``, as signature verification applies it): a
    ///     client whose clock is ahead presents a certificate issued moments ago.
    ///   - now: the gateway's clock.
    /// - Throws: `SignatureError` when a file cannot be read or holds no certificate or CRL.
    public static func check(
        clientCAFile: String, crlFiles: [String], tolerance: Double = 0, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(SignatureError) -> ClientCertificateCheck {
        let anchors = try Certificate.load(pemFile: clientCAFile)
        let store = try TrustStore(anchors: anchors, crlFiles: crlFiles)
        return { chain in
            do throws(SignatureError) {
                guard let leafDER = chain.first else { return .refused("no client certificate") }
                let leaf = try Certificate(der: leafDER)
                var intermediates: [Certificate] = []
                for der in chain.dropFirst() { intermediates.append(try Certificate(der: der)) }
                try store.evaluate(leaf, intermediates: intermediates, at: now(), tolerance: tolerance)
                return .accepted
            } catch {
                return .refused("\(error)")
            }
        }
    }
}
