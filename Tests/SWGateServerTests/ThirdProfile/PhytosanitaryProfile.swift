import Foundation
import SWGateDomain
import SWGateXML

/// A third document type defined entirely here, through the public profile API: a phytosanitary
/// certificate (plant health, IPPC ePhyto-like). Nothing outside this folder knows it; the tests
/// beside it register it with a gateway and send it end to end.
enum PhytosanitaryProfile {
    static let namespace = "urn:example:phyto:1"
    static let documentType = "PHYTOSANITARY-CERTIFICATE"
    /// The rule this profile adds: the country of destination is not the exporting country.
    static let destinationRule = RuleID("PHY-DESTINATION")

    static let schema = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="urn:example:phyto:1"
                   targetNamespace="urn:example:phyto:1" elementFormDefault="qualified">
          <xs:element name="PhytoCertificate">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="CertificateNumber" type="xs:token"/>
                <xs:element name="Function">
                  <xs:simpleType><xs:restriction base="xs:token">
                    <xs:enumeration value="ISSUE"/><xs:enumeration value="REPLACE"/>
                  </xs:restriction></xs:simpleType>
                </xs:element>
                <xs:element name="Replaces" type="xs:token" minOccurs="0"/>
                <xs:element name="ExportingCountry" type="Country"/>
                <xs:element name="DestinationCountry" type="Country"/>
                <xs:element name="IssueDate" type="xs:date"/>
                <xs:element name="Commodity" type="xs:string" maxOccurs="unbounded"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
          <xs:simpleType name="Country"><xs:restriction base="xs:token"><xs:pattern value="[A-Z]{2}"/></xs:restriction></xs:simpleType>
        </xs:schema>
        """

    /// The profile, its schema compiled from `directory` (where it is written first).
    static func profile(directory: String) throws -> DocumentProfile {
        let path = directory + "/phyto.xsd"
        try Data(schema.utf8).write(to: URL(fileURLWithPath: path))
        return DocumentProfile(
            documentType: documentType, namespace: namespace, rootElement: "PhytoCertificate", schema: try XMLSchema(path: path),
            mediaType: "application/vnd.example.phyto+xml",
            nsw: .init(documentType: "PHYTOSANITARY", type: "PC"),
            as4: .init(service: "urn:example:service:phyto", action: "SubmitPhyto"),
            rules: { root, _ in
                let ns: String?? = .some(namespace)
                guard let exporting = root.child("ExportingCountry", namespace: ns), let destination = root.child("DestinationCountry", namespace: ns),
                    exporting.text == destination.text
                else { return [] }
                return [
                    ValidationIssue(
                        rule: destinationRule, message: "the destination is the exporting country", path: destination.path,
                        line: destination.line, column: destination.column)
                ]
            },
            summarize: { root in
                let ns: String?? = .some(namespace)
                func value(_ name: String) -> String? { root.child(name, namespace: ns)?.text.trimmingCharacters(in: .whitespaces) }
                guard let number = value("CertificateNumber"), let function = value("Function"), let exporting = value("ExportingCountry"),
                    let date = value("IssueDate")
                else { return nil }
                return DocumentSummary(
                    documentType: documentType, reference: number, function: function, replaces: value("Replaces"), issueDate: date,
                    issuingCountry: exporting, importingCountry: value("DestinationCountry"))
            })
    }

    /// A certificate from Viet Nam to `destination`.
    static func certificate(_ number: String, destination: String = "TH") -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <PhytoCertificate xmlns="urn:example:phyto:1"><CertificateNumber>\(number)</CertificateNumber><Function>ISSUE</Function>\
            <ExportingCountry>VN</ExportingCountry><DestinationCountry>\(destination)</DestinationCountry><IssueDate>2026-11-30</IssueDate>\
            <Commodity>Fresh dragon fruit (Hylocereus undatus), 18 t</Commodity></PhytoCertificate>
            """.utf8)
    }
}
