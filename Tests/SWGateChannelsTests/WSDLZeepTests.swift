import Foundation
import SWGateDelivery
import SWGateSecurity
import SWGateStore
import SWGateTesting
import SWGateXML
import Testing

@testable import SWGateChannels
@testable import SWGateNSW
@testable import SWGateAS4

@Suite("The NSW WSDL with standard SOAP tooling (Python zeep)")
struct WSDLZeepTests {
    /// Imports the WSDL with zeep, posts the signed envelope to the address the WSDL names with
    /// the operation's SOAPAction, lets zeep parse the answer as the operation's output, and
    /// writes the raw answer for the test to verify.
    static let script = """
        import sys
        from lxml import etree
        import zeep

        wsdl, signed_path, out_path = sys.argv[1:4]
        client = zeep.Client(wsdl)
        binding = client.service._binding
        operation = binding.get("Submit")
        address = client.service._binding_options["address"]
        soap_ns = "http://schemas.xmlsoap.org/soap/envelope/"
        soap = etree.Element("{%s}Envelope" % soap_ns, nsmap={"soap": soap_ns})
        body = etree.SubElement(soap, "{%s}Body" % soap_ns)
        body.append(etree.parse(signed_path).getroot())
        headers = {"SOAPAction": '"%s"' % operation.soapaction, "Content-Type": "text/xml; charset=utf-8"}
        response = client.transport.post_xml(address, soap, headers)
        with open(out_path, "wb") as out:
            out.write(response.content)
        result = binding.process_reply(client, operation, response)
        print("status", response.status_code)
        print("ack", result.Body.Content.Acknowledgement.Status, result.Body.Content.Acknowledgement.RefMessageId)
        """

    @Test("zeep imports /nsw?wsdl and calls Submit with a signed envelope; the signed ACK comes back")
    func zeepCall() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let endpoint = NSWEndpoint(security: ChannelTest.gateway, store: store, validator: ChannelTest.validator)
        let (base, task) = try await ChannelTest.host(endpoint, prefix: "/nsw")
        defer { task.cancel() }
        let signedPath = try directory.write("signed.xml", try ChannelTest.nsw.signFormDForNSW(try ChannelTest.formD(), messageId: "zeep-1"))
        let scriptPath = try directory.write("call.py", Array(Self.script.utf8))
        let outPath = directory.path("answer.xml")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, base + "/nsw?wsdl", signedPath, outPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = await Task.detached { String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("status 200"), "\(printed)")
        #expect(printed.contains("ack RECEIVED zeep-1"), "\(printed)")

        let answer = try #require(FileManager.default.contents(atPath: outPath))
        guard case .element(let element) = try SOAP11.content(of: XMLDocument(bytes: Array(answer))) else {
            Issue.record("no ACK in \(String(decoding: answer, as: UTF8.self))")
            return
        }
        let verification = try ChannelTest.nsw.verifyNSWEnvelope(element.serializedAsDocument())
        #expect(verification.sender == "MOIT-VN")
        #expect(try await store.message(id: "zeep-1") != nil)
    }

    @Test("The WSDL and the schemas it imports are served; other files are not")
    func served() async throws {
        let (store, directory) = try ChannelTest.store()
        defer { directory.remove() }
        let endpoint = NSWEndpoint(security: ChannelTest.gateway, store: store, validator: ChannelTest.validator)
        let (base, task) = try await ChannelTest.host(endpoint, prefix: "/nsw")
        defer { task.cancel() }
        let wsdl = try await ChannelTest.get(base + "/nsw?wsdl")
        #expect(wsdl.0 == 200)
        #expect(ChannelTest.text(wsdl.1).contains("soapAction=\"urn:swgate:nsw:Submit\""))
        #expect(try await ChannelTest.get(base + "/nsw/schemas/nsw-envelope.xsd").0 == 200)
        #expect(try await ChannelTest.get(base + "/nsw/schemas/standard/xmldsig-core-schema.xsd").0 == 200)
        #expect(try await ChannelTest.get(base + "/nsw/schemas/../Package.swift").0 == 404)
        #expect(try await ChannelTest.get(base + "/nsw/schemas/standard/soap11-envelope.xsd").0 == 404)
    }
}
