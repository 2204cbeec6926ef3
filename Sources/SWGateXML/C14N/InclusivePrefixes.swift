package import CLibXML2
import Foundation

/// The `ec:InclusiveNamespaces PrefixList` of an exclusive C14N transform as the
/// NULL-terminated C string array `xmlC14NExecute` takes, freed in `deinit`.
///
/// `#default` stands for the default namespace; libxml2 understands it as written.
package final class InclusivePrefixes {
    package let list: UnsafeMutablePointer<UnsafeMutablePointer<xmlChar>?>
    private let count: Int

    /// `prefixList` split at whitespace; `nil` when it names no prefix.
    package init?(prefixList: String) {
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
