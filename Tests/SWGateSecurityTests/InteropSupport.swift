import Foundation
import SWGateAS4
import SWGateDomain
import SWGateNSW
import SWGateSecurity
import SWGateTesting
import SWGateXML

/// Templates and scripts for the independent implementations: xmlsec1 (Debian) and signxml (PyPI).
enum Interop {
    static let xmlsec1 = "/usr/bin/xmlsec1"
    static let env = "/usr/bin/env"
    static let nswNS = "urn:swgate:nsw:envelope:1"
    static let wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    static let ebms = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
    static let soap = "http://www.w3.org/2003/05/soap-envelope"
    static let bodySignatureXPath = "//*[local-name()='Body']/*[local-name()='Signature']"
    static let systemSignatureXPath = "//*[local-name()='SystemSignature']/*[local-name()='Signature']"
    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"

    /// An unsigned NSW envelope around the test Form D.
    static func unsignedNSW(from party: NSWParty = .developmentMinistry) throws -> String {
        let summary = try SecurityServices.formDSummary(TestPKI.formD)
        return NSWEnvelopeBuilder(from: party, to: .developmentNSW).envelope(
            document: TestPKI.formD, summary: summary, codes: SecurityServices.formDProfile.nsw!)
    }

    /// An unsigned AS4 user message carrying the test Form D with `certificate` as token.
    static func unsignedAS4(certificate: Certificate) throws -> String {
        let summary = try SecurityServices.formDSummary(TestPKI.formD)
        return AS4MessageBuilder().userMessage(
            document: TestPKI.formD, summary: summary, codes: SecurityServices.formDProfile.as4!, certificate: certificate)
    }

    /// A ds:Signature template (exclusive C14N) with one reference per URI.
    static func signatureTemplate(
        uris: [String], enveloped: Bool = false, method: String = rsaSHA256, digest: String = sha256,
        keyInfo: String = "<ds:X509Data><ds:X509Certificate/></ds:X509Data>"
    ) -> String {
        let transforms =
            (enveloped ? "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>" : "")
            + "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
        let references = uris.map {
            "<ds:Reference URI=\"\($0)\"><ds:Transforms>\(transforms)</ds:Transforms><ds:DigestMethod Algorithm=\"\(digest)\"/><ds:DigestValue/></ds:Reference>"
        }.joined()
        return "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>"
            + "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
            + "<ds:SignatureMethod Algorithm=\"\(method)\"/>\(references)</ds:SignedInfo><ds:SignatureValue/>"
            + "<ds:KeyInfo>\(keyInfo)</ds:KeyInfo></ds:Signature>"
    }

    /// Runs `xmlsec1 --sign` on `template` for the signature selected by `xpath`.
    static func xmlsec1Sign(
        _ template: String, xpath: String, idAttributes: [String], key: String = "gateway",
        in directory: TemporaryDirectory
    ) async throws -> String {
        let input = try directory.write("template-\(UUID().uuidString).xml", TestPKI.bytes(template))
        let output = input + ".signed"
        let ids = idAttributes.flatMap { ["--id-attr:Id", $0] }
        let result = try await run(
            xmlsec1,
            [
                "--sign", "--privkey-pem", TestPKI.path(key + ".key") + "," + TestPKI.path(key + ".pem"),
                "--node-xpath", xpath,
            ] + ids + ["--output", output, input])
        guard result.status == 0 else { throw InteropFailure(message: "xmlsec1 --sign failed: \(result.error)") }
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    /// The `wsu:Id`s of an unsigned AS4 message's Body, Messaging, Timestamp and security token.
    static func as4Ids(_ unsigned: String) -> [String] {
        ["body-", "messaging-", "ts-", "x509-"].map { prefix -> String in
            let start = unsigned.range(of: "wsu:Id=\"\(prefix)")!.upperBound
            return prefix + unsigned[start...].prefix { $0 != "\"" }
        }
    }

    /// A `wsse:SecurityTokenReference` to the token with `id`, for a template's KeyInfo.
    static func tokenReference(_ id: String, valueType: String? = nil) -> String {
        "<wsse:SecurityTokenReference xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
            + "<wsse:Reference URI=\"#\(id)\"\(valueType.map { " ValueType=\"\($0)\"" } ?? "")/></wsse:SecurityTokenReference>"
    }

    /// Runs `xmlsec1 --sign` on the AS4 message `unsigned` with `template` added to its
    /// `wsse:Security` header, the Ids of the Body, Messaging and Timestamp declared.
    static func xmlsec1SignAS4(_ unsigned: String, template: String, in directory: TemporaryDirectory) async throws -> String {
        try await xmlsec1Sign(
            unsigned.replacingOccurrences(of: "</wsse:Security>", with: template + "</wsse:Security>"),
            xpath: "//*[local-name()='Signature']", idAttributes: [soap + ":Body", ebms + ":Messaging", wsu + ":Timestamp"], in: directory)
    }

    /// Runs `xmlsec1 --verify` with `arguments` on `document`.
    static func xmlsec1Verify(_ document: [UInt8], _ arguments: [String], in directory: TemporaryDirectory) async throws -> ProcessResult {
        let input = try directory.write("verify-\(UUID().uuidString).xml", document)
        return try await run(xmlsec1, ["--verify"] + arguments + [input])
    }

    /// Runs a signxml script (Python) with `arguments`.
    static func python(_ script: String, _ arguments: [String], in directory: TemporaryDirectory) async throws -> ProcessResult {
        let path = try directory.write("script-\(UUID().uuidString).py", TestPKI.bytes(script))
        return try await run(env, ["python3", path] + arguments, timeout: 120)
    }
}

struct InteropFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
