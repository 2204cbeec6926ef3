import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

@Suite struct TrustTests {
    let services = TestPKI.services

    @Test func unknownCAIsRefused() throws {
        let rogue = try TestPKI.services(signingAs: "rogue")
        expectRefusal(.untrustedCertificate) { try _ = services.verifyNSWEnvelope(rogue.signFormDForNSW(TestPKI.formD)) }
        expectRefusal(.untrustedCertificate) { try _ = services.verifyAS4Message(rogue.signFormDForAS4(TestPKI.formD)) }
    }

    @Test func expiredCertificateIsRefused() throws {
        let expired = try TestPKI.services(signingAs: "expired") { $0.partners[0].certificateFiles.append(TestPKI.path("expired.pem")) }
        expectRefusal(.certificateExpired) { try _ = services.verifyNSWEnvelope(expired.signFormDForNSW(TestPKI.formD)) }
    }

    @Test func revokedCertificateIsRefusedWhenACRLIsConfigured() throws {
        let revoked = try TestPKI.services(signingAs: "revoked") { $0.partners[0].certificateFiles.append(TestPKI.path("revoked.pem")) }
        let envelope = try revoked.signFormDForNSW(TestPKI.formD)
        // The verifier trusts revoked.pem for the partner; only the CRL stops it.
        let verifier = try TestPKI.services(signingAs: "gateway") { $0.partners[0].certificateFiles.append(TestPKI.path("revoked.pem")) }
        expectRefusal(.certificateRevoked) { try _ = verifier.verifyNSWEnvelope(envelope) }
        let withoutCRL = try TestPKI.services(signingAs: "gateway") {
            $0.partners[0].certificateFiles.append(TestPKI.path("revoked.pem"))
            $0.crls = []
        }
        _ = try withoutCRL.verifyNSWEnvelope(envelope)
    }

    @Test func signerOfAnotherPartnerIsRefused() throws {
        // The NSW's (trusted) key signs a message claiming to come from the ministry.
        let nsw = try TestPKI.services(signingAs: "nsw")
        expectRefusal(.signerNotPartner) { try _ = services.verifyNSWEnvelope(nsw.signFormDForNSW(TestPKI.formD)) }
        expectRefusal(.signerNotPartner) { try _ = services.verifyAS4Message(nsw.signFormDForAS4(TestPKI.formD)) }
    }

    @Test func ecdsaSignaturesVerify() throws {
        let ecdsa = try TestPKI.services(signingAs: "ecdsa")
        let result = try services.verifyNSWEnvelope(ecdsa.signFormDForNSW(TestPKI.formD))
        #expect(result.systemSignature.signatureMethod == "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")
    }

    @Test func encryptedPEMAndPKCS12KeysLoadWithTheirPassphrase() throws {
        let environment = ["SWGATE_TEST_PASSPHRASE": "swgate-test-only"]
        let pem = try SigningIdentity(
            source: KeySource(
                keyPath: TestPKI.path("gateway-encrypted.key"), certificatePath: TestPKI.path("gateway.pem"),
                passphraseEnvironmentVariable: "SWGATE_TEST_PASSPHRASE"), environment: environment)
        let p12 = try SigningIdentity(
            source: KeySource(
                format: .pkcs12, keyPath: TestPKI.path("gateway.p12"), passphraseEnvironmentVariable: "SWGATE_TEST_PASSPHRASE"),
            environment: environment)
        #expect(pem.certificate.fingerprintSHA256 == p12.certificate.fingerprintSHA256)
        #expect(p12.certificate.subject.contains("gateway.swgate.test"))
        var configuration = SecurityConfiguration.development(directory: TestPKI.certificates)
        configuration.systemKey = KeySource(format: .pkcs12, keyPath: "gateway.p12", passphraseEnvironmentVariable: "SWGATE_TEST_PASSPHRASE")
        let p12Services = try SecurityServices(configuration: configuration, baseDirectory: TestPKI.certificates, environment: environment)
        _ = try services.verifyNSWEnvelope(p12Services.signFormDForNSW(TestPKI.formD))
        expectRefusal(.keyLoadFailed) {
            _ = try SigningIdentity(
                source: KeySource(
                    format: .pkcs12, keyPath: TestPKI.path("gateway.p12"), passphraseEnvironmentVariable: "SWGATE_TEST_PASSPHRASE"),
                environment: ["SWGATE_TEST_PASSPHRASE": "wrong"])
        }
        expectRefusal(.keyLoadFailed) {
            _ = try SigningIdentity(
                source: KeySource(
                    keyPath: TestPKI.path("gateway-encrypted.key"), certificatePath: TestPKI.path("gateway.pem"),
                    passphraseEnvironmentVariable: "SWGATE_TEST_PASSPHRASE"), environment: [:])
        }
    }

    @Test func mismatchedCertificateErrorNeverQuotesKeyMaterial() throws {
        let key = try String(contentsOfFile: TestPKI.path("gateway.key"), encoding: .utf8)
        let secret = key.split(separator: "\n")[1]
        do {
            _ = try SigningIdentity(source: KeySource(keyPath: TestPKI.path("gateway.key"), certificatePath: TestPKI.path("nsw.pem")))
            Issue.record("a certificate that does not match the key was accepted")
        } catch {
            #expect(error.code == .keyLoadFailed)
            #expect(!error.message.contains(secret))
        }
    }

    @Test func trustStoreEvaluatesChainsValidityAndRevocation() throws {
        let anchors = try Certificate.load(pemFile: TestPKI.path("ca.pem"))
        let store = try TrustStore(anchors: anchors, crlFiles: [TestPKI.path("crl.pem")])
        let gateway = try Certificate.load(pemFile: TestPKI.path("gateway.pem"))[0]
        try store.evaluate(gateway)
        expectRefusal(.certificateExpired) { try store.evaluate(gateway, at: gateway.notAfter.addingTimeInterval(86_400)) }
        expectRefusal(.certificateNotYetValid) { try store.evaluate(gateway, at: gateway.notBefore.addingTimeInterval(-86_400)) }
        expectRefusal(.certificateRevoked) { try store.evaluate(Certificate.load(pemFile: TestPKI.path("revoked.pem"))[0]) }
        expectRefusal(.untrustedCertificate) { try store.evaluate(Certificate.load(pemFile: TestPKI.path("rogue.pem"))[0]) }
    }
}

@Suite struct EnvelopedDocumentTests {
    @Test func envelopedSignatureRoundTripAndTamper() throws {
        let services = TestPKI.services
        let signed = try services.signEnvelopedDocument(TestPKI.formD)
        let verified = try services.verifyEnvelopedDocument(signed, partner: "VN")
        #expect(verified.references.map(\.uri) == [""])
        let tampered = TestPKI.bytes(TestPKI.text(signed).replacingOccurrences(of: "1200.5", with: "1200.6"))
        expectRefusal(.digestMismatch) { try _ = services.verifyEnvelopedDocument(tampered, partner: "VN") }
        expectRefusal(.signerNotPartner) { try _ = services.verifyEnvelopedDocument(signed, partner: "TH") }
        expectRefusal(.unexpectedSignature) { try _ = services.signEnvelopedDocument(signed) }
    }
}

/// An enveloped signature over any document: comments and processing instructions inside the
/// root are removed, the signed tree is serialised again. Each verifies in SWGate and in xmlsec1.
@Suite struct EnvelopedSpliceTests {
    static func xmlsec1Accepts(_ signed: [UInt8]) async throws -> Bool {
        let directory = try TemporaryDirectory()
        let result = try await Interop.xmlsec1Verify(signed, ["--trusted-pem", TestPKI.path("ca.pem")], in: directory)
        return result.status == 0
    }

    @Test(arguments: [
        ("<a><!-- note --><b>x</b></a>", "<!-- note -->"),
        ("<a><?pi data?><b>x</b></a>", "<?pi data?>"),
        ("<a><b>x</b></a><!-- after -->", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        ("<a/>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
    ])
    func otherDocumentsAreSerialisedAgain(document: String, marker: String) async throws {
        let services = TestPKI.services
        let signed = TestPKI.text(try services.signEnvelopedDocument(TestPKI.bytes(document)))
        // comments and PIs inside the root are gone; the others come back with libxml2's declaration
        #expect(signed.contains(marker) == marker.hasPrefix("<?xml "), "\(signed)")
        _ = try services.verifyEnvelopedDocument(TestPKI.bytes(signed), partner: "VN")
        #expect(try await Self.xmlsec1Accepts(TestPKI.bytes(signed)))
    }
}
