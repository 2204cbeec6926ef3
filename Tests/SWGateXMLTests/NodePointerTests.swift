import Testing

@testable import SWGateXML

/// The signature checks read every element they trust through `onlyChild`: a second element of the
/// same name must make it answer nothing, whatever lies between the two.
@Suite("Child elements by name and namespace")
struct NodePointerTests {
    static let text = """
        <r xmlns="urn:a" xmlns:b="urn:b"><x/>text<b:x/><y/><!-- c --><x/><b:y/><xy/><?pi?><z xmlns=""/></r>
        """

    @Test("onlyChild: the one match; nothing for none or two; children: every match in order")
    func onlyChildAndChildren() throws {
        let document = try XMLDocument(bytes: Array(Self.text.utf8))
        document.withRootNode { root in
            #expect(root.onlyChild("x", "urn:a") == nil)  // two of them, a comment and text between
            #expect(root.children("x", "urn:a").count == 2)
            #expect(root.onlyChild("x", "urn:b").map { $0.namespaceURI } == "urn:b")
            #expect(root.onlyChild("y", "urn:a")?.localName == "y")
            #expect(root.onlyChild("y", "urn:b")?.namespaceURI == "urn:b")
            #expect(root.onlyChild("z", nil)?.localName == "z")
            #expect(root.onlyChild("z", "urn:a") == nil)
            #expect(root.onlyChild("w", "urn:a") == nil)
            #expect(root.children("w", "urn:a").isEmpty)
            // Names are compared whole: neither a prefix nor an extension of a name matches it.
            #expect(root.onlyChild("xy", "urn:a")?.localName == "xy")
            #expect(root.onlyChild("xyz", "urn:a") == nil)
            #expect(root.onlyChild("", "urn:a") == nil)
            #expect(root.onlyChild("y", "urn:") == nil && root.onlyChild("y", "urn:ab") == nil)
            let xs = root.children("x", "urn:a")
            #expect(xs.count == 2 && xs[0] != xs[1] && xs.allSatisfy { $0.localName == "x" && $0.namespaceURI == "urn:a" })
        }
    }

    @Test("cStringEquals: equal texts only; a prefix, an extension, a NUL inside the text and the empty text")
    func cStringComparison() {
        func equals(_ c: [UInt8], _ text: String) -> Bool {
            (c + [0]).withUnsafeBufferPointer { cStringEquals($0.baseAddress!, text) }
        }
        #expect(equals(Array("http://www.w3.org/2000/09/xmldsig#".utf8), "http://www.w3.org/2000/09/xmldsig#"))
        #expect(!equals(Array("http://www.w3.org/2000/09/xmldsig".utf8), "http://www.w3.org/2000/09/xmldsig#"))
        #expect(!equals(Array("http://www.w3.org/2000/09/xmldsig#x".utf8), "http://www.w3.org/2000/09/xmldsig#"))
        #expect(!equals(Array("http://www.w3.org/2000/09/xmldsig!".utf8), "http://www.w3.org/2000/09/xmldsig#"))
        #expect(!equals(Array("ab".utf8), "ab\u{0}"))
        #expect(equals([], "") && !equals([], "a") && !equals(Array("a".utf8), ""))
        #expect(equals(Array("Überweisung".utf8), "Überweisung"))
    }
}
