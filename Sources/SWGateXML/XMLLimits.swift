/// Caps applied while a document is parsed. A document over any cap is refused before its
/// tree is built, so memory stays bounded whatever arrives.
public struct XMLLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int
    /// Deepest accepted element nesting (the root element is depth 1).
    public var maxDepth: Int
    /// Most elements, attributes and namespace declarations accepted in one document.
    public var maxNodes: Int

    public init(maxBytes: Int = 10 * 1024 * 1024, maxDepth: Int = 64, maxNodes: Int = 200_000) {
        self.maxBytes = maxBytes
        // libxml2 refuses anything deeper than 256 levels on its own unless XML_PARSE_HUGE is
        // given, which the gateway never does.
        self.maxDepth = min(maxDepth, 256)
        self.maxNodes = maxNodes
    }

    /// Defaults for business documents and envelopes: 10 MiB, depth 64, 200,000 nodes.
    public static let `default` = XMLLimits()
}
