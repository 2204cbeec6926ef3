internal import CLibXML2

extension XMLElement {
    /// This element and its subtree as a document of its own (UTF-8, with an XML declaration).
    ///
    /// Namespaces the subtree uses but an ancestor declared are declared on the new document
    /// element, so the result means the same as the subtree did in place (e.g. an NSW envelope
    /// carried in a SOAP Body, serialised for signature verification).
    public func serializedAsDocument() -> [UInt8] {
        guard let copy = xmlNewDoc("1.0") else { return [] }
        defer { xmlFreeDoc(copy) }
        guard let node = xmlDocCopyNode(self.node, copy, 1) else { return [] }
        xmlDocSetRootElement(copy, node)
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(copy, &buffer, &size, "UTF-8")
        guard let buffer else { return [] }
        defer { swg_xmlFree(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// This element's subtree as a document of its own, copied in memory (not serialised and parsed
    /// again): for verifying and validating an envelope carried in a SOAP Body with one parse.
    /// Serialising the copy gives the bytes ``serializedAsDocument()`` gives.
    public func copiedAsDocument() -> XMLDocument? {
        document.copy(of: self)
    }
}
