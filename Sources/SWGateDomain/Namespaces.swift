/// XML namespaces of the documents the gateway reads and writes.
public enum Namespace {
    /// ATIGA Form D, `Schemas/atiga-form-d.xsd`.
    public static let formD = "urn:swgate:atiga:form-d:1"
    /// Import/export licence, `Schemas/import-export-licence.xsd`.
    public static let licence = "urn:swgate:licence:1"
    /// NSW envelope, `Schemas/nsw-envelope.xsd`.
    public static let nswEnvelope = "urn:swgate:nsw:envelope:1"
    /// XML-DSig.
    public static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
    /// SOAP 1.1 envelope (NSW channel).
    public static let soap11 = "http://schemas.xmlsoap.org/soap/envelope/"
    /// SOAP 1.2 envelope (AS4).
    public static let soap12 = "http://www.w3.org/2003/05/soap-envelope"
    /// ebMS 3.0 core.
    public static let ebms = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
    /// WS-Security 1.0 secext.
    public static let wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    /// WS-Security 1.0 utility (`wsu:Id`, `wsu:Timestamp`).
    public static let wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    /// ebBP signals (receipt non-repudiation information).
    public static let ebbp = "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
    /// The `xml:` namespace.
    public static let xml = "http://www.w3.org/XML/1998/namespace"
}
