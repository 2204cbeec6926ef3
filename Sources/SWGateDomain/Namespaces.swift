/// XML namespaces of the documents the gateway reads and writes.
public enum Namespace {
    /// ATIGA Form D, `Schemas/atiga-form-d.xsd`.
    public static let formD = "urn:swgate:atiga:form-d:1"
    /// NSW envelope, `Schemas/nsw-envelope.xsd`.
    public static let nswEnvelope = "urn:swgate:nsw:envelope:1"
    /// XML-DSig.
    public static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
}
