internal import CLibXML2
internal import CXMLSec

/// The `ec:InclusiveNamespaces PrefixList` of an exclusive C14N transform as the
/// NULL-terminated C string array `xmlC14NExecute` takes, freed in `deinit`.
///
/// `#default` stands for the default namespace; libxml2 understands it as written.
final class InclusivePrefixes {
    let list: UnsafeMutablePointer<UnsafeMutablePointer<xmlChar>?>
    private let count: Int

    /// The prefixes of the `ec:InclusiveNamespaces` child of `method` (a Transform or
    /// CanonicalizationMethod element); `nil` when it has none.
    convenience init?(of method: NodePointer) {
        guard let parameters = method.onlyChild("InclusiveNamespaces", Algorithm.exclusiveC14N),
              let prefixList = parameters.attribute("PrefixList")
        else { return nil }
        self.init(prefixList: prefixList)
    }

    /// `prefixList` split at whitespace; `nil` when it names no prefix.
    init?(prefixList: String) {
        let prefixes = prefixList.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard !prefixes.isEmpty else { return nil }
        count = prefixes.count
        list = .allocate(capacity: prefixes.count + 1)
        for (index, prefix) in prefixes.enumerated() {
            list[index] = strdup(String(prefix)).map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: xmlChar.self) }
        }
        list[prefixes.count] = nil
    }

    deinit {
        for index in 0..<count { free(list[index]) }
        list.deallocate()
    }
}
