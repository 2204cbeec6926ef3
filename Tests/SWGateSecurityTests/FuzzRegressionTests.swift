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

    /// signature-diff: a signed document changed in one byte of a namespace declaration; libxml2's
    /// C14N refused the received document, and the native engine reported that as its own
    /// `internalFailure` while xmlsec said `signatureInvalid`. A C14N refusal of received data is now
    /// `signatureInvalid` in both engines. The fixture is the fuzz input: flags, offset, XOR value,
    /// then the document (layout in docs/fuzzing.md).
    @Test("Both engines call a received document libxml2's C14N refuses signatureInvalid")
    func canonicalisationRefusedOnReceipt() throws {
        let input = try Fixtures.bytes("fuzz/signature-diff-c14n-refused.bin")
        let offset = Int(input[1]) << 8 | Int(input[2])
        let change = input[3] == 0 ? 1 : input[3]
        let native = try TestPKI.services(signingAs: "gateway", engine: .native)
        let xmlsec = try TestPKI.services(signingAs: "gateway", engine: .xmlsec)
        var signed = try native.signEnvelopedDocument(Array(input[4...]))
        signed[offset % signed.count] ^= change
        for (name, services) in [("native", native), ("xmlsec", xmlsec)] {
            do {
                _ = try services.verifyEnvelopedDocument(signed, partner: "VN")
                Issue.record("\(name) verified a changed document")
            } catch {
                #expect(error.code == .signatureInvalid, "\(name): \(error)")
            }
        }
    }

    /// signature-diff: a document with two elements carrying the same Id was signed without
    /// complaint, and the signed document then failed its own verification (`duplicateId`): the
    /// gateway produced a signature nobody could accept. Signing now refuses such a document with
    /// the same code verification gives, in both engines.
    @Test("Signing refuses a document whose Id values are not unique, with the code verification gives")
    func duplicateIdRefusedWhenSigning() throws {
        let document = try Fixtures.bytes("fuzz/signature-duplicate-id.xml")
        for engine in [SignatureEngine.native, .xmlsec] {
            let services = try TestPKI.services(signingAs: "gateway", engine: engine)
            do {
                _ = try services.signEnvelopedDocument(document)
                Issue.record("\(engine): signed a document with a duplicate Id")
            } catch {
                #expect(error.code == .duplicateId, "\(engine): \(error)")
            }
        }
    }
}
