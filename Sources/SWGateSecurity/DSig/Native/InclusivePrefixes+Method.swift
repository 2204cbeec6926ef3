import SWGateXML

extension InclusivePrefixes {
    /// The prefixes of the `ec:InclusiveNamespaces` child of `method` (a Transform or
    /// CanonicalizationMethod element); `nil` when it has none.
    convenience init?(of method: NodePointer) {
        guard let parameters = method.onlyChild("InclusiveNamespaces", Algorithm.exclusiveC14N),
            let prefixList = parameters.attribute("PrefixList")
        else { return nil }
        self.init(prefixList: prefixList)
    }
}
