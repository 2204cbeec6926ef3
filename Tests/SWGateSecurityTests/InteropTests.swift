import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

/// SWGate's signatures against independent implementations, both ways.
@Suite struct InteropTests {
    let services = TestPKI.services

    @Test func xmlsec1VerifiesSWGateNSWEnvelope() async throws {
        let directory = try TemporaryDirectory()
        let envelope = try services.signFormDForNSW(TestPKI.formD)
        let content = try await Interop.xmlsec1Verify(
            envelope,
            [
                "--trusted-pem", TestPKI.path("ca.pem"), "--id-attr:Id", Interop.nswNS + ":Content",
                "--node-xpath", Interop.bodySignatureXPath,
            ], in: directory)
        #expect(content.status == 0, "\(content.error)")
        let system = try await Interop.xmlsec1Verify(
            envelope,
            [
                "--trusted-pem", TestPKI.path("ca.pem"), "--node-xpath", Interop.systemSignatureXPath,
            ], in: directory)
        #expect(system.status == 0, "\(system.error)")
        // And xmlsec1 refuses what SWGate refuses: a changed byte.
        let tampered = TestPKI.bytes(TestPKI.text(envelope).replacingOccurrences(of: "Frozen shrimp", with: "Frozen shrimq"))
        let refused = try await Interop.xmlsec1Verify(
            tampered,
            [
                "--trusted-pem", TestPKI.path("ca.pem"), "--id-attr:Id", Interop.nswNS + ":Content",
                "--node-xpath", Interop.bodySignatureXPath,
            ], in: directory)
        #expect(refused.status != 0)
    }

    @Test func xmlsec1VerifiesSWGateECDSASignatures() async throws {
        let directory = try TemporaryDirectory()
        let envelope = try TestPKI.services(signingAs: "ecdsa").signFormDForNSW(TestPKI.formD)
        #expect(TestPKI.text(envelope).contains("ecdsa-sha256"))
        for arguments in [
            ["--id-attr:Id", Interop.nswNS + ":Content", "--node-xpath", Interop.bodySignatureXPath],
            ["--node-xpath", Interop.systemSignatureXPath],
        ] {
            let result = try await Interop.xmlsec1Verify(envelope, ["--trusted-pem", TestPKI.path("ca.pem")] + arguments, in: directory)
            #expect(result.status == 0, "\(result.error)")
        }
    }

    @Test func xmlsec1VerifiesSWGateAS4Message() async throws {
        let directory = try TemporaryDirectory()
        let message = try services.signFormDForAS4(TestPKI.formD)
        let result = try await Interop.xmlsec1Verify(
            message,
            [
                "--pubkey-cert-pem", TestPKI.path("gateway.pem"), "--trusted-pem", TestPKI.path("ca.pem"),
                "--id-attr:Id", Interop.soap + ":Body", "--id-attr:Id", Interop.ebms + ":Messaging",
                "--id-attr:Id", Interop.wsu + ":Timestamp",
            ], in: directory)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("SignedInfo References (ok/all): 3/3"))
    }

    @Test func signxmlVerifiesSWGateSignatures() async throws {
        let directory = try TemporaryDirectory()
        let nsw = try directory.write("nsw.xml", services.signFormDForNSW(TestPKI.formD))
        let as4 = try directory.write("as4.xml", services.signFormDForAS4(TestPKI.formD))
        let nswResult = try await Interop.python(
            InteropScripts.verify, ["nsw", nsw, TestPKI.path("ca.pem"), TestPKI.path("gateway.pem")], in: directory)
        #expect(nswResult.output.contains("verified Content"), "\(nswResult.error)")
        let as4Result = try await Interop.python(
            InteropScripts.verify, ["as4", as4, TestPKI.path("ca.pem"), TestPKI.path("gateway.pem")], in: directory)
        #expect(as4Result.output.contains("verified Body Messaging Timestamp"), "\(as4Result.error)")
    }

    @Test func swgateVerifiesXmlsec1SignedNSWEnvelope() async throws {
        let directory = try TemporaryDirectory()
        let template = try Interop.unsignedNSW()
            .replacingOccurrences(of: "</Content></Body>", with: "</Content>\(Interop.signatureTemplate(uris: ["#Content"]))</Body>")
            .replacingOccurrences(
                of: "</Envelope>", with: "<SystemSignature>\(Interop.signatureTemplate(uris: [""], enveloped: true))</SystemSignature></Envelope>")
        let contentSigned = try await Interop.xmlsec1Sign(
            template, xpath: Interop.bodySignatureXPath, idAttributes: [Interop.nswNS + ":Content"], in: directory)
        let signed = try await Interop.xmlsec1Sign(contentSigned, xpath: Interop.systemSignatureXPath, idAttributes: [], in: directory)
        let result = try services.verifyNSWEnvelope(TestPKI.bytes(signed))
        #expect(result.contentSignature.references.map(\.uri) == ["#Content"])
        // Officer-signed by xmlsec1, then SystemSignature by SWGate: the officer's signature is kept.
        let officer = try await Interop.xmlsec1Sign(
            Interop.unsignedNSW().replacingOccurrences(
                of: "</Content></Body>", with: "</Content>\(Interop.signatureTemplate(uris: ["#Content"]))</Body>"),
            xpath: Interop.bodySignatureXPath, idAttributes: [Interop.nswNS + ":Content"], key: "officer", in: directory)
        let completed = try services.verifyNSWEnvelope(services.signNSWEnvelope(TestPKI.bytes(officer)))
        #expect(completed.contentSignature.signerSubject.contains("Officer"))
    }

    @Test func swgateRefusesXmlsec1SignedReferenceToASibling() async throws {
        let directory = try TemporaryDirectory()
        let template = try Interop.unsignedNSW()
            .replacingOccurrences(of: "<Header>", with: "<Header Id=\"hdr\">")
            .replacingOccurrences(of: "</Content></Body>", with: "</Content>\(Interop.signatureTemplate(uris: ["#hdr"]))</Body>")
            .replacingOccurrences(
                of: "</Envelope>", with: "<SystemSignature>\(Interop.signatureTemplate(uris: [""], enveloped: true))</SystemSignature></Envelope>")
        let contentSigned = try await Interop.xmlsec1Sign(
            template, xpath: Interop.bodySignatureXPath, idAttributes: [Interop.nswNS + ":Header"], in: directory)
        let signed = try await Interop.xmlsec1Sign(contentSigned, xpath: Interop.systemSignatureXPath, idAttributes: [], in: directory)
        expectRefusal(.wrapping) { try _ = services.verifyNSWEnvelope(TestPKI.bytes(signed)) }
    }

    @Test func sha1IsRefusedUnlessThePartnerAllowsIt() async throws {
        let directory = try TemporaryDirectory()
        let sha1 = Interop.signatureTemplate(
            uris: ["#Content"], method: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            digest: "http://www.w3.org/2000/09/xmldsig#sha1")
        let template = try Interop.unsignedNSW()
            .replacingOccurrences(of: "</Content></Body>", with: "</Content>\(sha1)</Body>")
            .replacingOccurrences(
                of: "</Envelope>", with: "<SystemSignature>\(Interop.signatureTemplate(uris: [""], enveloped: true))</SystemSignature></Envelope>")
        let contentSigned = try await Interop.xmlsec1Sign(
            template, xpath: Interop.bodySignatureXPath, idAttributes: [Interop.nswNS + ":Content"], in: directory)
        let signed = TestPKI.bytes(try await Interop.xmlsec1Sign(contentSigned, xpath: Interop.systemSignatureXPath, idAttributes: [], in: directory))
        expectRefusal(.algorithmNotAllowed) { try _ = services.verifyNSWEnvelope(signed) }
        let legacy = try TestPKI.services(signingAs: "gateway") { $0.partners[0].allowSHA1 = true }
        let result = try legacy.verifyNSWEnvelope(signed)
        #expect(result.contentSignature.signatureMethod == "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
    }

    @Test func swgateVerifiesXmlsec1SignedAS4Message() async throws {
        let directory = try TemporaryDirectory()
        let unsigned = try Interop.unsignedAS4(certificate: services.systemIdentity.certificate)
        let ids = Interop.as4Ids(unsigned)
        let keyInfo = Interop.tokenReference(
            ids[3], valueType: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3")
        let template = Interop.signatureTemplate(uris: ids.prefix(3).map { "#" + $0 }, keyInfo: keyInfo)
        let signed = try await Interop.xmlsec1SignAS4(unsigned, template: template, in: directory)
        let result = try services.verifyAS4Message(TestPKI.bytes(signed))
        #expect(result.nonRepudiationInformation.count == 3)
    }

    @Test func inclusiveNamespacesPrefixListIsAcceptedButOtherParametersAreNot() async throws {
        let directory = try TemporaryDirectory()
        let unsigned = try Interop.unsignedAS4(certificate: services.systemIdentity.certificate)
        let ids = Interop.as4Ids(unsigned)
        let keyInfo = Interop.tokenReference(ids[3])
        let prefixList = "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"S12 wsu\"/>"
        let template = Interop.signatureTemplate(uris: ids.prefix(3).map { "#" + $0 }, keyInfo: keyInfo)
            .replacingOccurrences(
                of: "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                with: "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">\(prefixList)</ds:Transform>")
        let signed = try await Interop.xmlsec1SignAS4(unsigned, template: template, in: directory)
        #expect(signed.contains("PrefixList"))
        _ = try services.verifyAS4Message(TestPKI.bytes(signed))
        let xpath = signed.replacingOccurrences(of: prefixList, with: "<ds:XPath>1</ds:XPath>")
        expectRefusal(.algorithmNotAllowed) { try _ = services.verifyAS4Message(TestPKI.bytes(xpath)) }
    }

    @Test func swgateVerifiesSignxmlSignatures() async throws {
        let directory = try TemporaryDirectory()
        let nswIn = try directory.write("nsw-in.xml", TestPKI.bytes(Interop.unsignedNSW()))
        let as4In = try directory.write("as4-in.xml", TestPKI.bytes(Interop.unsignedAS4(certificate: services.systemIdentity.certificate)))
        for (kind, input) in [("nsw", nswIn), ("as4", as4In)] {
            let output = directory.path + "/\(kind)-signed.xml"
            let result = try await Interop.python(
                InteropScripts.sign, [kind, input, output, TestPKI.path("gateway.key"), TestPKI.path("gateway.pem")], in: directory)
            try #require(result.output.contains("signed"), "\(result.error)")
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
            if kind == "nsw" {
                let verified = try services.verifyNSWEnvelope(bytes)
                #expect(verified.systemSignature.references.map(\.uri) == [""])
            } else {
                #expect(try services.verifyAS4Message(bytes).nonRepudiationInformation.count == 3)
            }
        }
    }
}
