import SWGateStore
import SWGateXML
import SWGateDomain
import SWGateDelivery
import SWGateChannels
import Foundation
import SWGateSecurity
import SWGateHTTP
import SWGateSchemas

/// The WSDL 1.1 of the NSW service (document/literal, SOAP 1.1 binding, one operation `Submit`
/// whose input and output are the NSW `Envelope` element) and the schemas it imports, served from
/// the bundled `Schemas/` so that SOAP tooling can import the description without other files.
enum NSWServiceDescription {
    /// Schemas served below `/nsw/schemas/`, by relative path; the envelope schema, the schemas of the business documents it carries, and XML-DSig.
    static let schemas = ["nsw-envelope.xsd", "atiga-form-d.xsd", "import-export-licence.xsd", "standard/xmldsig-core-schema.xsd"]

    /// Answers `GET /nsw?wsdl` and `GET /nsw/schemas/NAME`.
    static func answer(_ request: EndpointRequest) -> EndpointResponse {
        if request.path == "/nsw" || request.path == "/nsw/" {
            guard request.query["wsdl"] != nil || request.query["WSDL"] != nil else {
                return text(404, "GET /nsw?wsdl for the service description; POST /nsw for messages\n")
            }
            let base = request.headers["host"].map { "http://\($0)" } ?? ""
            return EndpointResponse(status: 200, contentType: ChannelContentType.wsdl, body: Array(wsdl(base: base).utf8))
        }
        let prefix = "/nsw/schemas/"
        guard request.path.hasPrefix(prefix) else { return text(404, "not found\n") }
        let name = String(request.path.dropFirst(prefix.count))
        guard schemas.contains(name), let schema = SchemaDirectory.contents(name) else {
            return text(404, "no schema \(name)\n")
        }
        return EndpointResponse(status: 200, contentType: "text/xml; charset=utf-8", body: Array(schema.utf8))
    }

    /// The WSDL; `base` (e.g. `http://127.0.0.1:8080`) makes the address and schema location
    /// absolute; empty leaves them relative to the WSDL's own URL.
    static func wsdl(base: String) -> String {
        let address = base.isEmpty ? "nsw" : base + "/nsw"
        let schema = base.isEmpty ? "nsw/schemas/nsw-envelope.xsd" : base + "/nsw/schemas/nsw-envelope.xsd"
        let e = XMLText.escape
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <wsdl:definitions name="NSWService" targetNamespace="urn:swgate:nsw:service:1"
                xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
                xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:swgate:nsw:service:1"
                xmlns:nsw="urn:swgate:nsw:envelope:1">
              <wsdl:documentation>SWGate NSW service: a signed NSW envelope in, a signed ACK envelope out (SOAP 1.1, document/literal).</wsdl:documentation>
              <wsdl:types>
                <xs:schema targetNamespace="urn:swgate:nsw:service:1" elementFormDefault="qualified">
                  <xs:import namespace="urn:swgate:nsw:envelope:1" schemaLocation="\(e(schema))"/>
                </xs:schema>
              </wsdl:types>
              <wsdl:message name="SubmitRequest"><wsdl:part name="envelope" element="nsw:Envelope"/></wsdl:message>
              <wsdl:message name="SubmitResponse"><wsdl:part name="acknowledgement" element="nsw:Envelope"/></wsdl:message>
              <wsdl:portType name="NSWPortType">
                <wsdl:operation name="Submit">
                  <wsdl:input message="tns:SubmitRequest"/>
                  <wsdl:output message="tns:SubmitResponse"/>
                </wsdl:operation>
              </wsdl:portType>
              <wsdl:binding name="NSWBinding" type="tns:NSWPortType">
                <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
                <wsdl:operation name="Submit">
                  <soap:operation soapAction="\(SOAP11.submitAction)" style="document"/>
                  <wsdl:input><soap:body use="literal"/></wsdl:input>
                  <wsdl:output><soap:body use="literal"/></wsdl:output>
                </wsdl:operation>
              </wsdl:binding>
              <wsdl:service name="NSWService">
                <wsdl:port name="NSWPort" binding="tns:NSWBinding"><soap:address location="\(e(address))"/></wsdl:port>
              </wsdl:service>
            </wsdl:definitions>
            """
    }

    private static func text(_ status: Int, _ message: String) -> EndpointResponse {
        EndpointResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
    }
}
