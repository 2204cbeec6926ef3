import Foundation
import SWGateSecurity
import SWGateXML

/// Signature verification by the native engine against xmlsec, on documents generated from the
/// input: the input's XML is signed (enveloped, by one engine or the other), optionally one byte of
/// the signed document is changed, and both engines verify it. They must agree: both accept with
/// the same digests, or both refuse with the same code.
///
/// Input layout: byte 0 flags (bit 0: xmlsec signs, bit 1: change a byte), bytes 1–2 the offset of
/// the change (modulo the signed length), byte 3 the value XORed in (0 becomes 1), the rest the XML.
struct SignatureDifferentialTarget: FuzzTarget {
    let name = "signature-diff"
    let native = FuzzEnvironment.gateway(engine: .native)
    let xmlsec = FuzzEnvironment.gateway(engine: .xmlsec)

    func run(_ input: [UInt8]) {
        guard input.count > 4 else { return }
        let flags = input[0]
        let offset = Int(input[1]) << 8 | Int(input[2])
        let change = input[3] == 0 ? 1 : input[3]
        let document = Array(input[4...])
        let signer = flags & 1 == 0 ? native : xmlsec
        guard var signed = try? signer.signEnvelopedDocument(document) else { return }
        if flags & 2 != 0, !signed.isEmpty { signed[offset % signed.count] ^= change }
        let date = Date()
        let byNative = Result { () throws(SignatureError) in try native.verifyEnvelopedDocument(signed, partner: "VN", at: date) }
        let byXMLSec = Result { () throws(SignatureError) in try xmlsec.verifyEnvelopedDocument(signed, partner: "VN", at: date) }
        switch (byNative, byXMLSec) {
        case (.success(let a), .success(let b)):
            if a.references.map(\.digestValue) != b.references.map(\.digestValue) {
                finding("both engines accept with different digests: native \(a.references) xmlsec \(b.references)")
            }
        case (.failure(let a), .failure(let b)):
            if a.code != b.code { finding("both refuse with different codes: native \(a) / xmlsec \(b)") }
        case (.success, .failure(let b)):
            finding("native accepts, xmlsec refuses: \(b)")
        case (.failure(let a), .success):
            finding("xmlsec accepts, native refuses: \(a)")
        }
        if flags & 2 == 0, case .failure(let error) = byNative {
            finding("a document just signed by \(flags & 1 == 0 ? "native" : "xmlsec") does not verify: \(error)")
        }
    }
}
