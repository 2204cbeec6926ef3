import Foundation
import SWGateSchemas
import SWGateTesting
import Testing

@testable import SWGateXML

@Suite("Schema compilation and validation")
struct XMLSchemaTests {
    @Test("Every bundled schema compiles from local files only")
    func bundledSchemasCompile() throws {
        for file in [
            "atiga-form-d.xsd", "import-export-licence.xsd", "nsw-envelope.xsd", "standard/as4-message.xsd", "standard/soap11-message.xsd",
            "standard/soap12-envelope.xsd", "standard/xmldsig-core-schema.xsd",
        ] {
            _ = try XMLSchema(path: SchemaDirectory.file(file))
        }
    }

    @Test("A schema that imports from outside its directory or the network does not compile")
    func importsOutsideAreRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let listener = try LoopbackListener()
        defer { listener.close() }
        for location in ["file:///etc/passwd", "http://127.0.0.1:\(listener.port)/x.xsd", "../outside.xsd", "/etc/hostname"] {
            let path = try directory.write(
                "bad.xsd",
                Array(
                    """
                    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">
                      <xs:import namespace="urn:other" schemaLocation="\(location)"/>
                      <xs:element name="a" type="xs:string"/>
                    </xs:schema>
                    """.utf8))
            // libxml2 treats an unloadable import as a warning; what matters is that nothing was read.
            _ = try? XMLSchema(path: path)
        }
        #expect(!listener.receivedConnection(waitingMilliseconds: 200))
        let including = try directory.write(
            "include.xsd",
            Array(
                """
                <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">
                  <xs:include schemaLocation="file:///etc/passwd"/>
                </xs:schema>
                """.utf8))
        #expect(throws: XMLError.self) { try XMLSchema(path: including) }
    }

    @Test("Violations carry the element's path, line and column, with namespaces stripped")
    func violationLocations() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "t.xsd",
            Array(
                """
                <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified">
                  <xs:element name="r"><xs:complexType><xs:sequence>
                    <xs:element name="code" maxOccurs="unbounded"><xs:simpleType><xs:restriction base="xs:string">
                      <xs:pattern value="[0-9]{6,12}"/></xs:restriction></xs:simpleType></xs:element>
                  </xs:sequence></xs:complexType></xs:element>
                </xs:schema>
                """.utf8))
        let schema = try XMLSchema(path: path)
        let document = try XMLDocument(string: "<r xmlns=\"urn:t\">\n  <code>123456</code>\n  <code>12AB</code>\n</r>")
        let violations = schema.validate(document)
        #expect(violations.count == 1)
        let violation = try #require(violations.first)
        #expect(violation.path == "/r/code[2]")
        #expect((violation.line, violation.column) == (3, 3))
        #expect(violation.message.contains("'code'"))
        #expect(!violation.message.contains("{urn:t}"))
        #expect(violation.message.contains("[0-9]{6,12}"), "pattern braces are kept")
    }

    @Test("One compiled schema serves thousands of concurrent validations")
    func concurrentValidation() async throws {
        let schema = try XMLSchema(path: SchemaDirectory.file("atiga-form-d.xsd"))
        let valid = try Fixtures.bytes("valid/formd-multi-item-all-criteria.xml")
        let invalid = try Fixtures.bytes("invalid/XSD.xml")
        let results = await withTaskGroup(of: (Bool, Int).self) { group in
            for index in 0..<4_000 {
                group.addTask {
                    let isValid = index % 2 == 0
                    let document = try! XMLDocument(bytes: isValid ? valid : invalid)
                    return (isValid, schema.validate(document).count)
                }
            }
            var collected: [(Bool, Int)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 4_000)
        #expect(results.allSatisfy { $0.0 ? $0.1 == 0 : $0.1 == 1 })
    }
}
