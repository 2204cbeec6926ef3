import Foundation
import SWGateTesting
import Synchronization
import Testing

@testable import SWGateXML

@Suite("Hardened XML parsing")
struct XMLParsingTests {
    @Test("Vietnamese text is read as written and serialised byte for byte")
    func vietnameseRoundTrip() throws {
        let bytes = try Fixtures.bytes("valid/formd-single-item.xml")
        let document = try XMLDocument(bytes: bytes)
        let name = try #require(document.root.child("Exporter")?.child("Name"))
        #expect(name.text == "Công ty Cổ phần Xuất nhập khẩu Thủy sản Cà Mau")

        let serialized = document.serialized()
        let expectedBytes = Array("Công ty Cổ phần Xuất nhập khẩu Thủy sản Cà Mau".utf8)
        #expect(serialized.firstRange(of: expectedBytes) != nil, "no character references, no re-encoding")
        #expect(serialized.firstRange(of: Array("&#".utf8)) == nil)

        // The body after the XML declaration is the input, byte for byte.
        let body = { (data: [UInt8]) -> [UInt8] in Array(data.drop { $0 != UInt8(ascii: "<") }.drop { $0 != UInt8(ascii: "\n") }) }
        #expect(body(serialized) == body(bytes))

        let canonical = document.exclusiveCanonicalForm()
        #expect(canonical.firstRange(of: expectedBytes) != nil)
        let reparsed = try XMLDocument(bytes: serialized)
        #expect(reparsed.root.child("Exporter")?.child("Name")?.text == name.text)
    }

    @Test("Decomposed and precomposed Vietnamese letters are not normalised")
    func noUnicodeNormalisation() throws {
        let precomposed = "Đức"  // U+1EE9
        let decomposed = "Đu\u{031B}\u{0301}c"
        let document = try XMLDocument(string: "<a><p>\(precomposed)</p><d>\(decomposed)</d></a>")
        #expect(Array(document.root.child("p")!.text.utf8) == Array(precomposed.utf8))
        #expect(Array(document.root.child("d")!.text.utf8) == Array(decomposed.utf8))
    }

    @Test("An external entity pointing at /etc/passwd is refused and nothing is read")
    func xxeFile() throws {
        let error = try parseError(Fixtures.bytes("hostile/xxe-file.xml"))
        #expect(error.code == .dtdForbidden)
        #expect(error.line == 2)
        #expect(error.message.contains("DOCTYPE"))
        #expect(!error.message.contains("root:"))
    }

    @Test("An external entity pointing at a loopback server never opens a connection")
    func xxeNetwork() throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        for template in [
            "<!DOCTYPE a [<!ENTITY e SYSTEM \"http://127.0.0.1:PORT/x\">]><a>&e;</a>",
            "<!DOCTYPE a SYSTEM \"http://127.0.0.1:PORT/a.dtd\"><a/>",
            "<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://127.0.0.1:PORT/p\"> %p;]><a/>",
            "<a xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"http://127.0.0.1:PORT/i\"/></a>",
        ] {
            let text = template.replacingOccurrences(of: "PORT", with: String(listener.port))
            _ = try? XMLDocument(string: text)
        }
        #expect(!listener.receivedConnection(waitingMilliseconds: 300))
    }

    @Test("Billion laughs is refused at the DOCTYPE, quickly and without expansion")
    func billionLaughs() throws {
        let error = try parseError(Fixtures.bytes("hostile/billion-laughs.xml"))
        #expect(error.code == .dtdForbidden)
    }

    @Test("External DTDs and parameter entities are refused")
    func externalDTD() throws {
        #expect(try parseError(Fixtures.bytes("hostile/external-dtd.xml")).code == .dtdForbidden)
        #expect(try parseError(Fixtures.bytes("hostile/parameter-entity.xml")).code == .dtdForbidden)
        #expect(try parseError(Array("<!DOCTYPE a><a/>".utf8)).code == .dtdForbidden)
    }

    @Test("A 50 MB document is refused by size before parsing")
    func hugeDocument() throws {
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 50 * 1024 * 1024)
        bytes.replaceSubrange(0..<3, with: Array("<a>".utf8))
        bytes.replaceSubrange((bytes.count - 4)..<bytes.count, with: Array("</a>".utf8))
        let error = try parseError(bytes)
        #expect(error.code == .tooLarge)
        #expect(error.message.contains("10485760"))
    }

    @Test("10,000-deep nesting is refused at the first level past the limit")
    func deepNesting() throws {
        let depth = 10_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = try parseError(Array(text.utf8))
        #expect(error.code == .tooDeep)
        #expect(error.line == 1)
        #expect(error.column > 64 * 3)

        let custom = try parseError(Array("<a><b><c><d/></c></b></a>".utf8), limits: XMLLimits(maxDepth: 3))
        #expect(custom.code == .tooDeep)
        #expect(try XMLDocument(string: "<a><b><c/></b></a>", limits: XMLLimits(maxDepth: 3)).root.localName == "a")
    }

    @Test("Node count is capped")
    func tooManyNodes() throws {
        let text = "<a>" + String(repeating: "<b x=\"1\"/>", count: 1000) + "</a>"
        let error = try parseError(Array(text.utf8), limits: XMLLimits(maxNodes: 500))
        #expect(error.code == .tooManyNodes)
        #expect(try XMLDocument(string: text).root.children.count == 1000)
    }

    @Test("Non-XML, truncated and empty input get located well-formedness errors")
    func malformed() throws {
        let json = try parseError(Fixtures.bytes("hostile/not-xml.json"))
        #expect(json.code == .malformed)
        #expect(json.line == 1 && json.column == 1)
        #expect(json.message.contains("Start tag expected"))

        let unclosed = try parseError(Fixtures.bytes("hostile/unclosed-tag.xml"))
        #expect(unclosed.code == .malformed)
        #expect(unclosed.line >= 4)

        #expect(try parseError([]).code == .malformed)
        #expect(try parseError([0xFF, 0xFE, 0x00, 0x3C]).code == .malformed)
        let mismatch = try parseError(Array("<a>\n  <b></c>\n</a>".utf8))
        #expect(mismatch.line == 2)
    }

    @Test("Elements report line, column and a readable path")
    func locations() throws {
        let document = try XMLDocument(string: "<r xmlns:p=\"urn:p\">\n  <p:x/><p:x/>\n  <y>\n    <p:x a=\"1\"/>\n  </y>\n</r>")
        let xs = document.root.children
        #expect(xs.count == 3)
        #expect((xs[0].line, xs[0].column) == (2, 3))
        #expect((xs[1].line, xs[1].column) == (2, 9))
        #expect(xs[1].path == "/r/x[2]")
        let nested = try #require(xs[2].children.first)
        #expect((nested.line, nested.column) == (4, 5))
        #expect(nested.path == "/r/y/x")
        #expect(nested.attribute("a") == "1")

        let unicode = try XMLDocument(string: "<r><tên>Đức</tên><b/></r>")
        #expect(unicode.root.children[1].column == 18, "columns count characters, not bytes")
    }

    private func parseError(_ bytes: [UInt8], limits: XMLLimits = .default) throws -> XMLError {
        do {
            _ = try XMLDocument(bytes: bytes, limits: limits)
        } catch {
            return error
        }
        Issue.record("document was accepted")
        return XMLError(code: .internalFailure, message: "accepted")
    }

    @Test("Text of an element: one text node, nothing, mixed content, CDATA and character references")
    func elementText() throws {
        let xml = """
            <r><one>  plain  </one><empty/><none></none><mixed>a<b>b</b>c<!-- x -->d</mixed><cdata><![CDATA[<x>]]></cdata>\
            <both>t<![CDATA[u]]></both><ref>&amp;&#x1EA1;</ref><short>a</short><blank> </blank></r>
            """
        for keep in [true, false] {
            let root = try XMLDocument(bytes: Array(xml.utf8), keepIgnorableWhitespace: keep).root
            func text(_ name: String) -> String? { root.child(name)?.text }
            #expect(text("one") == "  plain  ")
            #expect(text("empty") == "" && text("none") == "")
            #expect(text("mixed") == "abcd")
            #expect(text("cdata") == "<x>")
            #expect(text("both") == "tu")
            #expect(text("ref") == "&\u{1EA1}")
            #expect(text("short") == "a")
            #expect(text("blank") == " ")
        }
    }
}

/// Trees built on one thread and released on another, by several threads at once, must come out
/// intact (the allocator's per-thread caches take memory freed on another thread than the one
/// that allocated it).
@Suite("Tree allocation across threads")
struct XMLAllocationTests {
    /// Hands a document to another task (the test's own hand-over; documents are not Sendable).
    final class Handed: @unchecked Sendable {
        let document: XMLDocument
        init(_ document: XMLDocument) { self.document = document }
    }

    static let handOver = Mutex<[Handed]>([])

    @Test("Documents parsed on some threads and released on others keep their content")
    func crossThreadRelease() async throws {
        let text = "<a xmlns=\"urn:a\">" + (0..<200).map { "<b n=\"\($0)\">Thủy sản \($0)</b>" }.joined() + "</a>"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<200 {
                        let document = try XMLDocument(string: text)
                        #expect(document.root.children.count == 200)
                        // keep some for another task to release
                        if (round + worker) % 3 == 0 {
                            let handed = Handed(document)
                            Self.handOver.withLock { $0.append(handed) }
                        } else {
                            _ = Self.handOver.withLock { $0.popLast() }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let left = Self.handOver.withLock { $0 }
        for handed in left {
            #expect(handed.document.root.children.last?.text == "Thủy sản 199")
        }
    }
}
