import Foundation
import SWGateTesting
import Testing

@testable import SWGateXML

/// Inputs the fuzz targets (Fuzz/, docs/fuzzing.md) found, kept in Fixtures/fuzz/ with the test
/// that failed before the fix.
@Suite("Fuzz findings: hardened parsing")
struct FuzzRegressionTests {
    /// c14n-diff: two prefixes bound to one namespace URI let an element carry two attributes with
    /// the same expanded name (`a:y` and `c:y` in `urn:a`). libxml2 built the tree anyway (a namespace
    /// error, not a well-formedness error), and the own C14N writer and libxml2's ordered the twins
    /// differently: one signed document, two canonical forms. Such documents are now refused.
    @Test("Attributes with one expanded name through two prefixes are refused as not namespace-well-formed")
    func twinAttributesAreRefused() throws {
        let bytes = try Fixtures.bytes("fuzz/c14n-twin-attributes.xml")
        #expect {
            _ = try XMLDocument(bytes: bytes)
        } throws: { error in
            guard let error = error as? XMLError else { return false }
            return error.code == .malformed && error.message.contains("not namespace-well-formed") && error.message.contains("redefined")
        }
    }

    @Test("An undeclared prefix is refused too; distinct expanded names through two prefixes are fine")
    func otherNamespaceErrors() throws {
        #expect(throws: XMLError.self) { _ = try XMLDocument(string: "<p:a/>") }
        #expect(throws: XMLError.self) { _ = try XMLDocument(string: #"<a><b q:x="1"/></a>"#) }
        let fine = try XMLDocument(string: #"<a xmlns:p="urn:a" xmlns:q="urn:a" p:x="1" q:y="2"/>"#)
        #expect(try CanonicalizationCrossCheck.compare(fine) > 0)
    }
}
