import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

/// The native engine (libxml2 C14N + OpenSSL) against xmlsec (`xmlSecDSigCtxSign`/`Verify`) on
/// every profile: the same signatures byte for byte where signing is deterministic (RSA), each
/// accepts what the other signs, and both refuse a changed message with the same code.
@Suite struct EngineCrossCheckTests {
    /// A signed message and how to verify it with a given engine's services.
    struct Case {
        let name: String
        let signed: String
        let verify: (SecurityServices, [UInt8]) throws -> [String]
    }

    static func engines(_ key: String) throws -> (native: SecurityServices, xmlsec: SecurityServices) {
        (try TestPKI.services(signingAs: key, engine: .native), try TestPKI.services(signingAs: key, engine: .xmlsec))
    }

    static func nswDigests(_ services: SecurityServices, _ bytes: [UInt8]) throws -> [String] {
        let result = try services.verifyNSWEnvelope(bytes)
        return (result.contentSignature.references + result.systemSignature.references).map(\.digestValue)
    }

    static func as4Digests(_ services: SecurityServices, _ bytes: [UInt8]) throws -> [String] {
        try services.verifyAS4Message(bytes).nonRepudiationInformation.map(\.digestValue)
    }

    /// The whitespace-free contents of every `<ds:tag>` in `text`.
    static func values(_ tag: String, in text: String) -> [String] {
        text.components(separatedBy: "<ds:\(tag)>").dropFirst().map {
            String($0.prefix { $0 != "<" }.filter { !$0.isWhitespace })
        }
    }

    /// Every case verifies with both engines, with the same digests; content, DigestValue and
    /// SignatureValue changes are refused by both with the same code.
    static func expectAgreement(_ cases: [Case], native: SecurityServices, xmlsec: SecurityServices) {
        for item in cases {
            let bytes = TestPKI.bytes(item.signed)
            let nativeDigests = refusalOrValue { try item.verify(native, bytes) }
            let xmlsecDigests = refusalOrValue { try item.verify(xmlsec, bytes) }
            #expect(nativeDigests.value != nil, "\(item.name): native refused: \(String(describing: nativeDigests.error))")
            #expect(nativeDigests.value == xmlsecDigests.value, "\(item.name): engines disagree")
            let tampered: [(String, SignatureError.Code)] = [
                (item.signed.replacingOccurrences(of: "Frozen shrimp", with: "Frozen shrimq"), .digestMismatch),
                (flip("SignatureValue", at: 20, in: item.signed), .signatureInvalid),
                (flip("DigestValue", at: 5, in: item.signed), .digestMismatch),
            ]
            for (text, code) in tampered {
                let nativeCode = refusalOrValue { try item.verify(native, TestPKI.bytes(text)) }.error?.code
                let xmlsecCode = refusalOrValue { try item.verify(xmlsec, TestPKI.bytes(text)) }.error?.code
                #expect(nativeCode == code, "\(item.name): native gave \(String(describing: nativeCode)), expected \(code)")
                #expect(xmlsecCode == code, "\(item.name): xmlsec gave \(String(describing: xmlsecCode)), expected \(code)")
            }
        }
    }

    /// `text` with the `index`th base64 character of the first `<ds:tag>` changed (A↔B).
    static func flip(_ tag: String, at index: Int, in text: String) -> String {
        guard let range = text.range(of: "<ds:\(tag)>") else { return text }
        var result = text
        var position = range.upperBound
        var seen = 0
        while position < text.endIndex, text[position] != "<" {
            let character = text[position]
            if !character.isWhitespace {
                if seen == index {
                    result.replaceSubrange(position...position, with: character == "A" ? "B" : "A")
                    break
                }
                seen += 1
            }
            position = text.index(after: position)
        }
        return result
    }

    static func refusalOrValue(_ body: () throws -> [String]) -> (value: [String]?, error: SignatureError?) {
        do { return (try body(), nil) } catch let error as SignatureError { return (nil, error) } catch { return (nil, nil) }
    }

    @Test(arguments: ["gateway", "ecdsa"])
    func bothEnginesAgreeOnEachOthersSignatures(key: String) throws {
        let (native, xmlsec) = try Self.engines(key)
        let date = Date()
        let as4 = TestPKI.bytes(try Interop.unsignedAS4(certificate: native.systemIdentity.certificate))
        var cases: [Case] = []
        for (engine, services) in [("native", native), ("xmlsec", xmlsec)] {
            cases.append(
                Case(
                    name: "\(key) NSW by \(engine)",
                    signed: TestPKI.text(
                        try services.signFormDForNSW(TestPKI.formD, messageId: "cross-check", at: date)), verify: Self.nswDigests))
            cases.append(Case(name: "\(key) AS4 by \(engine)", signed: TestPKI.text(try services.signAS4Message(as4)), verify: Self.as4Digests))
        }
        Self.expectAgreement(cases, native: native, xmlsec: xmlsec)
        // Same input, same key: digests and KeyInfo are identical; RSA PKCS#1 v1.5 is
        // deterministic, so the SignatureValues are too (ECDSA signatures are randomised).
        // NSW: only the Content signature compares; the SystemSignature covers the Content
        // signature, whose base64 layout differs (xmlsec breaks lines at 64 columns).
        for index in [0, 1] {
            let ours = cases[index].signed, theirs = cases[index + 2].signed
            let compared = index == 0 ? 1 : 3
            #expect(
                Self.values("DigestValue", in: ours).prefix(compared) == Self.values("DigestValue", in: theirs).prefix(compared),
                "\(cases[index].name)")
            #expect(Self.values("X509Certificate", in: ours) == Self.values("X509Certificate", in: theirs), "\(cases[index].name)")
            if key == "gateway" {
                #expect(
                    Self.values("SignatureValue", in: ours).prefix(compared) == Self.values("SignatureValue", in: theirs).prefix(compared),
                    "\(cases[index].name)")
            }
        }
    }

    @Test func bothEnginesAgreeOnEnvelopedDocuments() throws {
        let (native, xmlsec) = try Self.engines("gateway")
        let verify: (SecurityServices, [UInt8]) throws -> [String] = { services, bytes in
            try services.verifyEnvelopedDocument(bytes, partner: "VN").references.map(\.digestValue)
        }
        let cases = try [("native", native), ("xmlsec", xmlsec)].map { engine, services in
            Case(name: "enveloped by \(engine)", signed: TestPKI.text(try services.signEnvelopedDocument(TestPKI.formD)), verify: verify)
        }
        Self.expectAgreement(cases, native: native, xmlsec: xmlsec)
        #expect(!Self.values("X509Certificate", in: cases[0].signed).isEmpty)
        for tag in ["DigestValue", "SignatureValue", "X509Certificate"] {
            #expect(Self.values(tag, in: cases[0].signed) == Self.values(tag, in: cases[1].signed), "\(tag)")
        }
    }

    /// References without a transform (allowed by the policy for `#id` references) are inclusive
    /// C14N of the subtree, with the in-scope namespaces (and, with `inheritedXMLLang`, the
    /// `xml:lang` of the envelope) of its invisible ancestors: both engines accept what xmlsec1
    /// signs that way and refuse the same changes.
    @Test(arguments: [false, true]) func bothEnginesAgreeOnReferencesWithoutTransforms(inheritedXMLLang: Bool) async throws {
        let (native, xmlsec) = try Self.engines("gateway")
        let directory = try TemporaryDirectory()
        var unsigned = try Interop.unsignedAS4(certificate: native.systemIdentity.certificate)
        if inheritedXMLLang {
            let plain = unsigned
            unsigned = unsigned.replacingOccurrences(of: "<S12:Envelope ", with: "<S12:Envelope xml:lang=\"vi\" ")
            #expect(unsigned != plain)
        }
        let ids = Interop.as4Ids(unsigned)
        let keyInfo = Interop.tokenReference(ids[3])
        let template = Interop.signatureTemplate(uris: ids.prefix(3).map { "#" + $0 }, keyInfo: keyInfo)
            .replacingOccurrences(
                of: "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>", with: "")
        #expect(!template.contains("<ds:Transforms>"))
        let signed = try await Interop.xmlsec1SignAS4(unsigned, template: template, in: directory)
        Self.expectAgreement([Case(name: "xmlsec1 AS4 without transforms", signed: signed, verify: Self.as4Digests)], native: native, xmlsec: xmlsec)
        if inheritedXMLLang {
            // The inherited xml:lang is signed data of every subtree: changing it breaks the digests.
            let relabelled = TestPKI.bytes(signed.replacingOccurrences(of: "xml:lang=\"vi\"", with: "xml:lang=\"en\""))
            #expect(Self.refusalOrValue { try Self.as4Digests(native, relabelled) }.error?.code == .digestMismatch)
            #expect(Self.refusalOrValue { try Self.as4Digests(xmlsec, relabelled) }.error?.code == .digestMismatch)
        }
    }

    /// xmlsec1 (the CLI) signs AS4 with `ec:InclusiveNamespaces PrefixList="S12 wsu"` on every
    /// reference: both engines accept it, and both see that the prefix list is signed data
    /// (dropping `S12` changes the Timestamp's canonical form: S12 is in scope but not used there).
    @Test func bothEnginesHonourInclusiveNamespaces() async throws {
        let (native, xmlsec) = try Self.engines("gateway")
        let directory = try TemporaryDirectory()
        let unsigned = try Interop.unsignedAS4(certificate: native.systemIdentity.certificate)
        let ids = Interop.as4Ids(unsigned)
        let keyInfo = Interop.tokenReference(ids[3])
        let prefixList = "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"S12 wsu\"/>"
        let template = Interop.signatureTemplate(uris: ids.prefix(3).map { "#" + $0 }, keyInfo: keyInfo)
            .replacingOccurrences(
                of: "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                with: "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">\(prefixList)</ds:Transform>")
        let signed = try await Interop.xmlsec1SignAS4(unsigned, template: template, in: directory)
        let cases = [Case(name: "xmlsec1 AS4 with PrefixList", signed: signed, verify: Self.as4Digests)]
        Self.expectAgreement(cases, native: native, xmlsec: xmlsec)
        let narrowed = TestPKI.bytes(signed.replacingOccurrences(of: "PrefixList=\"S12 wsu\"", with: "PrefixList=\"wsu\""))
        #expect(Self.refusalOrValue { try Self.as4Digests(native, narrowed) }.error?.code == .digestMismatch)
        #expect(Self.refusalOrValue { try Self.as4Digests(xmlsec, narrowed) }.error?.code == .digestMismatch)
    }
}
