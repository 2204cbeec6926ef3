import SWGateXML
/// Which implementation canonicalises, digests and checks the SignatureValue underneath the
/// policy checks (which are the same for both).
public enum SignatureEngine: String, Sendable, Hashable, Codable {
    /// SWGate's own reference processing for its two profiles: libxml2 exclusive C14N of the
    /// referenced subtree (or the document minus the enveloping signature) fed straight into
    /// OpenSSL. The default: 1.1–2.1× less CPU per operation than xmlsec on a 5 KB document
    /// (`docs/benchmarks-signatures.md`).
    case native
    /// libxmlsec1's `xmlSecDSigCtxSign`/`xmlSecDSigCtxVerify`, the reference implementation,
    /// kept selectable as a cross-check (the test suite compares both on every profile).
    case xmlsec
}
