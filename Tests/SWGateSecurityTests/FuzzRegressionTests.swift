import Foundation
import SWGateSecurity
import SWGateTesting
import Testing

/// Inputs the signature-diff fuzz target found (docs/fuzzing.md), kept in Fixtures/fuzz/.
@Suite("Fuzz findings: signatures")
struct SignatureFuzzRegressionTests {
    /// signature-diff: a document with an undeclared prefix (`<p:a …>`) was signed; verifying it, the
    /// native engine failed inside canonicalisation (`internalFailure`) while xmlsec answered
    /// `signatureInvalid`: the engines disagreed on the reason. The parser now refuses documents
    /// that are not namespace-well-formed, so both engines refuse it, with the same code, before
    /// any cryptography.
    @Test("Both engines refuse a document with an undeclared prefix, with the same code, when signing and verifying")
    func undeclaredPrefix() throws {
        let document = try Fixtures.bytes("fuzz/signature-undeclared-prefix.xml")
        for engine in [SignatureEngine.native, .xmlsec] {
            let services = try TestPKI.services(signingAs: "gateway", engine: engine)
            #expect(throws: SignatureError.self) { _ = try services.signEnvelopedDocument(document) }
            do {
                _ = try services.verifyEnvelopedDocument(document, partner: "VN")
                Issue.record("\(engine): verified a document with an undeclared prefix")
            } catch {
                #expect(error.code == .malformedMessage, "\(engine): \(error)")
            }
        }
    }
}
