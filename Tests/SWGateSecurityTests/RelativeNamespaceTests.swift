import SWGateTesting
import Foundation
import SWGateSecurity
import Testing

/// libxml2's C14N refuses a document with a relative namespace URI on any element it walks, signed
/// or not. The shortened C14N walks skip elements, so they fall back to the full walk whenever a
/// namespace declaration is not plainly absolute: such documents are refused as before, as
/// `signatureInvalid` ("the signature cannot be processed"), the code xmlsec gives them too.
@Suite struct RelativeNamespaceTests {
    let services = TestPKI.services

    @Test func relativeNamespaceOutsideTheSignedSubtreesIsRefusedAsBefore() throws {
        let signed = TestPKI.text(try services.signFormDForAS4(TestPKI.formD))
        _ = try services.verifyAS4Message(TestPKI.bytes(signed))
        let marked = signed.replacingOccurrences(of: "<S12:Envelope ", with: "<S12:Envelope xmlns:rel=\"relative/ns\" ")
        #expect(marked != signed)
        expectRefusal(.signatureInvalid) { try _ = services.verifyAS4Message(TestPKI.bytes(marked)) }
        // A plainly absolute one changes nothing (not visibly used, so not in any canonical form).
        let absolute = signed.replacingOccurrences(of: "<S12:Envelope ", with: "<S12:Envelope xmlns:abs=\"urn:swgate:test\" ")
        _ = try services.verifyAS4Message(TestPKI.bytes(absolute))
    }

    @Test func relativeNamespaceInsideTheEnvelopedSignatureIsRefusedAsBefore() throws {
        let signed = TestPKI.text(try services.signEnvelopedDocument(TestPKI.formD))
        let marked = signed.replacingOccurrences(of: "<ds:Signature ", with: "<ds:Signature xmlns:rel=\"relative/ns\" ")
        #expect(marked != signed)
        expectRefusal(.signatureInvalid) { try _ = services.verifyEnvelopedDocument(TestPKI.bytes(marked), partner: "VN") }
    }
}
