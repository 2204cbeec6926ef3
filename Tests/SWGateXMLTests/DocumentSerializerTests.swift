import Foundation
import SWGateTesting
import Testing

@testable import SWGateXML

@Suite("Serialising a document: the bytes libxml2 writes, without libxml2's writer")
struct DocumentSerializerTests {
    /// The document written by both writers; `direct` is nil when the direct writer left it to libxml2.
    static func both(_ text: String) throws -> (direct: [UInt8]?, libxml2: [UInt8], document: XMLDocument) {
        let document = try XMLDocument(bytes: Array(text.utf8))
        return (
            document.directlySerialized(),
            document.libxml2Serialized(), document
        )
    }

    @Test("Every fixture the parser accepts is written as libxml2 writes it")
    func fixtures() throws {
        var compared = 0
        var direct = 0
        for folder in ["valid", "invalid", "licence/valid", "licence/invalid", "fuzz"] {
            for name in Fixtures.xmlFiles(in: folder) {
                guard let document = try? XMLDocument(bytes: Fixtures.bytes("\(folder)/\(name)")) else { continue }
                #expect(document.serialized() == document.libxml2Serialized(), "\(folder)/\(name) differs")
                compared += 1
                if document.directlySerialized() != nil { direct += 1 }
            }
        }
        #expect(compared >= 30)
        #expect(direct >= compared - 5, "\(direct) of \(compared) written directly")
    }

    @Test("Escaping, empty elements, namespaces, prefixed attributes and comments: written directly, as libxml2 writes them")
    func constructsWrittenDirectly() throws {
        let samples = [
            #"<a/>"#,
            "<a>x &amp; y &lt; z &gt; w \"q\" 'a' &#13; &#9; tab\tline\nend</a>",
            #"<a b="1 &amp; 2 &lt; 3 &gt; 4 &quot;5&quot; 'six'" c="&#10;&#13;&#9;" d=""/>"#,
            "<v>Tôm đông lạnh – 冷凍エビ 🦐</v>",
            #"<e xmlns="urn:e" xmlns:p="urn:p" p:q="1"><p:c xml:lang="vi"/><x xmlns=""><y/></x></e>"#,
            "<a><!-- a comment --><b>text<!--x--></b></a>",
            "<!-- before --><root/>",
            #"<?xml version="1.0" encoding="UTF-8"?><r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature Id="s"/></r>"#,
        ]
        for sample in samples {
            let (direct, libxml2, _) = try Self.both(sample)
            #expect(direct != nil, "\(sample)")
            #expect(
                direct.map { String(decoding: $0, as: UTF8.self) } == String(decoding: libxml2, as: UTF8.self), "\(sample)")
        }
    }

    @Test("What the direct writer does not take is left to libxml2, and serialized() gives libxml2's bytes")
    func otherConstructsGoToLibxml2() throws {
        let samples = [
            "<a><![CDATA[x < y]]></a>",
            "<a><?pi content?></a>",
            #"<a b="é"/>"#,
            #"<?xml version="1.0" standalone="yes"?><a/>"#,
        ]
        for sample in samples {
            let (direct, libxml2, document) = try Self.both(sample)
            #expect(direct == nil, "\(sample)")
            #expect(String(decoding: document.serialized(), as: UTF8.self) == String(decoding: libxml2, as: UTF8.self), "\(sample)")
        }
    }

    @Test("A tree edited in place (an element added, an attribute set) is written as libxml2 writes it")
    func editedTree() throws {
        let document = try XMLDocument(bytes: Array(#"<Envelope xmlns="urn:nsw"><Body><Content Id="c">x</Content></Body></Envelope>"#.utf8))
        document.withRootNode { root in
            let added = root.appendElement("SystemSignature")
            _ = added?.appendElement("Inner")
        }
        let written = String(decoding: document.serialized(), as: UTF8.self)
        #expect(written == String(decoding: document.libxml2Serialized(), as: UTF8.self))
        #expect(written.contains("<SystemSignature><Inner/></SystemSignature>"), "\(written)")
    }
}
