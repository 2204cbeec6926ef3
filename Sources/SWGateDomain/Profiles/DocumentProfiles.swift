public import SWGateXML

/// The document types a gateway handles, in the order they are tried. A value: a gateway (or a
/// test) registers its own profiles beside the standard ones with ``registering(_:)``.
public struct DocumentProfiles: Sendable {
    public private(set) var all: [DocumentProfile]

    public init(_ profiles: [DocumentProfile]) {
        all = profiles
    }

    /// ATIGA Form D and the import/export licence, over the compiled catalogue.
    public static func standard(_ schemas: SchemaCatalog) -> DocumentProfiles {
        DocumentProfiles([.formD(schemas), .licence(schemas)])
    }

    /// These profiles and `profile`; a profile of the same document type is replaced.
    public func registering(_ profile: DocumentProfile) -> DocumentProfiles {
        var copy = self
        copy.all.removeAll { $0.documentType == profile.documentType }
        copy.all.append(profile)
        return copy
    }

    /// The profile whose document element `element` is.
    public func profile(for element: XMLElement) -> DocumentProfile? {
        all.first { $0.matches(element) }
    }

    /// The profile of `documentType`.
    public func profile(named documentType: String) -> DocumentProfile? {
        all.first { $0.documentType == documentType }
    }

    /// "FormD in 'urn:…', Licence in 'urn:…'": what a refusal lists as expected.
    public var expectation: String {
        all.map { "\($0.rootElement) in '\($0.namespace)'" }.joined(separator: ", ")
    }
}
