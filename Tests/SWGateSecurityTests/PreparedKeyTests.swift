import SWGateTesting
import Foundation
import SWGateSecurity
import Testing

/// Signing and verification reuse OpenSSL contexts prepared once per key (per certificate for
/// verification). These tests warm those contexts first and then check that nothing the
/// unprepared path refuses gets through.
@Suite struct PreparedKeyTests {
    let services = TestPKI.services

    /// Makes partner VN accept revoked.pem, so that only a CRL can stop it.
    private func trustRevokedForVN(_ configuration: inout SecurityConfiguration) {
        let index = configuration.partners.firstIndex { $0.id == "VN" }!
        configuration.partners[index].certificateFiles.append(TestPKI.path("revoked.pem"))
    }

    private func gatewaySigned() throws -> [UInt8] {
        let signed = try services.signEnvelopedDocument(TestPKI.formD)
        _ = try services.verifyEnvelopedDocument(signed, partner: "VN")  // prepares the gateway key's verifier
        return signed
    }

    @Test func preparedVerifierIsBoundToItsCertificatesKey() throws {
        _ = try gatewaySigned()
        // Signed with the NSW key, but presenting the (trusted, partner-bound) gateway certificate.
        let nsw = try TestPKI.services(signingAs: "nsw")
        let signed = TestPKI.text(try nsw.signEnvelopedDocument(TestPKI.formD))
        let swapped = signed.replacingOccurrences(of: nsw.systemIdentity.certificate.base64, with: services.systemIdentity.certificate.base64)
        #expect(swapped != signed)
        expectRefusal(.signatureInvalid) { try _ = services.verifyEnvelopedDocument(TestPKI.bytes(swapped), partner: "VN") }
    }

    @Test func tamperedSignatureValueIsRefusedAfterASuccessfulVerification() throws {
        let signed = TestPKI.text(try gatewaySigned())
        let start = signed.range(of: "<ds:SignatureValue>")!.upperBound
        let first = signed[start]
        let tampered = signed.replacingCharacters(in: start...start, with: first == "A" ? "B" : "A")
        expectRefusal(.signatureInvalid) { try _ = services.verifyEnvelopedDocument(TestPKI.bytes(tampered), partner: "VN") }
        // The failure leaves the prepared context usable: the untouched document still verifies.
        _ = try services.verifyEnvelopedDocument(TestPKI.bytes(signed), partner: "VN")
    }

    @Test func expiryIsCheckedAfterTheKeyWasPrepared() throws {
        let signed = try gatewaySigned()
        let notAfter = services.systemIdentity.certificate.notAfter
        expectRefusal(.certificateExpired) {
            try _ = services.verifyEnvelopedDocument(signed, partner: "VN", at: notAfter.addingTimeInterval(86_400))
        }
    }

    @Test func revokedCertificateIsRefusedEveryTime() throws {
        let revoked = try TestPKI.services(signingAs: "revoked") { trustRevokedForVN(&$0) }
        let signed = try revoked.signEnvelopedDocument(TestPKI.formD)
        // Without CRLs the revoked certificate verifies (and its key context is prepared)...
        let withoutCRL = try TestPKI.services(signingAs: "gateway") {
            trustRevokedForVN(&$0)
            $0.crls = []
        }
        _ = try withoutCRL.verifyEnvelopedDocument(signed, partner: "VN")
        // ...with the CRL it is refused, the second time (certificate parsed and cached) as the first.
        let withCRL = try TestPKI.services(signingAs: "gateway") { trustRevokedForVN(&$0) }
        expectRefusal(.certificateRevoked) { try _ = withCRL.verifyEnvelopedDocument(signed, partner: "VN") }
        expectRefusal(.certificateRevoked) { try _ = withCRL.verifyEnvelopedDocument(signed, partner: "VN") }
    }

    @Test func rsaAndECDSAKeysKeepTheirOwnPreparedContexts() throws {
        let ecdsa = try TestPKI.services(signingAs: "ecdsa")
        for _ in 0..<3 {
            _ = try services.verifyNSWEnvelope(ecdsa.signFormDForNSW(TestPKI.formD))
            _ = try services.verifyNSWEnvelope(services.signFormDForNSW(TestPKI.formD))
        }
        // An RSA signature presented with the ECDSA certificate fails on the key type, not on a shared context.
        let signed = TestPKI.text(try services.signEnvelopedDocument(TestPKI.formD))
        let swapped = signed.replacingOccurrences(of: services.systemIdentity.certificate.base64, with: ecdsa.systemIdentity.certificate.base64)
        #expect(swapped != signed)
        expectRefusal(.signatureInvalid) { try _ = services.verifyEnvelopedDocument(TestPKI.bytes(swapped), partner: "VN") }
    }
}
