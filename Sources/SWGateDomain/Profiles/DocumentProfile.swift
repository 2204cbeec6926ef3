public import SWGateXML

/// One document type the gateway handles, and everything it needs to know about it: how to
/// recognise it (namespace and root), check it (schema and business rules), summarise it, store it
/// (media type) and carry it over each partner protocol (NSW codes, AS4 service and action).
///
/// Adding a document type is adding a profile (`docs/adding-a-document-type.md`): intake,
/// validation, routing, the channels and the command line read everything from here.
public struct DocumentProfile: Sendable {
    /// The NSW envelope's `Subject/documentType` and `Subject/type` for this document.
    public struct NSWCodes: Sendable, Hashable {
        public var documentType: String
        public var type: String
        public init(documentType: String, type: String) {
            self.documentType = documentType
            self.type = type
        }
    }

    /// The ebMS `CollaborationInfo/Service` and `Action` for this document.
    public struct AS4Codes: Sendable, Hashable {
        public var service: String
        public var action: String
        public init(service: String, action: String) {
            self.service = service
            self.action = action
        }
    }

    /// The business rules: every failure of `root` (the document element), judged on `today`.
    public typealias Rules = @Sendable (_ root: XMLElement, _ today: CalendarDate) -> [ValidationIssue]
    /// The summary of a valid document; nil when a field it needs is missing.
    public typealias Summarize = @Sendable (_ root: XMLElement) -> DocumentSummary?

    /// The name routing rules, the store and the API use (`ATIGA-FORM-D`).
    public var documentType: String
    public var namespace: String
    public var rootElement: String
    public var schema: XMLSchema
    public var rules: Rules
    public var summarize: Summarize
    /// The media type of the document as stored before it is signed for a partner.
    public var mediaType: String
    /// How the document travels to the NSW; nil: it never does.
    public var nsw: NSWCodes?
    /// How the document travels over AS4; nil: it never does.
    public var as4: AS4Codes?

    public init(
        documentType: String, namespace: String, rootElement: String, schema: XMLSchema, mediaType: String, nsw: NSWCodes?, as4: AS4Codes?,
        rules: @escaping Rules, summarize: @escaping Summarize
    ) {
        self.documentType = documentType
        self.namespace = namespace
        self.rootElement = rootElement
        self.schema = schema
        self.mediaType = mediaType
        self.nsw = nsw
        self.as4 = as4
        self.rules = rules
        self.summarize = summarize
    }

    /// True when `element` is this profile's document element.
    public func matches(_ element: XMLElement) -> Bool {
        element.isNamed(rootElement, namespace: namespace)
    }

    /// Schema and business rules over `root`, this profile's document element in `document`.
    public func issues(_ root: XMLElement, in document: XMLDocument, today: CalendarDate) -> [ValidationIssue] {
        let schemaIssues = (root.isRoot ? schema.validate(document) : schema.validate(root)).map {
            ValidationIssue(rule: .schema, message: $0.message, path: $0.path, line: $0.line, column: $0.column)
        }
        return schemaIssues + rules(root, today)
    }
}
