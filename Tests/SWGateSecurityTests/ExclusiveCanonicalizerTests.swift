import CLibXML2
import CXMLSec
import Foundation
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateSecurity

/// SWGate's own exclusive C14N writer against libxml2's `xmlC14NExecute`, octet for octet, on the
/// signed messages and on documents built to reach every rule: default and prefixed namespaces,
/// `xmlns=""`, rebinding, namespaces used only by attributes, attribute order, escaping, CDATA,
/// `xml:*` attributes, comments; for the whole document, every element's subtree, and with every
/// element left out (the enveloped-signature case).
@Suite struct ExclusiveCanonicalizerTests {
    static let documents: [String] = [
        #"<a xmlns="urn:a"><b xmlns=""><c/><d xmlns="urn:d"><e/></d></b><f/></a>"#,
        #"<p:a xmlns:p="urn:p" xmlns:q="urn:q" xmlns:r="urn:r" xmlns:unused="urn:u" q:x="1" y="2" r:z="3"><q:b/><r:c q:w="4"/></p:a>"#,
        #"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c xmlns:p="urn:1"><p:d/></p:c></p:b></p:a>"#,
        #"<a xmlns:b="urn:b" xmlns:a="urn:a" xmlns="urn:d" b:z="1" a:z="2" z="3" a:y="4" y="5" xmlns:c="urn:a" c:x="6"/>"#,
        "<a at=\"&quot;&lt;&gt;&amp;&#9;&#10;&#13;' x\">text &amp; &lt; &gt; &#13; \" ' \t\n<![CDATA[<cdata> & ]]>></a>",
        #"<a xml:lang="vi" xmlns:x="urn:x"><x:b xml:space="preserve" x:n="Tiếng Việt">Công ty Cổ phần Thủy sản</x:b></a>"#,
        "<!-- before --><a><!-- inner -->x<b>y</b><!-- tail --></a><!-- after -->",
        "<a>\n  <b>  </b>\n  <c/>\n</a>",
        #"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><t wsu:Id="ts-1" xmlns="urn:t"><u/></t></s:Header><s:Body wsu:Id="body-1"><m xmlns="urn:m"><n xmlns=""/></m></s:Body></s:Envelope>"#,
    ]

    /// libxml2's exclusive C14N (no comments) of `include` minus `exclude`.
    static func libxml2(
        _ document: UnsafeMutablePointer<xmlDoc>, include: UnsafeMutablePointer<xmlNode>?,
        exclude: UnsafeMutablePointer<xmlNode>?
    ) -> [UInt8]? {
        var scope = swg_c14n_scope(include: include, exclude: exclude)
        guard let output = xmlAllocOutputBuffer(nil) else { return nil }
        defer { xmlOutputBufferClose(output) }
        let written = withUnsafeMutablePointer(to: &scope) { scope in
            xmlC14NExecute(document, swg_c14nVisible, scope, swg_c14nExclusive(), nil, 0, output)
        }
        guard written >= 0, let content = xmlOutputBufferGetContent(output) else { return nil }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(output))))
    }

    static func elements(under node: UnsafeMutablePointer<xmlNode>) -> [UnsafeMutablePointer<xmlNode>] {
        var result: [UnsafeMutablePointer<xmlNode>] = [node]
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result += elements(under: current) }
            child = current.pointee.next
        }
        return result
    }

    /// Every node set of `text` (whole, each subtree, each element left out, each subtree with each
    /// of its descendants left out) canonicalised both ways; returns how many were compared.
    static func compareEverySubset(of text: String, name: String) throws -> Int {
        let document = try XMLDocument(bytes: Array(text.utf8))
        return document.withUnsafeDocumentPointer { raw in
            let doc = raw.assumingMemoryBound(to: xmlDoc.self)
            let all = elements(under: xmlDocGetRootElement(doc)!)
            var subsets: [(UnsafeMutablePointer<xmlNode>?, UnsafeMutablePointer<xmlNode>?)] = [(nil, nil)]
            for element in all {
                subsets.append((element, nil))
                subsets.append((nil, element))
                for inner in elements(under: element).dropFirst() { subsets.append((element, inner)) }
            }
            for (include, exclude) in subsets {
                let expected = libxml2(doc, include: include, exclude: exclude)
                let native = ExclusiveCanonicalizer.canonicalize(document: doc, include: include, exclude: exclude)
                #expect(native != nil, "\(name): the writer refused a supported document")
                #expect(
                    native == expected,
                    """
                    \(name): differs from libxml2
                    native:  \(String(decoding: native ?? [], as: UTF8.self))
                    libxml2: \(String(decoding: expected ?? [], as: UTF8.self))
                    """)
            }
            return subsets.count
        }
    }

    @Test func matchesLibxml2OnCraftedDocuments() throws {
        var compared = 0
        for (index, text) in Self.documents.enumerated() {
            compared += try Self.compareEverySubset(of: text, name: "document \(index)")
        }
        #expect(compared >= 100)
    }

    /// The messages SWGate signs and verifies: a Form D, an NSW envelope and an AS4 message.
    @Test func matchesLibxml2OnSignedMessages() throws {
        let services = TestPKI.services
        let messages = [
            TestPKI.text(TestPKI.formD),
            TestPKI.text(try services.signEnvelopedDocument(TestPKI.formD)),
            TestPKI.text(try services.signFormDForAS4(TestPKI.formD)),
        ]
        for (index, text) in messages.enumerated() {
            #expect(try Self.compareEverySubset(of: text, name: "message \(index)") > 10)
        }
    }

    /// What it does not write, it leaves to libxml2 (`nil`): processing instructions, a DTD.
    @Test func leavesProcessingInstructionsAndDTDsToLibxml2() throws {
        for text in ["<a><?pi data?></a>", "<?pi data?><a/>"] {
            let document = try XMLDocument(bytes: Array(text.utf8))
            document.withUnsafeDocumentPointer { raw in
                let doc = raw.assumingMemoryBound(to: xmlDoc.self)
                #expect(ExclusiveCanonicalizer.canonicalize(document: doc, include: nil, exclude: nil) == nil, "\(text)")
                #expect(Self.libxml2(doc, include: nil, exclude: nil) != nil)
            }
        }
    }

    /// An enveloped signature by an ECDSA key verifies in SWGate and in xmlsec1.
    @Test func ecdsaEnvelopedSignatureVerifiesBothWays() async throws {
        let documents = [TestPKI.formD, TestPKI.bytes(#"<p:a xmlns:p="urn:p" xmlns="urn:d"><b xmlns=""/></p:a>"#)]
        for document in documents {
            let ecdsa = try TestPKI.services(signingAs: "ecdsa")
            let signed = try ecdsa.signEnvelopedDocument(document)
            #expect(TestPKI.text(signed).contains("ecdsa-sha256"))
            _ = try ecdsa.verifyEnvelopedDocument(signed, partner: "VN")
            #expect(try await EnvelopedSpliceTests.xmlsec1Accepts(signed))
        }
    }
}
